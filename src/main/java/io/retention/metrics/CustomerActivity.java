package io.retention.metrics;

import static io.retention.schema.Columns.AMOUNT;
import static io.retention.schema.Columns.ATTRIBUTES;
import static io.retention.schema.Columns.CUSTOMER_ID;
import static io.retention.schema.Columns.KIND;
import static io.retention.schema.Columns.KIND_PURCHASE;
import static io.retention.schema.Columns.ORDER_DATE;
import static io.retention.schema.Columns.ORDER_ID;
import static io.retention.schema.Columns.ORDER_TS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import io.retention.schema.MetricsColumns;
import io.retention.schema.SchemaChecks;
import io.retention.schema.Schemas;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The compact per-customer state every metrics table is computed from (persisted as gold.customer_activity by
 * {@link CustomerState}), and the per-customer view of it at an as-of date.
 *
 * <p>State columns (one row per customer with at least one order):
 * <ul>
 *   <li>{@code activity}: {@code ARRAY<STRUCT<day: DATE, purchases: BIGINT, net: DECIMAL(18,2),
 *       gross: DECIMAL(18,2)>>}, one entry per day with any order, sorted by day: purchase orders that day, the
 *       net amount (purchases minus refunds) and the gross purchase value (purchases only, 0 on a refund-only
 *       day; what CLV's monetary value is made of). A purchase day is an entry with purchases &gt; 0.</li>
 *   <li>{@code first_purchase}: {@code STRUCT<order_ts, order_id>} of the customer's first purchase (the
 *       earliest by timestamp, then order id), and {@code first_attributes}: that order's {@code attributes} map
 *       (what {@code --breakdown} reads); both NULL for a refund-only customer.</li>
 * </ul>
 *
 * <p>Cost of {@link #state}: the orders are shuffled ONCE, by customer id (narrow rows: id, day, amount, kind);
 * the per-(customer, day) hash aggregate and the per-customer array run in the same stage on those partitions
 * (no second exchange), and the first-purchase attributes, when asked for, reuse the same exchange. The
 * per-customer arrays hold one entry per active day, not per order. Nothing reaches the driver.
 *
 * <p>{@link #view} turns the state into what the table classes read: the entries up to the as-of date, the
 * sorted distinct purchase days ({@code days}), purchase orders, net revenue and, with a breakdown, the
 * attribute value of the first purchase. It is a row-by-row plain-Java map ({@link ActivityViewRows}): no
 * shuffle, no higher-order SQL function.
 */
public final class CustomerActivity {
  /** State: the per-day entries. */
  public static final String ACTIVITY = "activity";
  /** State: (order_ts, order_id) of the first purchase. */
  public static final String FIRST_PURCHASE = "first_purchase";
  /** State: attributes of the first purchase. */
  public static final String FIRST_ATTRIBUTES = "first_attributes";
  /** Fields of an activity entry. */
  public static final String DAY = "day";
  public static final String PURCHASES = "purchases";
  public static final String NET = "net";
  public static final String GROSS = "gross";

  /** View: sorted distinct purchase days, {@code ARRAY<DATE>}. */
  static final String DAYS = "days";
  /** View: the activity entries up to the as-of date. */
  static final String LINES = "lines";

  static final StructType REQUIRED = Schemas.struct(
      Schemas.field(ORDER_ID, DataTypes.StringType),
      Schemas.field(CUSTOMER_ID, DataTypes.StringType),
      Schemas.field(ORDER_TS, DataTypes.TimestampType),
      Schemas.field(ORDER_DATE, DataTypes.DateType),
      Schemas.field(AMOUNT, Schemas.MONEY),
      Schemas.field(KIND, DataTypes.StringType));

  private CustomerActivity() {}

  /** Checks the input columns (and the attributes map when a breakdown is asked for) before any job runs. */
  static void check(Dataset<Row> purchases, MetricsStage.Options o) {
    SchemaChecks.require(MetricsStage.STAGE, purchases, REQUIRED);
    if (o.breakdown() != null) {
      SchemaChecks.require(MetricsStage.STAGE, purchases,
          Schemas.struct(Schemas.field(ATTRIBUTES, Schemas.STRING_MAP)));
    }
  }

  /** Purchases on or before the as-of date ({@code o} must be resolved). */
  static Dataset<Row> upToAsOf(Dataset<Row> purchases, MetricsStage.Options o) {
    return purchases.filter(col(ORDER_DATE).leq(lit(java.sql.Date.valueOf(o.asOf()))));
  }

  /** The per-customer view at the options' as-of date, computed from the purchases (for tests and the bench). */
  public static Dataset<Row> compute(Dataset<Row> purchases, MetricsStage.Options options) {
    check(purchases, options);
    MetricsStage.Options o = options.resolve(purchases);
    return view(state(upToAsOf(purchases, o), o.breakdown() != null), o);
  }

  /**
   * The state of the given orders (silver.purchases columns; {@code attributes} optional). With
   * {@code firstAttributes} false the first-purchase columns are NULL (a cheaper plan for one-off tables).
   */
  public static Dataset<Row> state(Dataset<Row> orders, boolean firstAttributes) {
    Column isPurchase = col(KIND).equalTo(KIND_PURCHASE);
    Dataset<Row> byCustomer = orders.filter(col(ORDER_DATE).isNotNull())
        .repartition(col(CUSTOMER_ID));
    Dataset<Row> perDay = byCustomer.groupBy(col(CUSTOMER_ID), col(ORDER_DATE).as(DAY))
        .agg(count(when(isPurchase, lit(1))).as(PURCHASES), sum(col(AMOUNT)).cast(Schemas.MONEY).as(NET),
            sum(when(isPurchase, col(AMOUNT)).otherwise(lit(0))).cast(Schemas.MONEY).as(GROSS));
    // sort_array is compiled (array_sort is interpreted); one entry per day, so entries sort by day alone
    Dataset<Row> s = perDay.groupBy(col(CUSTOMER_ID))
        .agg(sort_array(collect_list(struct(col(DAY), col(PURCHASES), col(NET), col(GROSS)))).as(ACTIVITY));
    boolean hasAttributes = Arrays.asList(orders.columns()).contains(ATTRIBUTES);
    if (firstAttributes) {
      Column key = struct(col(ORDER_TS), col(ORDER_ID));
      Column attrs = hasAttributes ? col(ATTRIBUTES) : lit(null).cast(Schemas.STRING_MAP);
      Dataset<Row> first = byCustomer.filter(isPurchase).groupBy(col(CUSTOMER_ID))
          .agg(min(key).as(FIRST_PURCHASE), min_by(attrs, key).as(FIRST_ATTRIBUTES));
      return s.join(first, CUSTOMER_ID, "left")
          .select(col(CUSTOMER_ID), col(ACTIVITY), col(FIRST_PURCHASE), col(FIRST_ATTRIBUTES));
    }
    return s.select(col(CUSTOMER_ID), col(ACTIVITY),
        lit(null).cast(firstPurchaseType()).as(FIRST_PURCHASE),
        lit(null).cast(Schemas.STRING_MAP).as(FIRST_ATTRIBUTES));
  }

  static StructType firstPurchaseType() {
    return Schemas.struct(Schemas.field(ORDER_TS, DataTypes.TimestampType),
        Schemas.field(ORDER_ID, DataTypes.StringType));
  }

  /**
   * The per-customer view at the as-of date of {@code o} (resolved): customer_id, {@code lines} (entries up to
   * as-of), {@code days}, orders, net_revenue and, with a breakdown, the breakdown value. Customers without an
   * order on or before as-of are dropped. Computed row by row in plain Java ({@link ActivityViewRows}, which
   * documents the NULL and overflow rules).
   */
  public static Dataset<Row> view(Dataset<Row> state, MetricsStage.Options o) {
    boolean breakdown = o.breakdown() != null;
    List<Column> in = new ArrayList<>(List.of(col(CUSTOMER_ID), col(ACTIVITY)));
    if (breakdown) {
      in.add(col(FIRST_ATTRIBUTES));
    }
    Dataset<Row> input = state.select(in.toArray(new Column[0]));
    return input.mapPartitions(new ActivityViewRows(o.asOf(), o.breakdown(), ansi(state)),
        Encoders.row(ActivityViewRows.schema(input.schema(), breakdown)));
  }

  /**
   * The purchase-day rule for the plain-Java folds over the state's entries: an entry with at least one purchase
   * order ({@code purchases} NULL: not a purchase day, as in SQL, where the comparison is NULL).
   */
  public static boolean isPurchaseDay(Long purchases) {
    return purchases != null && purchases > 0;
  }

  /** Whether {@code d}'s session runs in ANSI mode (an overflowing sum is an error there, NULL otherwise). */
  static boolean ansi(Dataset<Row> d) {
    return Boolean.parseBoolean(d.sparkSession().conf().get("spark.sql.ansi.enabled", "false"));
  }

  /**
   * A customer's purchase days up to {@code asOf} from the state's entries: {@code ARRAY<DATE>}, sorted (the
   * purchase-day rule lives here: a day with at least one purchase order; refunds are not activity).
   */
  public static Column purchaseDaysUpTo(LocalDate asOf) {
    Column end = lit(java.sql.Date.valueOf(asOf));
    return transform(filter(col(ACTIVITY), x -> x.getField(PURCHASES).gt(0).and(x.getField(DAY).leq(end))),
        x -> x.getField(DAY));
  }

  /** SQL: the leading output columns of a metrics table, the grain and (with a breakdown) the breakdown value. */
  static List<String> grainAndBreakdown(MetricsStage.Options o) {
    List<String> out = new ArrayList<>(List.of("'" + o.grain().id() + "' AS " + MetricsColumns.GRAIN));
    if (o.breakdown() != null) {
      out.add(MetricsColumns.BREAKDOWN);
    }
    return out;
  }

  /** The columns that identify a cohort: the breakdown value (when asked for) then the cohort. */
  static List<String> cohortKeys(MetricsStage.Options o, String cohortColumn) {
    return o.breakdown() == null ? List.of(cohortColumn) : List.of(MetricsColumns.BREAKDOWN, cohortColumn);
  }
}
