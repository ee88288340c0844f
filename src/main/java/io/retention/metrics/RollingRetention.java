package io.retention.metrics;

import static io.retention.metrics.CustomerActivity.DAYS;
import static io.retention.schema.MetricsColumns.COHORT;
import static io.retention.schema.MetricsColumns.COHORT_SIZE;
import static io.retention.schema.MetricsColumns.IS_COMPLETE;
import static io.retention.schema.MetricsColumns.N_DAYS;
import static io.retention.schema.MetricsColumns.RETAINED_CUSTOMERS;
import static io.retention.schema.MetricsColumns.ROLLING_RETENTION_RATE;
import static io.retention.schema.SqlLiterals.date;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * gold.rolling_retention: one row per cohort (× breakdown value) × N of {@code rollingDays}: the share of the
 * cohort's customers with a purchase day at least N days after their first purchase day (the day-grain
 * "rolling" or "unbounded" N-day retention; a customer's own first day does not count).
 *
 * <ul>
 *   <li>{@code retained_customers}: customers whose last purchase day − first purchase day ≥ N (up to as-of);
 *       {@code rolling_retention_rate} = retained / cohort_size.</li>
 *   <li>{@code is_complete}: every customer of the cohort has reached day N, i.e. the cohort period's last day
 *       + N ≤ as-of (before that the rate can still rise).</li>
 * </ul>
 *
 * <p>Cost: one aggregate over the per-customer view with one conditional count per N; only cohort rows are
 * shuffled, nothing reaches the driver.
 */
public final class RollingRetention {
  private static final String C = "c";
  private static final String SPAN = "span";
  private static final String SIZE = "size";

  private RollingRetention() {}

  /** From the per-customer activity ({@code o} resolved). */
  public static Dataset<Row> fromActivity(Dataset<Row> activity, MetricsStage.Options o) {
    Grain g = o.grain();
    List<String> keys = CustomerActivity.cohortKeys(o, C);
    List<String> in = new ArrayList<>(keys.subList(0, keys.size() - 1));
    in.add(g.period("element_at(" + DAYS + ", 1)") + " AS " + C);
    in.add("datediff(element_at(" + DAYS + ", -1), element_at(" + DAYS + ", 1)) AS " + SPAN);
    List<Integer> days = o.rollingDays();
    List<Column> counts = new ArrayList<>();
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i < days.size(); i++) {
      counts.add(expr("count_if(" + SPAN + " >= " + days.get(i) + ")").as("r" + i));
      pairs.add("struct(" + days.get(i) + " AS n, r" + i + " AS r)");
    }
    Dataset<Row> perCohort = activity.filter("size(" + DAYS + ") > 0")
        .selectExpr(in.toArray(new String[0]))
        .groupBy(keys.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new))
        .agg(count(lit(1)).as(SIZE), counts.toArray(new Column[0]));
    List<String> exploded = new ArrayList<>(keys);
    exploded.add(SIZE);
    exploded.add("inline(array(" + String.join(", ", pairs) + "))");
    List<String> out = CustomerActivity.grainAndBreakdown(o);
    out.addAll(List.of(
        g.start(C) + " AS " + COHORT,
        "n AS " + N_DAYS,
        SIZE + " AS " + COHORT_SIZE,
        "r AS " + RETAINED_CUSTOMERS,
        "r / " + SIZE + " AS " + ROLLING_RETENTION_RATE,
        "date_add(" + g.end(C) + ", n) <= " + date(o.asOf()) + " AS " + IS_COMPLETE));
    return perCohort.selectExpr(exploded.toArray(new String[0])).selectExpr(out.toArray(new String[0]));
  }
}
