package io.retention.metrics;

import static io.retention.metrics.CustomerActivity.DAYS;
import static io.retention.metrics.CustomerActivity.LINES;
import static io.retention.metrics.MetricsStage.dateLiteral;
import static io.retention.schema.MetricsColumns.ACTIVE_CUSTOMERS;
import static io.retention.schema.MetricsColumns.BREAKDOWN;
import static io.retention.schema.MetricsColumns.COHORT;
import static io.retention.schema.MetricsColumns.COHORT_SIZE;
import static io.retention.schema.MetricsColumns.CUMULATIVE_REVENUE_PER_CUSTOMER;
import static io.retention.schema.MetricsColumns.GRAIN;
import static io.retention.schema.MetricsColumns.IS_COMPLETE;
import static io.retention.schema.MetricsColumns.PERIOD_INDEX;
import static io.retention.schema.MetricsColumns.PERIOD_START;
import static io.retention.schema.MetricsColumns.RETENTION_RATE;
import static io.retention.schema.MetricsColumns.REVENUE;
import static io.retention.schema.MetricsColumns.UNBOUNDED_RETENTION_RATE;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
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
 *   <li>{@code revenue}: net amount (purchases minus refunds) of the cohort's customers in that period (a refund
 *       dated before the first purchase counts in period 0); {@code cumulative_revenue_per_customer}: revenue of
 *       periods 0..k / cohort_size, the historical CLV curve.</li>
 *   <li>{@code is_complete} = false when the period ends after the as-of date: counts are what was observed.</li>
 * </ul>
 *
 * <p>Cost: no shuffle of purchases beyond {@link CustomerActivity}'s one. Each customer row is exploded into
 * its distinct active periods, its orders and one "last active period" marker, then aggregated per
 * (cohort, k) with map-side partial aggregation, so only cohorts × periods rows are shuffled; the dense grid and
 * the running sums (windows per cohort) work on that small table. Nothing reaches the driver.
 */
public final class CohortRetention {
  private static final String C = "c";
  private static final String K = "k";
  private static final String E = "e";
  private static final String ACT = "act";
  private static final String REV = "rev";
  private static final String ENDS = "ends";
  private static final String SIZE = "size";

  private CohortRetention() {}

  public static Dataset<Row> compute(Dataset<Row> purchases, MetricsStage.Options options) {
    MetricsStage.Options o = options.resolve(purchases);
    return fromActivity(CustomerActivity.compute(purchases, o), o);
  }

  /** From the per-customer activity ({@code o} resolved). */
  public static Dataset<Row> fromActivity(Dataset<Row> activity, MetricsStage.Options o) {
    List<String> keys = CustomerActivity.cohortKeys(o, C);
    Dataset<Row> cells = perCell(activity, o, keys);
    Dataset<Row> sizes = cells.filter(col(K).equalTo(0))
        .select(cols(keys, col(ACT).as(SIZE)));
    int last = o.grain().periodOf(o.asOf());
    Dataset<Row> grid = sizes.select(cols(keys, col(SIZE),
        org.apache.spark.sql.functions.expr("explode(sequence(0, " + last + " - " + C + "))").as(K)));
    Dataset<Row> g = grid.as("g");
    Dataset<Row> x = cells.as("x");
    Column on = col("g." + K).equalTo(col("x." + K));
    List<Column> joined = new ArrayList<>();
    for (String k : keys) {
      on = on.and(col("g." + k).eqNullSafe(col("x." + k)));
      joined.add(col("g." + k).as(k));
    }
    joined.addAll(List.of(col("g." + SIZE).as(SIZE), col("g." + K).as(K),
        coalesce(col("x." + ACT), lit(0L)).as(ACT),
        coalesce(col("x." + REV), lit(0L).cast("decimal(18,2)")).as(REV),
        coalesce(col("x." + ENDS), lit(0L)).as(ENDS)));
    Dataset<Row> dense = g.join(x, on, "left").select(joined.toArray(new Column[0]));
    return finish(dense, o, keys);
  }

  /** Sums per (keys, k) of active customers, revenue and "last active period" markers. */
  private static Dataset<Row> perCell(Dataset<Row> activity, MetricsStage.Options o, List<String> keys) {
    Grain g = o.grain();
    String zero = "CAST(0 AS DECIMAL(18,2))";
    String events = "explode(concat("
        + "transform(ps, p -> named_struct('k', p - c, 'act', 1L, 'rev', " + zero + ", 'ends', 0L)), "
        + "transform(" + LINES + ", x -> named_struct('k', greatest(" + g.period("x.d") + " - c, 0), 'act', 0L, "
        + "'rev', x.a, 'ends', 0L)), "
        + "array(named_struct('k', element_at(ps, -1) - c, 'act', 0L, 'rev', " + zero + ", 'ends', 1L)))) AS e";
    List<String> pre = new ArrayList<>(keys.subList(0, keys.size() - 1));
    pre.add(g.period("element_at(" + DAYS + ", 1)") + " AS c");
    pre.add("array_distinct(transform(" + DAYS + ", d -> " + g.period("d") + ")) AS ps");
    pre.add(LINES);
    List<String> post = new ArrayList<>(keys);
    post.add(events);
    Dataset<Row> exploded = activity.filter("size(" + DAYS + ") > 0")
        .selectExpr(pre.toArray(new String[0]))
        .selectExpr(post.toArray(new String[0]));
    return exploded.groupBy(cols(keys, col(E + "." + K).as(K)))
        .agg(sum(E + "." + ACT).as(ACT), sum(E + "." + REV).as(REV), sum(E + "." + ENDS).as(ENDS));
  }

  private static Dataset<Row> finish(Dataset<Row> dense, MetricsStage.Options o, List<String> keys) {
    Grain g = o.grain();
    Column[] part = keys.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    WindowSpec byK = Window.partitionBy(part).orderBy(col(K));
    Dataset<Row> sums = dense
        .withColumn("later", sum(col(ENDS)).over(byK.rowsBetween(Window.currentRow(), Window.unboundedFollowing())))
        .withColumn("cumrev", sum(col(REV)).over(byK.rowsBetween(Window.unboundedPreceding(), Window.currentRow())));
    List<String> out = new ArrayList<>();
    out.add("'" + g.id() + "' AS " + GRAIN);
    if (o.breakdown() != null) {
      out.add(BREAKDOWN);
    }
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
        g.end(C + " + " + K) + " <= " + dateLiteral(o.asOf()) + " AS " + IS_COMPLETE));
    return sums.selectExpr(out.toArray(new String[0]));
  }

  private static Column[] cols(List<String> names, Column... more) {
    List<Column> out = new ArrayList<>();
    names.forEach(n -> out.add(col(n)));
    out.addAll(List.of(more));
    return out.toArray(new Column[0]);
  }
}
