package io.retention.metrics;

import static io.retention.metrics.CustomerActivity.DAYS;
import static io.retention.schema.MetricsColumns.COHORT;
import static io.retention.schema.MetricsColumns.GAPS;
import static io.retention.schema.MetricsColumns.GRAIN;
import static io.retention.schema.MetricsColumns.MEAN_DAYS;
import static io.retention.schema.MetricsColumns.P25_DAYS;
import static io.retention.schema.MetricsColumns.P50_DAYS;
import static io.retention.schema.MetricsColumns.P75_DAYS;
import static io.retention.schema.MetricsColumns.P90_DAYS;
import static io.retention.schema.MetricsColumns.TRANSITION;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * gold.purchase_gaps: per cohort and transition ({@code 1-2}, {@code 2-3}, {@code 3-4}, {@code 4+} and
 * {@code all}), the number of gaps and the mean, p25, p50, p75 and p90 of days between consecutive purchase
 * days. Percentiles are exact with linear interpolation ({@code percentile}) unless the options say
 * {@code approximate} ({@code percentile_approx}).
 *
 * <p>Cost: exact (the default), each customer's gaps are counted per (cohort, transition, gap length) in the
 * partition that holds it ({@link GapCounts}), and the exact percentiles read those counts as frequencies: gaps
 * are whole days, so only that small table is shuffled. Approximate, each customer's gaps are exploded twice (its
 * transition and {@code all}) into {@code percentile_approx}. Nothing reaches the driver.
 */
public final class PurchaseGaps {
  public static final String ALL = "all";
  /** The transitions by the ordinal of a gap (0: between the first and second purchase day), the last open-ended. */
  static final List<String> TRANSITIONS = List.of("1-2", "2-3", "3-4", "4+");

  private PurchaseGaps() {}

  public static Dataset<Row> compute(Dataset<Row> purchases, MetricsStage.Options options) {
    MetricsStage.Options o = options.resolve(purchases);
    return fromActivity(CustomerActivity.compute(purchases, o), o);
  }

  /**
   * The gaps of the per-customer view {@code activity} counted per cohort ({@code c}, the grain's absolute period
   * number of the first purchase day), transition ({@code t}: {@code 1-2}, {@code 2-3}, {@code 3-4}, {@code 4+}
   * and {@link #ALL}) and gap length in days ({@code gap}): {@code k} gaps each. Counted in the partition that
   * holds each customer ({@link GapCounts}), then summed: only that small table is shuffled.
   */
  public static Dataset<Row> counts(Dataset<Row> activity, Grain g) {
    return activity.select(col(DAYS)).mapPartitions(new GapCounts(g), Encoders.row(GapCounts.SCHEMA))
        .groupBy("c", "t", "gap").agg(sum("k").as("k"));
  }

  /** From the per-customer activity ({@code o} resolved). */
  public static Dataset<Row> fromActivity(Dataset<Row> activity, MetricsStage.Options o) {
    Grain g = o.grain();
    Dataset<Row> perGroup;
    if (MetricsStage.PERCENTILES_EXACT.equals(o.percentiles())) {
      // counted per (cohort, transition, gap length) first; the exact percentile takes the counts as frequencies
      perGroup = counts(activity, g).groupBy("c", "t")
          .agg(sum("k").as("n"), expr("sum(CAST(gap AS DOUBLE) * k) / sum(k)").as("mean"),
              expr("percentile(gap, array(0.25, 0.5, 0.75, 0.9), k)").as("p"));
    } else {
      String label = "element_at(array('" + String.join("', '", TRANSITIONS) + "'), least(i, "
          + (TRANSITIONS.size() - 1) + ") + 1)";
      perGroup = activity.filter("size(" + DAYS + ") > 1")
          .selectExpr(g.period("element_at(" + DAYS + ", 1)") + " AS c", CustomerSummary.gapsSql() + " AS g")
          .selectExpr("c", "posexplode(g) AS (i, gap)")
          .selectExpr("c", "gap", "explode(array(" + label + ", '" + ALL + "')) AS t")
          .groupBy("c", "t")
          .agg(count(lit(1)).as("n"), avg("gap").as("mean"), expr("transform(percentile_approx(gap, "
              + "array(0.25, 0.5, 0.75, 0.9), 10000), x -> CAST(x AS DOUBLE))").as("p"));
    }
    return perGroup.selectExpr(
        "'" + g.id() + "' AS " + GRAIN,
        g.start("c") + " AS " + COHORT,
        "t AS " + TRANSITION,
        "n AS " + GAPS,
        "mean AS " + MEAN_DAYS,
        "p[0] AS " + P25_DAYS,
        "p[1] AS " + P50_DAYS,
        "p[2] AS " + P75_DAYS,
        "p[3] AS " + P90_DAYS);
  }
}
