package io.retention.metrics;

import static io.retention.metrics.CustomerActivity.DAYS;
import static io.retention.metrics.CustomerActivity.LINES;
import static io.retention.schema.SqlLiterals.date;
import static io.retention.schema.MetricsColumns.ACTIVE_CUSTOMERS;
import static io.retention.schema.MetricsColumns.BREAKDOWN;
import static io.retention.schema.MetricsColumns.COHORT;
import static io.retention.schema.MetricsColumns.COHORT_SIZE;
import static io.retention.schema.MetricsColumns.CUMULATIVE_REVENUE_PER_CUSTOMER;
import static io.retention.schema.MetricsColumns.CAPPED_REVENUE_RETENTION;
import static io.retention.schema.MetricsColumns.IS_COMPLETE;
import static io.retention.schema.MetricsColumns.NET_REVENUE_RETENTION;
import static io.retention.schema.MetricsColumns.PERIOD_INDEX;
import static io.retention.schema.MetricsColumns.PERIOD_START;
import static io.retention.schema.MetricsColumns.RETENTION_RATE;
import static io.retention.schema.MetricsColumns.REVENUE;
import static io.retention.schema.MetricsColumns.UNBOUNDED_RETENTION_RATE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

import io.retention.schema.Schemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * gold.cohort_retention: one row per cohort (× breakdown value) × period index 0 .. the as-of period.
 *
 * <ul>
 *   <li>{@code active_customers}: cohort customers with a purchase day in period cohort + k;
 *       {@code retention_rate} = active / cohort_size (1.0 at k = 0).</li>
 *   <li>{@code unbounded_retention_rate}: share with a purchase in period cohort + k or later, counted from each
 *       customer's last active period (no per-period scan).</li>
 *   <li>{@code net_revenue_retention} = revenue(k) / revenue(0); {@code capped_revenue_retention} = sum over
 *       customers of min(max(net_k, 0), max(net_0, 0)) / sum of max(net_0, 0); both NULL when that period-0 base
 *       is not positive.</li>
 *   <li>{@code revenue}: net amount (purchases minus refunds) of the cohort's customers in that period (a refund
 *       dated before the first purchase counts in period 0); {@code cumulative_revenue_per_customer}: revenue of
 *       periods 0..k / cohort_size, the historical CLV curve.</li>
 *   <li>{@code is_complete} = false when the period ends after the as-of date: counts are what was observed.</li>
 * </ul>
 *
 * <p>Cost. From the state ({@link #fromActivity}, what the metrics stage runs): no shuffle of purchases at
 * all; each customer's distinct active periods, per-day entries and one "last active period" marker are summed
 * per (cohort, k) by {@link CohortCells} in plain Java per partition (not by an interpreted per-customer SQL
 * explode), so only cohorts × periods rows are shuffled. From the purchases ({@link #compute}, what the
 * benchmark times) the state is built first, as the nightly's hub does. The cohort sizes are the k = 0 cells and the dense grid is generated from one row per cohort
 * holding its cells as a map (no join, no second pass over the customers); the running sums are windows over
 * that small table.
 * Nothing reaches the driver.
 */
public final class CohortRetention {
  private static final String C = "c";
  private static final String K = "k";
  private static final String ACT = "act";
  private static final String REV = "rev";
  private static final String ENDS = "ends";
  private static final String CAP = "cap";
  private static final String SIZE = "size";
  private static final String REV0 = "rev0";
  private static final String CAP0 = "cap0";
  private static final String M = "m";

  private CohortRetention() {}

  /**
   * From the purchases: exactly what the nightly does, the per-customer state ({@link CustomerActivity}, the hub)
   * and then the one cohort kernel ({@link #fromActivity}). The benchmark and the real-data cross-checks time
   * and verify this path.
   */
  public static Dataset<Row> compute(Dataset<Row> purchases, MetricsStage.Options options) {
    CustomerActivity.check(purchases, options);
    MetricsStage.Options o = options.resolve(purchases);
    return fromActivity(CustomerActivity.compute(purchases, o), o);
  }

  /** From the per-customer activity ({@code o} resolved). */
  public static Dataset<Row> fromActivity(Dataset<Row> activity, MetricsStage.Options o) {
    List<String> keys = CustomerActivity.cohortKeys(o, C);
    return fromCells(perCell(activity, o, keys), o, keys);
  }

  /**
   * From the sums per (keys, k): one row per cohort holding its cells as a map (a small shuffle by cohort),
   * exploded to the dense grid 0 .. the as-of period; the cohort size is its k = 0 cell (no second pass).
   */
  private static Dataset<Row> fromCells(Dataset<Row> cells, MetricsStage.Options o, List<String> keys) {
    int last = o.grain().periodOf(o.asOf());
    Dataset<Row> perCohort = cells
        .groupBy(cols(keys))
        .agg(map_from_entries(collect_list(struct(col(K), struct(col(ACT), col(REV), col(ENDS), col(CAP))))).as(M));
    List<String> grid = new ArrayList<>(keys);
    grid.add("try_element_at(" + M + ", 0)." + ACT + " AS " + SIZE);
    grid.add("try_element_at(" + M + ", 0)." + REV + " AS " + REV0);
    grid.add("try_element_at(" + M + ", 0)." + CAP + " AS " + CAP0);
    grid.add("explode(sequence(0, " + last + " - " + C + ")) AS " + K);
    grid.add(M);
    List<String> dense = new ArrayList<>(keys);
    dense.addAll(List.of(SIZE, REV0, CAP0, K, cell(ACT, "0L"), cell(REV, "CAST(0 AS DECIMAL(18,2))"),
        cell(ENDS, "0L"), cell(CAP, "CAST(0 AS DECIMAL(18,2))")));
    return finish(perCohort.selectExpr(grid.toArray(new String[0])).selectExpr(dense.toArray(new String[0])),
        o, keys);
  }

  /** SQL: field {@code f} of cell k of the cohort's map, {@code zero} where the cohort has no such cell. */
  private static String cell(String f, String zero) {
    return "coalesce(try_element_at(" + M + ", " + K + ")." + f + ", " + zero + ") AS " + f;
  }

  /** Sums per (keys, k) of active customers, revenue and "last active period" markers ({@link CohortCells}). */
  private static Dataset<Row> perCell(Dataset<Row> activity, MetricsStage.Options o, List<String> keys) {
    boolean breakdown = o.breakdown() != null;
    List<Column> in = new ArrayList<>();
    if (breakdown) {
      in.add(col(BREAKDOWN));
    }
    in.add(col(DAYS));
    in.add(col(LINES));
    return sumCells(activity.select(in.toArray(new Column[0]))
        .mapPartitions(new CohortCells(o.grain(), breakdown), Encoders.row(CohortCells.schema(breakdown))), keys);
  }

  /** The per-partition cells ({@link CohortCells#schema}) summed per (keys, k). */
  private static Dataset<Row> sumCells(Dataset<Row> partial, List<String> keys) {
    return partial.groupBy(cols(keys, col(K)))
        .agg(sum(ACT).as(ACT), sum(REV).cast(Schemas.MONEY_SUM).as(REV), sum(ENDS).as(ENDS),
            sum(CAP).cast(Schemas.MONEY_SUM).as(CAP));
  }

  private static Dataset<Row> finish(Dataset<Row> dense, MetricsStage.Options o, List<String> keys) {
    Grain g = o.grain();
    Column[] part = keys.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    WindowSpec byK = Window.partitionBy(part).orderBy(col(K));
    Dataset<Row> sums = dense
        .withColumn("later", sum(col(ENDS)).over(byK.rowsBetween(Window.currentRow(), Window.unboundedFollowing())))
        .withColumn("cumrev", sum(col(REV)).over(byK.rowsBetween(Window.unboundedPreceding(), Window.currentRow())));
    List<String> out = CustomerActivity.grainAndBreakdown(o);
    out.addAll(List.of(
        g.start(C) + " AS " + COHORT,
        K + " AS " + PERIOD_INDEX,
        g.start(C + " + " + K) + " AS " + PERIOD_START,
        SIZE + " AS " + COHORT_SIZE,
        ACT + " AS " + ACTIVE_CUSTOMERS,
        ACT + " / " + SIZE + " AS " + RETENTION_RATE,
        "later / " + SIZE + " AS " + UNBOUNDED_RETENTION_RATE,
        "CAST(" + REV + " AS DECIMAL(18,2)) AS " + REVENUE,
        "CAST(cumrev / " + SIZE + " AS DECIMAL(18,2)) AS " + CUMULATIVE_REVENUE_PER_CUSTOMER,
        g.end(C + " + " + K) + " <= " + date(o.asOf()) + " AS " + IS_COMPLETE,
        ratio(REV, REV0) + " AS " + NET_REVENUE_RETENTION,
        ratio(CAP, CAP0) + " AS " + CAPPED_REVENUE_RETENTION));
    return sums.selectExpr(out.toArray(new String[0]));
  }

  /** SQL: {@code part / base} as a DOUBLE, NULL when the period-0 base is not positive. */
  private static String ratio(String part, String base) {
    return "IF(" + base + " > 0, CAST(" + part + " AS DOUBLE) / CAST(" + base + " AS DOUBLE), NULL)";
  }

  private static Column[] cols(List<String> names, Column... more) {
    List<Column> out = new ArrayList<>();
    names.forEach(n -> out.add(col(n)));
    out.addAll(List.of(more));
    return out.toArray(new Column[0]);
  }
}
