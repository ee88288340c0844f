package io.retention.churn;

import static io.retention.schema.ChurnColumns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.months_between;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.retention.clv.BgNbd;
import io.retention.clv.ModelFit;
import io.retention.clv.RfmSummary;
import io.retention.clv.TimeUnit;
import io.retention.metrics.CustomerActivity;
import io.retention.schema.ClvColumns;
import io.retention.schema.Columns;
import io.retention.schema.SchemaChecks;
import io.retention.schema.Schemas;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.DataTypes;

/**
 * Churn features at cutoff c, from the per-customer state's entries with day &le; c only (so nothing after c can
 * change a feature; scoring reads the hub gold.customer_activity, training the state of silver's rows), for the
 * customers with a purchase day in [c &minus; lookback, c]:
 *
 * <ul>
 *   <li>days since last purchase, purchase days, orders, net revenue, average order value, tenure;</li>
 *   <li>gaps between consecutive purchase days: mean, max, standard deviation, and the overdue ratio
 *       (days since last purchase / mean gap; 0 with a single purchase day);</li>
 *   <li>trend: (orders in (c&minus;90, c] + 1) / (orders in (c&minus;180, c&minus;90] + 1); refund share of gross;</li>
 *   <li>windows (c &minus; n, c] for n = 30, 90, 180: orders (30, 180) and net spend (30, 90, 180), and the
 *       ratios (3 &middot; orders 30 + 1) / (orders 90 + 1), (2 &middot; orders 90 + 1) / (orders 180 + 1) and
 *       (2 &middot; max(0, spend 90) + 1) / (max(0, spend 180) + 1) (1 = a steady pace);</li>
 *   <li>overdue against the customer's own cycle: days since last / the usual gap (the median gap with &ge; 2
 *       gaps, else the BG/NBD expected gap (7 alpha + T) / (r + x) days; 0 when that gap is 0), and days since
 *       last &times; the BG/NBD purchase rate (r + x) / (7 alpha + T) per day;</li>
 *   <li>BG/NBD P(alive), expected purchases and P(no purchase) over the horizon, from a fit on data &le; c
 *       (weeks; {@link BgNbd#pNoPurchase});</li>
 *   <li>descriptive, not model inputs: the expected next purchase (last purchase day + the median gap with
 *       &ge; 2 gaps, else + the BG/NBD expected inter-purchase time) and the days overdue;</li>
 *   <li>cohort: whole months from the first purchase's month to c's month (a tenure bucket that, unlike the
 *       calendar cohort, means the same at training and scoring time);</li>
 *   <li>configured categorical attributes: the value at the latest purchase &le; c that has it (STRING,
 *       NULL when none; one-hot encoded in the model pipeline with an "unknown" slot).</li>
 * </ul>
 *
 * <p>Cost: from the hub, a row-by-row fold (no shuffle; one small aggregation per categorical attribute),
 * materialised eagerly with a local checkpoint (one Spark job when {@code fromState} is called). The distinct (frequency, recency, T) patterns are aggregated on the
 * cluster and only they reach the driver for the BG/NBD fit; the fitted parameters ship back in a UDF.
 */
public final class ChurnFeatures {
  private ChurnFeatures() {}

  static final String DAYS = "purchase_day_list";
  static final String GROSS = "gross";
  static final String REFUNDS = "refunds";
  private static final String USUAL_GAP = "usual_gap";

  /**
   * Cutoff, lookback (population), horizon (expected purchases), the BG/NBD penalizer and the categorical
   * attributes (keys of silver's {@code attributes} map) to take from each customer's latest purchase on or
   * before the cutoff that has them.
   */
  public record Options(LocalDate cutoff, int lookbackDays, int horizonDays, double penalizer,
      List<String> categoricals) {
    public Options(LocalDate cutoff, int lookbackDays, int horizonDays, double penalizer) {
      this(cutoff, lookbackDays, horizonDays, penalizer, List.of());
    }

    public Options {
      categoricals = List.copyOf(categoricals);
      for (String a : categoricals) {
        if (!a.matches("[A-Za-z0-9_]+")) {
          throw new IllegalArgumentException("churn features: a categorical attribute name must be letters, digits "
              + "or _, cannot be: '" + a + "'");
        }
      }
      if (cutoff == null) {
        throw new IllegalArgumentException("churn features: cutoff is required");
      }
      if (lookbackDays < 1 || horizonDays < 1) {
        throw new IllegalArgumentException("churn features: lookback and horizon must be at least 1 day, cannot be: "
            + lookbackDays + ", " + horizonDays);
      }
      if (!(penalizer >= 0)) {
        throw new IllegalArgumentException("churn features: penalizer must be >= 0, cannot be: " + penalizer);
      }
    }
  }

  /**
   * customer_id, every column of {@link io.retention.schema.ChurnColumns#FEATURES}, first/last order date, from
   * silver.purchases rows: their per-customer state ({@link CustomerActivity#state}) through {@link #fromState},
   * so training and scoring share one derivation.
   */
  public static Dataset<Row> compute(Dataset<Row> purchases, Options o) {
    SchemaChecks.require("churn features", purchases, Schemas.struct(
        Schemas.PURCHASES.apply(Columns.CUSTOMER_ID), Schemas.PURCHASES.apply(Columns.ORDER_DATE),
        Schemas.PURCHASES.apply(Columns.AMOUNT), Schemas.PURCHASES.apply(Columns.KIND)));
    Dataset<Row> upToCutoff = purchases.where(col(Columns.ORDER_DATE).leq(lit(Date.valueOf(o.cutoff()))));
    return fromState(CustomerActivity.state(upToCutoff, false), o.categoricals().isEmpty() ? null : upToCutoff, o);
  }

  /** A BG/NBD fit at the cutoff whose expected purchase counts are undefined (too little history). */
  public static final class UnusableFit extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    UnusableFit(String message) {
      super(message);
    }
  }

  /**
   * The features at the cutoff from the per-customer state (gold.customer_activity: its entries up to the
   * cutoff, row by row, no shuffle), so scoring reads the hub and not silver.purchases. {@code purchases}
   * (rows &le; the cutoff suffice) is read only for the configured categorical attributes, whose latest values
   * the hub does not keep; it may be null when there are none.
   */
  public static Dataset<Row> fromState(Dataset<Row> state, Dataset<Row> purchases, Options o) {
    return fromState(state, purchases, o, false);
  }

  /**
   * As {@link #fromState(Dataset, Dataset, Options)}; with {@code requireUsableFit}, a BG/NBD fit whose expected
   * purchase counts are undefined for one-time buyers (a + b &le; 1) throws {@link UnusableFit} before any row is
   * computed (the fit runs on the driver right away).
   */
  static Dataset<Row> fromState(Dataset<Row> state, Dataset<Row> purchases, Options o, boolean requireUsableFit) {
    if (!o.categoricals().isEmpty() && purchases == null) {
      throw new IllegalArgumentException("churn features: categorical attributes " + o.categoricals()
          + " need the purchases they are read from");
    }
    // Materialised once (executor memory/disk, cleaned when unreferenced): the pattern collect and the final
    // select then share one aggregation instead of shuffling the purchases twice.
    Dataset<Row> base = perCustomer(state, purchases, o).localCheckpoint(true);
    BgNbd.Params params = BgNbd.Params.of(BgNbd.fit(RfmSummary.patterns(base, TimeUnit.WEEK), o.penalizer()));
    if (requireUsableFit && params.a() + params.b() <= 1) { // 2F1(r + x, b + x; a + b + x - 1; z), x = 0
      throw new UnusableFit("churn features: the BG/NBD fit at " + o.cutoff() + " has a + b = "
          + (params.a() + params.b()) + " <= 1, so one-time buyers have no expected purchase count");
    }
    Dataset<Row> inWindow = base.where(col(LAST_ORDER_DATE)
        .geq(lit(Date.valueOf(o.cutoff().minusDays(o.lookbackDays())))));
    double horizonWeeks = o.horizonDays() / TimeUnit.WEEK.days();
    UDF3<Long, Integer, Integer, Double> alive = (x, tx, t) -> BgNbd.pAlive(params, x, tx / 7.0, t / 7.0);
    UDF3<Long, Integer, Integer, Double> expected =
        (x, tx, t) -> BgNbd.expectedPurchases(params, horizonWeeks, x, tx / 7.0, t / 7.0);
    UDF3<Long, Integer, Integer, Double> silent =
        (x, tx, t) -> BgNbd.pNoPurchase(params, horizonWeeks, x, tx / 7.0, t / 7.0);
    Column[] rfm = {col(ClvColumns.FREQUENCY), col(ClvColumns.RECENCY_DAYS), col(ClvColumns.AGE_DAYS)};
    Dataset<Row> withModel = nextPurchase(inWindow
        .withColumn(P_ALIVE, udf(alive, DataTypes.DoubleType).apply(rfm))
        .withColumn(EXPECTED_PURCHASES, udf(expected, DataTypes.DoubleType).apply(rfm))
        .withColumn(P_NO_PURCHASE, udf(silent, DataTypes.DoubleType).apply(rfm)), params, o.cutoff());
    List<Column> out = new ArrayList<>();
    out.add(col(Columns.CUSTOMER_ID));
    for (String f : FEATURES) {
      out.add(col(f).cast(DataTypes.DoubleType).as(f));
    }
    for (String a : o.categoricals()) {
      out.add(col(attribute(a)));
    }
    out.add(col(FIRST_ORDER_DATE));
    out.add(col(LAST_ORDER_DATE));
    out.add(col(EXPECTED_NEXT_PURCHASE));
    out.add(col(DAYS_OVERDUE));
    return withModel.select(out.toArray(new Column[0]));
  }

  /**
   * Expected next purchase = last purchase day + the median gap when the customer has &ge; 2 gaps, else + the
   * BG/NBD expected inter-purchase time (alpha + T) / (r + x) weeks, in whole days (rounded half up);
   * days overdue = max(0, c &minus; expected).
   */
  static Dataset<Row> nextPurchase(Dataset<Row> d, BgNbd.Params p, LocalDate c) {
    UDF2<Long, Integer, Double> btydGap = (x, age) -> TimeUnit.WEEK.days() * (p.alpha() + age / TimeUnit.WEEK.days())
        / (p.r() + x);
    Column gap = when(col(MEDIAN_GAP_DAYS).isNotNull(), col(MEDIAN_GAP_DAYS))
        .otherwise(udf(btydGap, DataTypes.DoubleType).apply(col(ClvColumns.FREQUENCY), col(ClvColumns.AGE_DAYS)));
    Column next = date_add(col(LAST_ORDER_DATE), round(col(USUAL_GAP), 0).cast(DataTypes.IntegerType));
    UDF2<Long, Integer, Double> rate = (x, age) -> (p.r() + x) / (TimeUnit.WEEK.days() * p.alpha() + age);
    return d.withColumn(USUAL_GAP, gap)
        .withColumn(OVERDUE_FACTOR, when(col(USUAL_GAP).gt(0), col(RECENCY_DAYS).divide(col(USUAL_GAP)))
            .otherwise(lit(0.0)))
        .withColumn(OVERDUE_BTYD, col(RECENCY_DAYS).multiply(udf(rate, DataTypes.DoubleType)
            .apply(col(ClvColumns.FREQUENCY), col(ClvColumns.AGE_DAYS))))
        .withColumn(EXPECTED_NEXT_PURCHASE, next)
        .withColumn(DAYS_OVERDUE, greatest(lit(0), datediff(lit(Date.valueOf(c)), col(EXPECTED_NEXT_PURCHASE))));
  }

  /**
   * The state's entries up to c folded row by row ({@link FeatureSums}: no shuffle; the purchase-day rule is
   * {@link CustomerActivity#isPurchaseDay}), each categorical attribute joined by customer, then per-row
   * derivations. Customers without a purchase day &le; c are dropped.
   */
  static Dataset<Row> perCustomer(Dataset<Row> state, Dataset<Row> purchases, Options o) {
    LocalDate c = o.cutoff();
    Column end = lit(Date.valueOf(c));
    Dataset<Row> agg = state.select(col(Columns.CUSTOMER_ID), col(CustomerActivity.ACTIVITY))
        .map(new FeatureSums(c), Encoders.row(FeatureSums.SCHEMA));
    for (String a : o.categoricals()) {
      agg = agg.join(latestAttribute(purchases.where(col(Columns.ORDER_DATE).leq(end)), a), Columns.CUSTOMER_ID,
          "left");
    }
    return derive(agg.where(size(col(DAYS)).gt(0)), c);
  }

  /**
   * customer_id, attr_&lt;name&gt;: the attribute at the customer's latest purchase (date, then time, then
   * order id) that has it; NULL when none has. A separate small aggregation joined by customer.
   */
  private static Dataset<Row> latestAttribute(Dataset<Row> upToCutoff, String name) {
    Column value = List.of(upToCutoff.columns()).contains(Columns.ATTRIBUTES)
        ? element_at(col(Columns.ATTRIBUTES), lit(name)) : lit(null).cast(DataTypes.StringType);
    Column isPurchase = col(Columns.KIND).equalTo(lit(Columns.KIND_PURCHASE));
    Column order = when(isPurchase.and(value.isNotNull()),
        struct(col(Columns.ORDER_DATE), col(Columns.ORDER_TS), col(Columns.ORDER_ID)));
    return upToCutoff.groupBy(col(Columns.CUSTOMER_ID)).agg(max_by(value, order).as(attribute(name)));
  }

  private static Dataset<Row> derive(Dataset<Row> agg, LocalDate c) {
    Column end = lit(Date.valueOf(c));
    Column n = size(col(DAYS));
    Column first = element_at(col(DAYS), 1);
    Column last = element_at(col(DAYS), -1);
    Column repeat = n.gt(1);
    Column meanGap = when(repeat, datediff(last, first).divide(n.minus(1))).otherwise(lit(0.0));
    // max, standard deviation and median of the gaps come from the fold (FeatureSums.Gaps)
    return agg
        .withColumn(FIRST_ORDER_DATE, first).withColumn(LAST_ORDER_DATE, last)
        .withColumn(PURCHASE_DAYS, n)
        .withColumn(RECENCY_DAYS, datediff(end, last))
        .withColumn(TENURE_DAYS, datediff(end, first))
        .withColumn(COHORT_MONTHS, months_between(trunc(end, "month"), trunc(first, "month")))
        .withColumn(MEAN_GAP_DAYS, meanGap)
        .withColumn(OVERDUE_RATIO, when(repeat, col(RECENCY_DAYS).divide(col(MEAN_GAP_DAYS))).otherwise(lit(0.0)))
        .withColumn(AVG_ORDER_VALUE, when(col(ORDERS).gt(0), col(NET_REVENUE).divide(col(ORDERS)))
            .otherwise(lit(0.0)))
        .withColumn(TREND, col(ORDERS_LAST_90).plus(1).divide(col(ORDERS_PREV_90).plus(1)))
        .withColumn(ORDERS_RATIO_30_90, col(ORDERS_LAST_30).multiply(3).plus(1).divide(col(ORDERS_LAST_90).plus(1)))
        .withColumn(ORDERS_RATIO_90_180, col(ORDERS_LAST_90).multiply(2).plus(1)
            .divide(col(ORDERS_LAST_180).plus(1)))
        .withColumn(SPEND_RATIO_90_180, greatest(col(SPEND_LAST_90), lit(0.0)).multiply(2).plus(1)
            .divide(greatest(col(SPEND_LAST_180), lit(0.0)).plus(1)))
        .withColumn(REFUND_SHARE, when(col(GROSS).gt(0), col(REFUNDS).divide(col(GROSS))).otherwise(lit(0.0)))
        .withColumn(ClvColumns.FREQUENCY, n.minus(1).cast(DataTypes.LongType))
        .withColumn(ClvColumns.RECENCY_DAYS, datediff(last, first))
        .withColumn(ClvColumns.AGE_DAYS, datediff(end, first));
  }

  /** The BG/NBD fit on data &le; c alone (for the model metadata and logs). */
  public static ModelFit bgNbd(Dataset<Row> purchases, Options o) {
    Dataset<Row> upToCutoff = purchases.where(col(Columns.ORDER_DATE).leq(lit(Date.valueOf(o.cutoff()))));
    return BgNbd.fit(RfmSummary.patterns(perCustomer(CustomerActivity.state(upToCutoff, false), upToCutoff,
        o), TimeUnit.WEEK), o.penalizer());
  }
}
