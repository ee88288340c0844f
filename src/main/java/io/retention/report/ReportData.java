package io.retention.report;

import static io.retention.schema.MetricsColumns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import io.retention.export.AtRiskExport;
import io.retention.lake.DeltaTables;
import io.retention.quality.QualityLog;
import io.retention.lake.Table;
import io.retention.metrics.CustomerActivity;
import io.retention.metrics.CustomersBasis;
import io.retention.metrics.Grain;
import io.retention.metrics.MetricsStage;
import io.retention.metrics.PurchaseGaps;
import io.retention.report.ReportModel.Bin;
import io.retention.report.ReportModel.CohortCell;
import io.retention.report.ReportModel.Gaps;
import io.retention.report.ReportModel.KpiPoint;
import io.retention.report.ReportModel.Transition;
import io.retention.schema.Columns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Reads the warehouse into a {@link ReportModel}: every number comes from the tables {@code query} reads
 * (silver.purchases, the gold tables). Only aggregates reach the driver: the last {@value #COHORTS} cohorts ×
 * {@value #PERIODS} periods, the last {@value #KPI_PERIODS} KPI periods, a 27-bin gap histogram, 5 transitions,
 * (in {@link ValueData}) CLV bins, per-month averages, evaluation bins and the top of the at-risk list, (in
 * {@link ChurnModelData}) the churn model's curves of one version, and (in {@link SegmentReport}) the segment
 * transition counts.
 *
 * <p>Cost: one pass over the per-customer state gold.customer_activity (the gap lengths counted per transition)
 * and one over one column of gold.customers (the customer counts; over the state when gold.customers is of
 * another date), none over silver; the other gold tables are small per-period tables, scanned once each.
 */
public final class ReportData {
  static final int COHORTS = 18;
  static final int PERIODS = 24;
  static final int KPI_PERIODS = 60;
  static final int GAP_BIN_DAYS = 14;
  static final int GAP_BINS = 26;

  /**
   * What to read: the as-of date (null = latest purchase day), the active window, and the HMAC key that
   * pseudonymises the at-risk ids as the export does (null = raw ids).
   */
  public record Options(LocalDate asOf, int activeWindowDays, byte[] pseudonymKey, AtRiskExport.Options atRiskList) {
    public Options {
      if (activeWindowDays < 1) {
        throw new IllegalArgumentException("report: active window must be at least 1 day, cannot be: "
            + activeWindowDays);
      }
      if (pseudonymKey != null && pseudonymKey.length < 16) {
        throw new IllegalArgumentException("report: the HMAC key must be at least 16 bytes, cannot be: "
            + pseudonymKey.length + " bytes");
      }
    }

    public Options(LocalDate asOf, int activeWindowDays) {
      this(asOf, activeWindowDays, null, null);
    }

    public Options(LocalDate asOf, int activeWindowDays, byte[] pseudonymKey) {
      this(asOf, activeWindowDays, pseudonymKey, null);
    }
  }

  private final DeltaTables tables;

  public ReportData(DeltaTables tables) {
    this.tables = tables;
  }

  /** The latest purchase order_date in silver.purchases: the default as-of date. */
  public LocalDate latestPurchaseDay() {
    if (!tables.exists(Table.PURCHASES)) {
      throw new IllegalStateException("report: " + Table.PURCHASES.qualifiedName() + " does not exist in "
          + tables.warehouse() + ": run ingest first");
    }
    return io.retention.lake.LatestPurchase.day(tables.read(Table.PURCHASES)).orElseThrow(() ->
        new IllegalStateException("report: silver.purchases has no purchases, so there is no as-of date"));
  }

  /** Builds the whole model. */
  public ReportModel load(Options o) {
    LocalDate asOf = o.asOf() == null ? latestPurchaseDay() : o.asOf();
    var sc = tables.spark().sparkContext();
    sc.setJobDescription("report as of " + asOf);
    try {
      List<KpiPoint> kpis = kpis(asOf);
      List<KpiPoint> complete = kpis.stream().filter(KpiPoint::complete).toList();
      KpiPoint last = complete.isEmpty() ? null : complete.get(complete.size() - 1);
      KpiPoint prev = complete.size() < 2 ? null : complete.get(complete.size() - 2);
      long[] counts = customerCounts(asOf, o.activeWindowDays());
      ValueData values = new ValueData(tables, asOf, o.pseudonymKey(), o.atRiskList());
      ReportModel.Clv clv = values.clv();
      var headline = new ReportModel.Headline(counts == null ? null : counts[0], counts == null ? null : counts[1],
          o.activeWindowDays(), last, prev, clv == null ? null : clv.totalPredicted(),
          clv == null ? null : clv.horizonMonths());
      String grain = grain();
      ReportModel.Churn churn = values.churn();
      return new ReportModel(asOf, grain, headline, cohorts(asOf, grain), kpis, gaps(asOf), clv, values.calibration(),
          churn, new ChurnModelData(tables).load(churn == null ? null : churn.modelVersion()), quality(),
          SegmentReport.load(tables), BacktestReport.load(tables));
    } finally {
      sc.setJobDescription(null);
    }
  }

  /** The last {@value #QUALITY_NIGHTS} gate checks and acceptances, newest first (one row per night: small). */
  private List<QualityLog.Check> quality() {
    List<QualityLog.Check> all = new java.util.ArrayList<>(new QualityLog(tables).checks());
    java.util.Collections.reverse(all);
    return all.subList(0, Math.min(QUALITY_NIGHTS, all.size()));
  }

  static final int QUALITY_NIGHTS = 14;

  private String grain() {
    if (!tables.exists(Table.RETENTION_KPIS)) {
      return "month";
    }
    Row r = tables.read(Table.RETENTION_KPIS).select(GRAIN).limit(1).collectAsList().stream().findFirst()
        .orElse(null);
    return r == null || r.isNullAt(0) ? "month" : r.getString(0);
  }

  /**
   * {customers with a purchase on or before as-of, those whose last purchase is within the window}: from
   * gold.customers when metrics computed it at this as-of from the current state ({@link CustomersBasis}), else
   * from the per-customer state (one row per customer; no scan of silver).
   */
  private long[] customerCounts(LocalDate asOf, int window) {
    if (CustomersBasis.current(tables).filter(b -> b.asOf().equals(asOf)).isPresent()) {
      // gold.customers holds exactly these customers at as-of, each with its days since the last purchase
      Row r = tables.read(Table.CUSTOMERS).agg(count(lit(1)),
          count(when(col(DAYS_SINCE_LAST).leq(lit(window)), lit(1)))).first();
      return new long[] {r.getLong(0), r.getLong(1)};
    }
    Dataset<Row> state = perCustomerState();
    if (state == null) {
      return null;
    }
    // a customer whose first purchase is after as-of has no day yet: not counted (element_at would throw)
    Column last = try_element_at(CustomerActivity.purchaseDaysUpTo(asOf), lit(-1));
    Row r = state.select(last.as("last"))
        .agg(count(col("last")), count(when(col("last").geq(lit(Date.valueOf(asOf.minusDays(window)))), lit(1))))
        .first();
    return new long[] {r.getLong(0), r.getLong(1)};
  }

  /** The last KPI periods starting on or before as-of, oldest first; complete = ended on or before as-of. */
  List<KpiPoint> kpis(LocalDate asOf) {
    if (!tables.exists(Table.RETENTION_KPIS)) {
      return List.of();
    }
    List<Row> rows = tables.read(Table.RETENTION_KPIS)
        .where(col(PERIOD_START).leq(lit(Date.valueOf(asOf))))
        .select(col(PERIOD_START), col(PERIOD_END), col(IS_COMPLETE), col(CRR), col(CHURN_RATE),
            col(AOV).cast("double"), col(PURCHASE_FREQUENCY), col(REPEAT_PURCHASE_RATE), col(CUSTOMERS_END))
        .orderBy(col(PERIOD_START).desc()).limit(KPI_PERIODS).collectAsList();
    List<KpiPoint> out = new ArrayList<>();
    for (Row r : rows) {
      LocalDate end = r.getDate(1).toLocalDate();
      boolean complete = !end.isAfter(asOf) && !r.isNullAt(2) && r.getBoolean(2);
      out.add(0, new KpiPoint(r.getDate(0).toLocalDate(), end, complete, dbl(r, 3), dbl(r, 4), dbl(r, 5),
          dbl(r, 6), dbl(r, 7), r.isNullAt(8) ? null : ((Number) r.get(8)).longValue()));
    }
    return out;
  }

  /**
   * The last cohorts (first period on or before as-of) × periods 0..{@value #PERIODS}, breakdowns summed, with
   * their net revenue retention.
   */
  List<CohortCell> cohorts(LocalDate asOf, String grain) {
    Grain g = Grain.parse(grain);
    // a cell's period end is not stored: derived from its start with the grain's arithmetic
    String endSql = g.end(g.period(PERIOD_START));
    if (!tables.exists(Table.COHORT_RETENTION)) {
      return List.of();
    }
    Dataset<Row> cells = tables.read(Table.COHORT_RETENTION)
        .where(col(PERIOD_START).leq(lit(Date.valueOf(asOf))).and(col(PERIOD_INDEX).leq(PERIODS)))
        .groupBy(col(COHORT), col(PERIOD_INDEX))
        .agg(sum(COHORT_SIZE).as("size"), sum(ACTIVE_CUSTOMERS).as("act"),
            sum(col(UNBOUNDED_RETENTION_RATE).multiply(col(COHORT_SIZE))).as("later"),
            expr("bool_and(" + IS_COMPLETE + " AND " + endSql + " <= DATE'" + asOf + "')").as("done"),
            sum(REVENUE).as("rev"));
    List<Row> last = cells.select(COHORT).distinct().orderBy(col(COHORT).desc()).limit(COHORTS).collectAsList();
    if (last.isEmpty()) {
      return List.of();
    }
    Date oldest = last.get(last.size() - 1).getDate(0);
    List<CohortCell> out = new ArrayList<>();
    double base = 0;
    for (Row r : cells.where(col(COHORT).geq(lit(oldest))).orderBy(COHORT, PERIOD_INDEX).collectAsList()) {
      long size = ((Number) r.get(2)).longValue();
      long act = ((Number) r.get(3)).longValue();
      double later = r.isNullAt(4) ? 0 : ((Number) r.get(4)).doubleValue();
      double rev = r.isNullAt(6) ? 0 : ((Number) r.get(6)).doubleValue();
      // rows come cohort by cohort from k = 0: net revenue retention of the summed breakdowns = rev(k) / rev(0)
      base = r.getInt(1) == 0 ? rev : base;
      out.add(new CohortCell(r.getDate(0).toLocalDate(), r.getInt(1), size, act,
          size == 0 ? 0 : (double) act / size, size == 0 ? 0 : later / size, r.getBoolean(5),
          base > 0 ? rev / base : null));
    }
    return out;
  }

  /**
   * Gaps between consecutive purchase days (up to as-of): 14-day histogram and percentiles per transition. One
   * pass over the state counts each (transition, gap length); gaps are whole days, so that table is small
   * (transitions &times; distinct lengths), and both the exact percentiles (with the counts as frequencies) and
   * the histogram are read from it, not from the exploded gaps again.
   */
  Gaps gaps(LocalDate asOf) {
    Dataset<Row> state = perCustomerState();
    if (state == null) {
      return null;
    }
    MetricsStage.Options at = MetricsStage.Options.defaults().withAsOf(asOf);
    // counted per cohort, transition and length; the cohorts summed out
    Dataset<Row> lengths = PurchaseGaps.counts(CustomerActivity.view(state, at), at.grain())
        .groupBy("t", "gap").agg(sum("k").as("k"))
        .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    try {
      List<Transition> transitions = new ArrayList<>();
      for (Row r : lengths.groupBy("t").agg(sum("k"), expr("sum(CAST(gap AS DOUBLE) * k) / sum(k)"),
          expr("percentile(gap, array(0.25, 0.5, 0.75, 0.9), k)")).orderBy("t").collectAsList()) {
        List<Double> p = r.getList(3);
        transitions.add(new Transition(r.getString(0), r.getLong(1), r.getDouble(2), p.get(0), p.get(1), p.get(2),
            p.get(3)));
      }
      long[] hist = new long[GAP_BINS + 1];
      for (Row r : lengths.where(col("t").equalTo("all"))
          .groupBy(expr("least(floor(gap / " + GAP_BIN_DAYS + "), " + GAP_BINS + ")").as("b")).agg(sum("k"))
          .collectAsList()) {
        hist[(int) r.getLong(0)] = r.getLong(1);
      }
      List<Bin> bins = new ArrayList<>();
      for (int i = 0; i <= GAP_BINS; i++) {
        bins.add(new Bin(i * GAP_BIN_DAYS, i == GAP_BINS ? Double.POSITIVE_INFINITY : (i + 1) * GAP_BIN_DAYS,
            hist[i]));
      }
      return transitions.isEmpty() ? null : new Gaps(bins, transitions);
    } finally {
      lengths.unpersist();
    }
  }

  /**
   * The per-customer state (gold.customer_activity); on a warehouse where metrics has not run yet, the same state
   * computed from silver.purchases in memory (the report writes no table); null when neither exists.
   */
  private Dataset<Row> perCustomerState() {
    if (tables.exists(Table.CUSTOMER_ACTIVITY)) {
      return tables.read(Table.CUSTOMER_ACTIVITY);
    }
    return tables.exists(Table.PURCHASES) ? CustomerActivity.state(tables.read(Table.PURCHASES), false) : null;
  }

  static Double dbl(Row r, int i) {
    return r.isNullAt(i) ? null : ((Number) r.get(i)).doubleValue();
  }

  static List<String> columns(Dataset<Row> df) {
    return Arrays.asList(df.columns());
  }
}
