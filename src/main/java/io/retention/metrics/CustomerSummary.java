package io.retention.metrics;

import static io.retention.metrics.CustomerActivity.DAYS;
import static io.retention.schema.MetricsColumns.BREAKDOWN;
import static io.retention.schema.MetricsColumns.NET_REVENUE;
import static io.retention.schema.MetricsColumns.ORDERS;
import static org.apache.spark.sql.functions.col;

import io.retention.schema.Columns;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
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
 * <p>Cost: a row-by-row plain-Java map of {@link CustomerActivity} ({@link CustomerRows}; no shuffle of its
 * own, no higher-order SQL function); nothing reaches the driver.
 */
public final class CustomerSummary {
  private CustomerSummary() {}

  public static Dataset<Row> compute(Dataset<Row> purchases, MetricsStage.Options options) {
    MetricsStage.Options o = options.resolve(purchases);
    return fromActivity(CustomerActivity.compute(purchases, o), o);
  }

  /** From the per-customer activity ({@code o} resolved), row by row in plain Java ({@link CustomerRows}). */
  public static Dataset<Row> fromActivity(Dataset<Row> activity, MetricsStage.Options o) {
    boolean breakdown = o.breakdown() != null;
    List<Column> in = new ArrayList<>(List.of(col(Columns.CUSTOMER_ID)));
    if (breakdown) {
      in.add(col(BREAKDOWN));
    }
    in.addAll(List.of(col(DAYS), col(ORDERS), col(NET_REVENUE)));
    return activity.select(in.toArray(new Column[0]))
        .mapPartitions(new CustomerRows(o.grain(), o.asOf(), breakdown),
            Encoders.row(CustomerRows.schema(breakdown)));
  }

  /**
   * As {@link #fromActivity}, each row with the customer's RFM inputs at {@code previous} too (on or before
   * as-of; {@link CustomerRows#schema(boolean, boolean)}), from the same view rows: no second view of the state.
   */
  static Dataset<Row> withPrevious(Dataset<Row> activity, MetricsStage.Options o, LocalDate previous) {
    boolean breakdown = o.breakdown() != null;
    List<Column> in = new ArrayList<>(List.of(col(Columns.CUSTOMER_ID)));
    if (breakdown) {
      in.add(col(BREAKDOWN));
    }
    in.addAll(List.of(col(DAYS), col(ORDERS), col(NET_REVENUE), col(CustomerActivity.LINES)));
    return activity.select(in.toArray(new Column[0]))
        .mapPartitions(new CustomerRows(o.grain(), o.asOf(), breakdown, previous, CustomerActivity.ansi(activity)),
            Encoders.row(CustomerRows.schema(breakdown, true)));
  }

  /** SQL: the gaps (INT days) between consecutive purchase days of the {@code days} array (empty for size ≤ 1). */
  static String gapsSql() {
    return "zip_with(slice(" + DAYS + ", 2, size(" + DAYS + ")), slice(" + DAYS + ", 1, greatest(size(" + DAYS
        + ") - 1, 0)), (a, b) -> datediff(a, b))";
  }
}
