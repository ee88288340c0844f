package io.retention.metrics;

import static io.retention.metrics.CustomerActivity.DAYS;
import static io.retention.metrics.MetricsStage.dateLiteral;
import static io.retention.schema.MetricsColumns.AGE_DAYS;
import static io.retention.schema.MetricsColumns.AOV;
import static io.retention.schema.MetricsColumns.BREAKDOWN;
import static io.retention.schema.MetricsColumns.COHORT;
import static io.retention.schema.MetricsColumns.DAYS_SINCE_LAST;
import static io.retention.schema.MetricsColumns.FIRST_ORDER_DATE;
import static io.retention.schema.MetricsColumns.FREQUENCY;
import static io.retention.schema.MetricsColumns.GRAIN;
import static io.retention.schema.MetricsColumns.LAST_GAP_DAYS;
import static io.retention.schema.MetricsColumns.LAST_ORDER_DATE;
import static io.retention.schema.MetricsColumns.MEAN_GAP_DAYS;
import static io.retention.schema.MetricsColumns.MEDIAN_GAP_DAYS;
import static io.retention.schema.MetricsColumns.NET_REVENUE;
import static io.retention.schema.MetricsColumns.ORDERS;
import static io.retention.schema.MetricsColumns.RECENCY_DAYS;

import io.retention.schema.Columns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * gold.customers: one row per customer with at least one purchase day (on or before as-of).
 *
 * <ul>
 *   <li>{@code orders}: purchase orders (same-day orders count separately); {@code net_revenue}: purchases
 *       minus refunds; {@code aov} = net_revenue / orders (DECIMAL(18,2)).</li>
 *   <li>{@code frequency}: repeat purchase days (distinct purchase days - 1); {@code recency_days}: last - first
 *       purchase day; {@code age_days}: as-of - first purchase day; {@code days_since_last}: as-of - last.</li>
 *   <li>gaps are days between consecutive purchase days: mean, exact median (middle two averaged), last; NULL
 *       for a customer with one purchase day.</li>
 * </ul>
 *
 * <p>Cost: a projection of {@link CustomerActivity} (no shuffle of its own); nothing reaches the driver.
 */
public final class CustomerSummary {
  private CustomerSummary() {}

  public static Dataset<Row> compute(Dataset<Row> purchases, MetricsStage.Options options) {
    MetricsStage.Options o = options.resolve(purchases);
    return fromActivity(CustomerActivity.compute(purchases, o), o);
  }

  /** From the per-customer activity ({@code o} resolved). */
  public static Dataset<Row> fromActivity(Dataset<Row> activity, MetricsStage.Options o) {
    String asOf = dateLiteral(o.asOf());
    Dataset<Row> base = activity.filter("size(" + DAYS + ") > 0")
        .selectExpr("*", gapsSql() + " AS g", "element_at(" + DAYS + ", 1) AS f", "element_at(" + DAYS + ", -1) AS l")
        .selectExpr("*", "size(g) AS n", "array_sort(g) AS sg");
    List<String> cols = new ArrayList<>(List.of(
        Columns.CUSTOMER_ID,
        "'" + o.grain().id() + "' AS " + GRAIN,
        o.grain().start(o.grain().period("f")) + " AS " + COHORT));
    if (o.breakdown() != null) {
      cols.add(BREAKDOWN);
    }
    cols.addAll(List.of(
        "f AS " + FIRST_ORDER_DATE,
        "l AS " + LAST_ORDER_DATE,
        ORDERS,
        NET_REVENUE,
        "CAST(try_divide(" + NET_REVENUE + ", " + ORDERS + ") AS DECIMAL(18,2)) AS " + AOV,
        "size(" + DAYS + ") - 1 AS " + FREQUENCY,
        "datediff(l, f) AS " + RECENCY_DAYS,
        "datediff(" + asOf + ", f) AS " + AGE_DAYS,
        "IF(n = 0, NULL, aggregate(g, 0L, (acc, x) -> acc + x) / n) AS " + MEAN_GAP_DAYS,
        medianSql() + " AS " + MEDIAN_GAP_DAYS,
        "IF(n = 0, NULL, element_at(g, -1)) AS " + LAST_GAP_DAYS,
        "datediff(" + asOf + ", l) AS " + DAYS_SINCE_LAST));
    return base.selectExpr(cols.toArray(new String[0]));
  }

  /** SQL: the gaps (INT days) between consecutive purchase days of the {@code days} array (empty for size ≤ 1). */
  static String gapsSql() {
    return "zip_with(slice(" + DAYS + ", 2, size(" + DAYS + ")), slice(" + DAYS + ", 1, greatest(size(" + DAYS
        + ") - 1, 0)), (a, b) -> datediff(a, b))";
  }

  private static String medianSql() {
    return "CASE WHEN n = 0 THEN NULL"
        + " WHEN n % 2 = 1 THEN CAST(element_at(sg, CAST(n DIV 2 + 1 AS INT)) AS DOUBLE)"
        + " ELSE (element_at(sg, CAST(n DIV 2 AS INT)) + element_at(sg, CAST(n DIV 2 + 1 AS INT))) / CAST(2 AS DOUBLE) END";
  }
}
