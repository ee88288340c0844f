package io.retention.metrics;

import static io.retention.metrics.CustomerActivity.DAYS;
import static io.retention.schema.SqlLiterals.date;
import static io.retention.schema.MetricsColumns.AOV;
import static io.retention.schema.MetricsColumns.BREAKDOWN;
import static io.retention.schema.MetricsColumns.BUYERS;
import static io.retention.schema.MetricsColumns.CHURNED;
import static io.retention.schema.MetricsColumns.CHURN_RATE;
import static io.retention.schema.MetricsColumns.CRR;
import static io.retention.schema.MetricsColumns.CUSTOMERS_END;
import static io.retention.schema.MetricsColumns.CUSTOMERS_NEW;
import static io.retention.schema.MetricsColumns.CUSTOMERS_START;
import static io.retention.schema.MetricsColumns.IS_COMPLETE;
import static io.retention.schema.MetricsColumns.NET_REVENUE;
import static io.retention.schema.MetricsColumns.ORDERS;
import static io.retention.schema.MetricsColumns.PERIOD_END;
import static io.retention.schema.MetricsColumns.PERIOD_START;
import static io.retention.schema.MetricsColumns.PURCHASE_FREQUENCY;
import static io.retention.schema.MetricsColumns.REACTIVATED;
import static io.retention.schema.MetricsColumns.REPEAT_PURCHASE_RATE;
import static io.retention.schema.MetricsColumns.RETAINED;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.sum;

import io.retention.schema.Schemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * gold.retention_kpis: one row per calendar period from the first purchase period to the as-of period, with the
 * active-window rule of DESIGN §5: a customer is in the base at d when some purchase day p ≤ d has
 * d - p ≤ activeWindowDays.
 *
 * <ul>
 *   <li>S = base at the day before the period, E = base at its last day (the as-of date for the unfinished last
 *       period, flagged {@code is_complete = false}), N = customers whose first purchase is in it.</li>
 *   <li>{@code crr} = (E - |N ∩ E|) / S (= (E - N) / S when the window covers a period), retained = |S ∩ E|,
 *       churned = |S - E|, reactivated = |E - S - N|, churn_rate = churned / S; NULL rates where S = 0.</li>
 *   <li>buyers, repeat_purchase_rate (buyers with ≥ 2 purchase days in the period / buyers), orders (purchase
 *       orders), purchase_frequency = orders / buyers, net_revenue (all amounts incl. refunds), aov.</li>
 * </ul>
 *
 * <p>With a breakdown every row is per breakdown value (the attribute of each customer's first purchase, as in
 * gold.cohort_retention): the KPIs of that value's customers alone, from the first period with one of them.
 *
 * <p>Cost, without a self-join: each customer's sorted purchase days become a few membership-change events
 * (base membership is a union of "purchase day + window" intervals, mapped to runs of period ends), summed per
 * period together with the per-day revenue and orders by {@link KpiEvents} in plain Java per partition (Spark
 * runs higher-order SQL lambdas interpreted, row by row, which made this the slowest step), so only periods ×
 * partitions rows are shuffled; S, E and retained are then running sums over the small per-period table (one
 * partition, a few hundred rows at most). Nothing reaches the driver.
 */
public final class RetentionKpis {
  private RetentionKpis() {}

  public static Dataset<Row> compute(Dataset<Row> purchases, MetricsStage.Options options) {
    MetricsStage.Options o = options.resolve(purchases);
    return fromActivity(CustomerActivity.compute(purchases, o), o);
  }

  /** From the per-customer activity ({@code o} resolved). */
  public static Dataset<Row> fromActivity(Dataset<Row> activity, MetricsStage.Options o) {
    boolean breakdown = o.breakdown() != null;
    List<Column> keys = breakdown ? List.of(col(BREAKDOWN)) : List.of();
    List<Column> in = new ArrayList<>(keys);
    in.add(col(DAYS));
    in.add(col(CustomerActivity.LINES));
    List<Column> byN = new ArrayList<>(keys);
    byN.add(col(KpiEvents.N));
    Column[] total = new Column[KpiEvents.COUNTS.length + 2];
    for (int i = 0; i < KpiEvents.COUNTS.length; i++) {
      total[i] = sum(KpiEvents.COUNTS[i]).as(KpiEvents.COUNTS[i]);
    }
    total[KpiEvents.COUNTS.length] = sum(KpiEvents.NET).cast(Schemas.MONEY_SUM).as(KpiEvents.NET);
    total[KpiEvents.COUNTS.length + 1] = sum(KpiEvents.ORDERS).as(KpiEvents.ORDERS);
    Dataset<Row> sums = activity.select(in.toArray(new Column[0]))
        .mapPartitions(new KpiEvents(o.grain(), o.asOf(), o.activeWindowDays(), breakdown),
            Encoders.row(KpiEvents.schema(breakdown)))
        .groupBy(byN.toArray(new Column[0]))
        .agg(total[0], java.util.Arrays.copyOfRange(total, 1, total.length));
    // One row (per breakdown value) holding the per-period sums as a map and the first period with a new
    // customer, exploded to the dense grid f .. last (periods without any event get zeros).
    List<String> fields = new ArrayList<>(List.of(KpiEvents.COUNTS));
    fields.add(KpiEvents.NET);
    fields.add(KpiEvents.ORDERS);
    List<String> grid = new ArrayList<>(breakdown ? List.of(BREAKDOWN) : List.of());
    grid.add("explode(sequence(f, " + o.grain().periodOf(o.asOf()) + ")) AS n");
    grid.add("m");
    Dataset<Row> perKey = sums.groupBy(keys.toArray(new Column[0]))
        .agg(expr("min(IF(nw > 0, n, NULL))").as("f"),
            expr("map_from_entries(collect_list(struct(n, struct(" + String.join(", ", fields) + "))))").as("m"))
        .selectExpr(grid.toArray(new String[0]));
    List<String> cells = new ArrayList<>(breakdown ? List.of(BREAKDOWN) : List.of());
    cells.add("n");
    fields.forEach(f -> cells.add("try_element_at(m, n)." + f + " AS " + f));
    Dataset<Row> dense = perKey.selectExpr(cells.toArray(new String[0])).na().fill(0L);
    WindowSpec w = Window.partitionBy(keys.toArray(new Column[0])).orderBy(col("n"));
    WindowSpec upToN = w.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Dataset<Row> counted = dense
        .withColumn("e_", sum("de").over(upToN))
        .withColumn("ret", sum("dr").over(upToN));
    counted = counted.withColumn("s_", lag(col("e_"), 1, 0L).over(w));
    return counted.selectExpr(output(o));
  }

  private static String[] output(MetricsStage.Options o) {
    Grain g = o.grain();
    String money = Schemas.MONEY.sql();
    List<String> out = CustomerActivity.grainAndBreakdown(o);
    out.addAll(List.of(
        g.start("n") + " AS " + PERIOD_START,
        g.end("n") + " AS " + PERIOD_END,
        g.end("n") + " <= " + date(o.asOf()) + " AS " + IS_COMPLETE,
        "s_ AS " + CUSTOMERS_START,
        "nw AS " + CUSTOMERS_NEW,
        "e_ AS " + CUSTOMERS_END,
        "IF(s_ = 0, NULL, (e_ - ne) / s_) AS " + CRR,
        "ret AS " + RETAINED,
        "e_ - ret - ne AS " + REACTIVATED,
        "s_ - ret AS " + CHURNED,
        "IF(s_ = 0, NULL, (s_ - ret) / s_) AS " + CHURN_RATE,
        "b AS " + BUYERS,
        "IF(b = 0, NULL, rp / b) AS " + REPEAT_PURCHASE_RATE,
        "orders AS " + ORDERS,
        "IF(b = 0, NULL, orders / b) AS " + PURCHASE_FREQUENCY,
        "CAST(IF(orders = 0, NULL, net / orders) AS " + money + ") AS " + AOV,
        "CAST(net AS " + money + ") AS " + NET_REVENUE));
    return out.toArray(new String[0]);
  }
}
