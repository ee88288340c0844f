package io.retention.metrics;

import static io.retention.metrics.CustomerActivity.DAYS;
import static io.retention.metrics.MetricsStage.dateLiteral;
import static io.retention.schema.MetricsColumns.AOV;
import static io.retention.schema.MetricsColumns.BUYERS;
import static io.retention.schema.MetricsColumns.CHURNED;
import static io.retention.schema.MetricsColumns.CHURN_RATE;
import static io.retention.schema.MetricsColumns.CRR;
import static io.retention.schema.MetricsColumns.CUSTOMERS_END;
import static io.retention.schema.MetricsColumns.CUSTOMERS_NEW;
import static io.retention.schema.MetricsColumns.CUSTOMERS_START;
import static io.retention.schema.MetricsColumns.GRAIN;
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
 * <p>Cost, without a self-join: each customer's sorted purchase days become a few membership-change events
 * (base membership is a union of "purchase day + window" intervals, mapped to runs of period ends), which are
 * summed per period with map-side partial aggregation; S, E and retained are then running sums over the small
 * per-period table (one partition, a few hundred rows at most). Revenue and orders come from one extra partial
 * aggregate of the customers' per-day entries per period (not of the purchases). Nothing reaches the driver.
 */
public final class RetentionKpis {
  private RetentionKpis() {}

  public static Dataset<Row> compute(Dataset<Row> purchases, MetricsStage.Options options) {
    MetricsStage.Options o = options.resolve(purchases);
    return fromActivity(CustomerActivity.compute(purchases, o), o);
  }

  /** From the per-customer activity ({@code o} resolved). */
  public static Dataset<Row> fromActivity(Dataset<Row> activity, MetricsStage.Options o) {
    int last = o.grain().periodOf(o.asOf());
    Dataset<Row> events = activity.filter("size(" + DAYS + ") > 0")
        .selectExpr(DAYS, runsSql(o, last) + " AS r", o.grain().period("element_at(" + DAYS + ", 1)") + " AS c",
            "transform(" + DAYS + ", d -> " + o.grain().period("d") + ") AS q")
        .selectExpr("explode(concat(" + runEventsSql() + ", " + dayEventsSql() + ", " + newEventSql() + ")) AS v")
        .filter("v.n <= " + last)
        .groupBy(col("v.n").as("n"))
        .agg(sum("v.de").as("de"), sum("v.dr").as("dr"), sum("v.b").as("b"), sum("v.rp").as("rp"),
            sum("v.nw").as("nw"), sum("v.ne").as("ne"));
    // One row holding the per-period sums as a map and the first period with a new customer, exploded to the
    // dense grid f .. last: the events above are computed once (a join of the grid with them would run the
    // per-customer explode a second time for the grid's lower bound).
    String[] sums = {"de", "dr", "b", "rp", "nw", "ne"};
    Dataset<Row> grid = events
        .agg(expr("min(IF(nw > 0, n, NULL))").as("f"),
            expr("map_from_entries(collect_list(struct(n, struct(" + String.join(", ", sums) + "))))").as("m"))
        .selectExpr("explode(sequence(f, " + last + ")) AS n", "m");
    String[] cells = new String[sums.length + 1];
    cells[0] = "n";
    for (int i = 0; i < sums.length; i++) {
      cells[i + 1] = "try_element_at(m, n)." + sums[i] + " AS " + sums[i];
    }
    Dataset<Row> periods = grid.selectExpr(cells);
    Dataset<Row> money = activity.selectExpr("explode(" + CustomerActivity.LINES + ") AS x")
        .groupBy(expr(o.grain().period("x." + CustomerActivity.DAY)).as("n"))
        .agg(sum("x." + CustomerActivity.NET).as("net"), sum("x." + CustomerActivity.PURCHASES).as("orders"));
    Dataset<Row> dense = periods.join(money, "n", "left").na().fill(0L);
    WindowSpec byN = Window.orderBy(col("n"));
    WindowSpec upToN = byN.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Dataset<Row> counted = dense
        .withColumn("e_", sum("de").over(upToN))
        .withColumn("ret", sum("dr").over(upToN));
    counted = counted.withColumn("s_", lag(col("e_"), 1, 0L).over(byN));
    return counted.selectExpr(output(o));
  }

  /** SQL: merged-ready runs [s, e] of period numbers whose (clamped) end lies in [day, day + window]. */
  private static String runsSql(MetricsStage.Options o, int last) {
    Grain g = o.grain();
    int w = o.activeWindowDays();
    return "filter(transform(" + DAYS + ", d -> named_struct('s', " + g.period("d") + ", 'e', IF(date_add(d, " + w
        + ") >= " + dateLiteral(o.asOf()) + ", " + last + ", " + g.period("date_add(d, " + (w + 1) + ")")
        + " - 1))), x -> x.e >= x.s)";
  }

  /** SQL: +1 to E at a run start, +1 to retained the period after, -1 to both after the run's end. */
  private static String runEventsSql() {
    String starts = "IF(i = 1, 1, IF(element_at(r, i).s > element_at(r, i - 1).e + 1, 1, 0))";
    String ends = "IF(i = size(r), 1, IF(element_at(r, i + 1).s > element_at(r, i).e + 1, 1, 0))";
    return "flatten(transform(filter(sequence(0, size(r)), i -> i > 0), i -> array("
        + event("element_at(r, i).s", starts, "0", "0", "0", "0", "0") + ", "
        + event("element_at(r, i).s + 1", "0", starts, "0", "0", "0", "0") + ", "
        + event("element_at(r, i).e + 1", "-" + ends, "-" + ends, "0", "0", "0", "0") + ")))";
  }

  /** SQL: a buyer event at each period's first purchase day, a repeat event at its second. */
  private static String dayEventsSql() {
    String qj = "element_at(q, j)";
    String prevDiffers = "element_at(q, j - 1) != " + qj;
    String buyer = "IF(j = 1, 1, IF(" + prevDiffers + ", 1, 0))";
    String repeat = "IF(j = 1, 0, IF(" + prevDiffers + ", 0, IF(j = 2, 1, IF(element_at(q, j - 2) != " + qj
        + ", 1, 0))))";
    return "transform(sequence(1, size(q)), j -> " + event(qj, "0", "0", buyer, repeat, "0", "0") + ")";
  }

  /** SQL: the customer's first period counts one new customer, and one new-in-E when it is in the base then. */
  private static String newEventSql() {
    return "array(" + event("c", "0", "0", "0", "0", "1", "IF(size(r) > 0 AND element_at(r, 1).s = c, 1, 0)") + ")";
  }

  private static String event(String n, String de, String dr, String b, String rp, String nw, String ne) {
    return "named_struct('n', " + n + ", 'de', " + de + ", 'dr', " + dr + ", 'b', " + b + ", 'rp', " + rp
        + ", 'nw', " + nw + ", 'ne', " + ne + ")";
  }

  private static String[] output(MetricsStage.Options o) {
    Grain g = o.grain();
    String money = Schemas.MONEY.sql();
    return new String[] {
        "'" + g.id() + "' AS " + GRAIN,
        g.start("n") + " AS " + PERIOD_START,
        g.end("n") + " AS " + PERIOD_END,
        g.end("n") + " <= " + dateLiteral(o.asOf()) + " AS " + IS_COMPLETE,
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
        "CAST(net AS " + money + ") AS " + NET_REVENUE,
    };
  }
}
