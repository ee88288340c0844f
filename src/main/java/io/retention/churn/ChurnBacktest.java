package io.retention.churn;

import static io.retention.schema.BacktestColumns.*;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.ntile;
import static org.apache.spark.sql.functions.sum;

import io.retention.export.ControlGroup;
import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.ChurnColumns;
import io.retention.schema.Columns;
import io.retention.schema.GoldSchemas;
import io.retention.schema.SqlLiterals;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * The backtest of a past score date d with horizon H (d + H &le; the as-of date): were the churn scores and the
 * exported at-risk list right, and did contacting help?
 *
 * <ul>
 *   <li>Outcome per scored customer: {@code churned} = no purchase day in (d, d + H] in the hub
 *       (gold.customer_activity; a purchase day is an entry with purchases &gt; 0); a scored customer missing from
 *       the hub counts as churned.</li>
 *   <li>Per risk band and per decile of churn_risk (decile 1 = the highest risks; {@code ntile(10)} ordered by
 *       risk descending, then customer id): customers, mean predicted risk, observed churn rate.</li>
 *   <li>The list exported for d (gold.at_risk_lists; list = positives, churned = relevant): precision = churned on
 *       the list / list size, recall = churned on the list / churned among all scored customers.</li>
 *   <li>Uplift on the list: the reactivation rate (a purchase in (d, d + H]) of treatment and of control, their
 *       difference treatment &minus; control and its 95 % interval by Newcombe's hybrid score method
 *       ({@link #newcombe}).</li>
 * </ul>
 *
 * <p>Cost: one row-by-row pass of the hub (the outcome), one shuffle join with the date's scores, one sort for
 * the deciles, three small aggregations. Only the per-band, per-decile and per-group sums (&le; 15 rows) reach
 * the driver, which turns them into the rows of gold.churn_backtest.
 */
public final class ChurnBacktest {
  private ChurnBacktest() {}

  /** 1.959963984540054: the two-sided 95 % normal quantile. */
  public static final double Z95 = 1.959963984540054;
  /** The key of the uplift row and of the list and overall rows. */
  public static final String UPLIFT_KEY = "treatment-control";
  public static final String ALL = "all";
  static final String CHURNED_FLAG = "churned_flag";
  static final String DECILE = "decile";

  /** Customers, sum of predicted risk and churned customers of one group. */
  public record Tally(long customers, double riskSum, long churned) {
    static final Tally EMPTY = new Tally(0, 0, 0);

    Tally plus(Tally t) {
      return new Tally(customers + t.customers, riskSum + t.riskSum, churned + t.churned);
    }

    Double meanRisk() {
      return customers == 0 ? null : riskSum / customers;
    }

    Double churnRate() {
      return customers == 0 ? null : (double) churned / customers;
    }

    long reactivated() {
      return customers - churned;
    }

    Double reactivationRate() {
      return customers == 0 ? null : (double) reactivated() / customers;
    }
  }

  /** A difference of two proportions with its interval. */
  public record Interval(double diff, double low, double high) {}

  /** What one score date gave: the rows written and whether a list was found. */
  public record Evaluated(LocalDate scoreDate, long customers, boolean withList, int rows) {}

  /**
   * The 95 % Wilson score interval of x successes in n trials: {@code {low, high}}.
   *
   * <pre>{@code (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)}</pre>
   */
  public static double[] wilson(long x, long n, double z) {
    if (n <= 0 || x < 0 || x > n) {
      throw new IllegalArgumentException("wilson: need 0 <= x <= n and n > 0, cannot be: " + x + "/" + n);
    }
    double p = (double) x / n;
    double z2 = z * z;
    double denom = 1 + z2 / n;
    double center = (p + z2 / (2.0 * n)) / denom;
    double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denom;
    return new double[] {Math.max(0, center - half), Math.min(1, center + half)};
  }

  /**
   * Newcombe's hybrid score interval (1998, method 10) of p1 &minus; p2, p1 = x1/n1, p2 = x2/n2, from the Wilson
   * intervals (l1, u1), (l2, u2) of each proportion:
   *
   * <pre>{@code low = d - sqrt((p1-l1)² + (u2-p2)²),  high = d + sqrt((u1-p1)² + (p2-l2)²)}</pre>
   *
   * Unlike Wald it stays inside [-1, 1] and keeps its coverage with small groups and rates near 0 or 1 (a 10 %
   * control group of a short list is small).
   */
  public static Interval newcombe(long x1, long n1, long x2, long n2, double z) {
    double p1 = (double) x1 / n1;
    double p2 = (double) x2 / n2;
    double[] w1 = wilson(x1, n1, z);
    double[] w2 = wilson(x2, n2, z);
    double d = p1 - p2;
    return new Interval(d, d - Math.sqrt(sq(p1 - w1[0]) + sq(w2[1] - p2)),
        d + Math.sqrt(sq(w1[1] - p1) + sq(p2 - w2[0])));
  }

  private static double sq(double v) {
    return v * v;
  }

  /**
   * The per-customer outcome at {@code d}: customer id, churn_risk, risk_band, model version, churned (1 / 0) and
   * decile (1 = the highest risks). {@code scores} is gold.churn_scores, {@code hub} gold.customer_activity.
   */
  static Dataset<Row> outcomes(Dataset<Row> scores, Dataset<Row> hub, LocalDate d, int horizonDays) {
    Dataset<Row> day = scores.where(col(ChurnColumns.SCORE_DATE).equalTo(lit(Date.valueOf(d))))
        .select(Columns.CUSTOMER_ID, ChurnColumns.CHURN_RISK, ChurnColumns.RISK_BAND, ChurnColumns.MODEL_VERSION);
    Dataset<Row> returned = hub.select(col(Columns.CUSTOMER_ID),
        ChurnLabels.purchasedIn(d, d.plusDays(horizonDays)).as("returned"));
    return day.join(returned, day.col(Columns.CUSTOMER_ID).equalTo(returned.col(Columns.CUSTOMER_ID)), "left")
        .select(day.col(Columns.CUSTOMER_ID), col(ChurnColumns.CHURN_RISK), col(ChurnColumns.RISK_BAND),
            col(ChurnColumns.MODEL_VERSION),
            coalesce(col("returned"), lit(false)).equalTo(lit(false)).cast(DataTypes.LongType).as(CHURNED_FLAG),
            ntile(10).over(Window.orderBy(col(ChurnColumns.CHURN_RISK).desc(), day.col(Columns.CUSTOMER_ID)))
                .as(DECILE));
  }

  /**
   * The gold.churn_backtest rows of score date {@code d} (scores must exist for it); {@code lists} is
   * gold.at_risk_lists or null. Aggregated on the executors; only the sums reach the driver.
   */
  public static List<Row> evaluate(Dataset<Row> scores, Dataset<Row> hub, Dataset<Row> lists, LocalDate d,
      int horizonDays) {
    Dataset<Row> o = outcomes(scores, hub, d, horizonDays).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<String, Tally> bands = tallies(o, ChurnColumns.RISK_BAND);
      Map<String, Tally> deciles = tallies(o, DECILE);
      String model = o.agg(max(col(ChurnColumns.MODEL_VERSION))).first().getString(0);
      Map<String, Tally> groups = null;
      if (lists != null) {
        Dataset<Row> list = lists.where(col(LIST_DATE).equalTo(lit(Date.valueOf(d))))
            .select(col(Columns.CUSTOMER_ID), col(ChurnColumns.GROUP));
        groups = tallies(o.join(list, Columns.CUSTOMER_ID), ChurnColumns.GROUP);
        if (groups.isEmpty()) {
          groups = null;
        }
      }
      return rows(d, horizonDays, model, bands, deciles, groups);
    } finally {
      o.unpersist();
    }
  }

  /** Customers, sum of risk and churned per value of {@code by} (a handful of rows). */
  private static Map<String, Tally> tallies(Dataset<Row> outcomes, String by) {
    Map<String, Tally> m = new LinkedHashMap<>();
    for (Row r : outcomes.groupBy(col(by).cast(DataTypes.StringType).as(by)).agg(count(lit(1)),
        sum(col(ChurnColumns.CHURN_RISK)), sum(col(CHURNED_FLAG))).collectAsList()) {
      m.put(r.getString(0), new Tally(r.getLong(1), r.getDouble(2), r.getLong(3)));
    }
    return m;
  }

  /**
   * The rows of one score date from the sums (pure): overall, per band (high, medium, low), per decile (1..10),
   * and, with a list ({@code groups}: treatment / control tallies of its members, null without a list), the list
   * row and the uplift row.
   */
  static List<Row> rows(LocalDate d, int horizonDays, String model, Map<String, Tally> bands,
      Map<String, Tally> deciles, Map<String, Tally> groups) {
    List<Row> out = new ArrayList<>();
    Tally all = bands.values().stream().reduce(Tally.EMPTY, Tally::plus);
    out.add(row(d, horizonDays, model, KIND_OVERALL, ALL, all, null, null, null, null));
    for (String b : List.of(ChurnColumns.BAND_HIGH, ChurnColumns.BAND_MEDIUM, ChurnColumns.BAND_LOW)) {
      if (bands.containsKey(b)) {
        out.add(row(d, horizonDays, model, KIND_BAND, b, bands.get(b), null, null, null, null));
      }
    }
    Map<Integer, Tally> sorted = new TreeMap<>();
    deciles.forEach((k, v) -> sorted.put(Integer.valueOf(k), v));
    sorted.forEach((k, v) -> out.add(row(d, horizonDays, model, KIND_DECILE, String.valueOf(k), v, null, null,
        null, null)));
    if (groups != null) {
      Tally t = groups.getOrDefault(ControlGroup.TREATMENT, Tally.EMPTY);
      Tally c = groups.getOrDefault(ControlGroup.CONTROL, Tally.EMPTY);
      Tally list = t.plus(c);
      Double recall = all.churned() == 0 ? null : (double) list.churned() / all.churned();
      out.add(row(d, horizonDays, model, KIND_LIST, ALL, list, list.churnRate(), recall, t, c));
      out.add(row(d, horizonDays, model, KIND_UPLIFT, UPLIFT_KEY, list, null, null, t, c));
    }
    return out;
  }

  private static Row row(LocalDate d, int horizonDays, String model, String kind, String key, Tally t,
      Double precision, Double recall, Tally treatment, Tally control) {
    boolean uplift = KIND_UPLIFT.equals(kind);
    Double rt = uplift ? treatment.reactivationRate() : null;
    Double rc = uplift ? control.reactivationRate() : null;
    Interval ci = uplift && treatment.customers() > 0 && control.customers() > 0
        ? newcombe(treatment.reactivated(), treatment.customers(), control.reactivated(), control.customers(), Z95)
        : null;
    return RowFactory.create(Date.valueOf(d), horizonDays, Date.valueOf(d.plusDays(horizonDays)), model, kind, key,
        t.customers(), t.churned(), t.meanRisk(), t.churnRate(), precision, recall,
        treatment == null ? null : treatment.customers(), control == null ? null : control.customers(), rt, rc,
        ci == null ? null : ci.diff(), ci == null ? null : ci.low(), ci == null ? null : ci.high());
  }

  /** Replaces the rows of score date {@code d} in gold.churn_backtest with {@code rows} in one commit. */
  public static void write(DeltaTables tables, LocalDate d, List<Row> rows) {
    tables.replaceWhere(Table.CHURN_BACKTEST, tables.spark().createDataFrame(rows, GoldSchemas.CHURN_BACKTEST),
        ChurnColumns.SCORE_DATE + " = " + SqlLiterals.date(d));
  }

  /** Evaluates score date {@code d} from the warehouse and writes its rows. */
  public static Evaluated run(DeltaTables tables, LocalDate d, int horizonDays) {
    List<Row> rows = evaluate(tables.read(Table.CHURN_SCORES), tables.read(Table.CUSTOMER_ACTIVITY),
        tables.exists(Table.AT_RISK_LISTS) ? tables.read(Table.AT_RISK_LISTS) : null, d, horizonDays);
    write(tables, d, rows);
    return new Evaluated(d, rows.get(0).getLong(6), rows.stream().anyMatch(r -> KIND_LIST.equals(r.getString(4))),
        rows.size());
  }

  /**
   * The score dates of gold.churn_scores whose outcome window has closed at {@code asOf} (d + H &le; asOf), oldest
   * first; without {@code all}, only those gold.churn_backtest does not hold yet. Reads the distinct dates only.
   */
  public static List<LocalDate> due(DeltaTables tables, LocalDate asOf, int horizonDays, boolean all) {
    if (!tables.exists(Table.CHURN_SCORES)) {
      return List.of();
    }
    Set<LocalDate> done = new HashSet<>(all || !tables.exists(Table.CHURN_BACKTEST) ? List.of()
        : dates(tables.read(Table.CHURN_BACKTEST)));
    return dates(tables.read(Table.CHURN_SCORES)).stream()
        .filter(d -> !d.plusDays(horizonDays).isAfter(asOf) && !done.contains(d)).sorted().toList();
  }

  /** Whether gold.churn_scores holds rows of {@code d}. */
  public static boolean scored(DeltaTables tables, LocalDate d) {
    return tables.exists(Table.CHURN_SCORES) && !tables.read(Table.CHURN_SCORES)
        .where(col(ChurnColumns.SCORE_DATE).equalTo(lit(Date.valueOf(d)))).limit(1).isEmpty();
  }

  private static List<LocalDate> dates(Dataset<Row> t) {
    return t.select(ChurnColumns.SCORE_DATE).distinct().collectAsList().stream()
        .map(r -> r.getDate(0).toLocalDate()).toList();
  }
}
