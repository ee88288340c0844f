package io.retention.clv;

import static io.retention.schema.ClvColumns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.retention.metrics.CustomerActivity;
import io.retention.schema.Columns;
import io.retention.schema.SchemaChecks;
import io.retention.schema.Schemas;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Per-customer RFM inputs of BG/NBD and Gamma-Gamma, on the executors, following the convention of
 * {@code lifetimes.utils.summary_data_from_transaction_data}:
 *
 * <ul>
 *   <li>only rows with order_date &le; calibration end (inclusive) count; purchase <em>days</em> are the
 *       distinct order_dates of kind {@code purchase} (refunds are revenue, not activity);</li>
 *   <li>frequency = purchase days &minus; 1; recency = (last &minus; first purchase day) / unit;
 *       T = (calibration end &minus; first purchase day) / unit (unit = 1 or 7 days, fractional);</li>
 *   <li>monetary_value = mean over the repeat purchase days of the day's summed purchase amounts (0 without
 *       repeat days); orders = purchase orders; net_revenue = all amounts incl. refunds.</li>
 * </ul>
 *
 * <p>Cost: one shuffle (rows are repartitioned by customer_id; the day- and customer-level aggregations
 * then run without further exchange). {@link #patterns} and {@link #valuePatterns} aggregate on the cluster
 * and bring only distinct patterns to the driver, never per-customer rows.
 */
public final class RfmSummary {
  private RfmSummary() {}

  private static final String DAY_VALUE = "day_value";
  private static final String DAY_ORDERS = "day_orders";
  private static final String DAY_NET = "day_net";
  static final String PURCHASE_DAYS = "purchase_days";
  static final String PURCHASE_VALUE = "purchase_value";
  static final String FIRST_DAY_VALUE = "first_day_value";

  /** Calibration end (inclusive) and time unit. */
  public record Options(LocalDate calibrationEnd, TimeUnit unit) {
    public Options {
      if (calibrationEnd == null || unit == null) {
        throw new IllegalArgumentException("RfmSummary: calibrationEnd and unit are required");
      }
    }
  }

  /** One row per customer with at least one purchase day on or before the calibration end. */
  public static Dataset<Row> compute(Dataset<Row> purchases, Options o) {
    SchemaChecks.require("clv", purchases, Schemas.struct(Schemas.PURCHASES.apply(Columns.CUSTOMER_ID),
        Schemas.PURCHASES.apply(Columns.ORDER_DATE), Schemas.PURCHASES.apply(Columns.AMOUNT),
        Schemas.PURCHASES.apply(Columns.KIND)));
    Column isPurchase = col(Columns.KIND).equalTo(lit(Columns.KIND_PURCHASE));
    Dataset<Row> days = purchases
        .where(col(Columns.ORDER_DATE).leq(lit(java.sql.Date.valueOf(o.calibrationEnd()))))
        .repartition(col(Columns.CUSTOMER_ID))
        .groupBy(col(Columns.CUSTOMER_ID), col(Columns.ORDER_DATE))
        .agg(sum(when(isPurchase, col(Columns.AMOUNT))).as(DAY_VALUE),
            sum(when(isPurchase, lit(1L)).otherwise(lit(0L))).as(DAY_ORDERS),
            sum(col(Columns.AMOUNT)).as(DAY_NET));
    Column purchaseDay = when(col(DAY_ORDERS).gt(0), col(Columns.ORDER_DATE));
    Dataset<Row> customers = days.groupBy(col(Columns.CUSTOMER_ID)).agg(
        min(purchaseDay).as(FIRST_PURCHASE), max(purchaseDay).as(LAST_PURCHASE),
        count(purchaseDay).as(PURCHASE_DAYS),
        sum(when(col(DAY_ORDERS).gt(0), col(DAY_VALUE))).as(PURCHASE_VALUE),
        min_by(col(DAY_VALUE), purchaseDay).as(FIRST_DAY_VALUE),
        sum(col(DAY_ORDERS)).as(ORDERS), sum(col(DAY_NET)).as(NET_REVENUE));
    return shape(customers.where(col(PURCHASE_DAYS).gt(0)), o);
  }

  /**
   * The same rows as {@link #compute} from the per-customer state (gold.customer_activity, one row per customer
   * with its per-day entries): the entries up to the calibration end are folded row by row ({@link RfmFold}), so
   * there is no shuffle and silver.purchases is not read.
   */
  public static Dataset<Row> fromState(Dataset<Row> state, Options o) {
    Dataset<Row> customers = state.select(col(Columns.CUSTOMER_ID), col(CustomerActivity.ACTIVITY))
        .map(new RfmFold(o.calibrationEnd()), Encoders.row(RfmFold.SCHEMA));
    return shape(customers.where(col(PURCHASE_DAYS).gt(0)), o);
  }

  private static Dataset<Row> shape(Dataset<Row> c, Options o) {
    Column freq = col(PURCHASE_DAYS).minus(1);
    Column end = lit(java.sql.Date.valueOf(o.calibrationEnd()));
    Column repeatValue = col(PURCHASE_VALUE).minus(col(FIRST_DAY_VALUE)).cast(DataTypes.DoubleType);
    return c.select(col(Columns.CUSTOMER_ID),
        freq.cast(DataTypes.LongType).as(FREQUENCY),
        datediff(col(LAST_PURCHASE), col(FIRST_PURCHASE)).divide(o.unit().days()).as(RECENCY),
        datediff(end, col(FIRST_PURCHASE)).divide(o.unit().days()).as(AGE),
        when(freq.gt(0), repeatValue.divide(freq)).otherwise(lit(0.0)).as(MONETARY_VALUE),
        datediff(col(LAST_PURCHASE), col(FIRST_PURCHASE)).as(RECENCY_DAYS),
        datediff(end, col(FIRST_PURCHASE)).as(AGE_DAYS),
        col(FIRST_PURCHASE), col(LAST_PURCHASE),
        col(ORDERS).cast(DataTypes.LongType).as(ORDERS),
        col(NET_REVENUE).cast(Schemas.MONEY).as(NET_REVENUE));
  }

  /**
   * Distinct (frequency, recency, T) patterns with counts, aggregated on the cluster (grouped on whole days,
   * converted to the unit on the driver) and sorted so that fits are reproducible.
   */
  public static RfmPatterns patterns(Dataset<Row> rfm, TimeUnit unit) {
    List<Row> rows = rfm.groupBy(col(FREQUENCY), col(RECENCY_DAYS), col(AGE_DAYS)).count().collectAsList();
    List<double[]> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(new double[] {r.getLong(0), r.getInt(1) / unit.days(), r.getInt(2) / unit.days(), r.getLong(3)});
    }
    out.sort(PATTERN_ORDER);
    return RfmPatterns.of(out);
  }

  /**
   * Distinct (frequency, mean repeat value rounded to cents) pairs of the repeat customers, with counts, for
   * Gamma-Gamma. Rounding to money precision bounds the pairs; it moves each mean by at most half a cent.
   */
  public static GammaGamma.Data valuePatterns(Dataset<Row> rfm) {
    List<Row> rows = rfm.where(col(FREQUENCY).gt(0))
        .groupBy(col(FREQUENCY), round(col(MONETARY_VALUE), 2).as(MONETARY_VALUE)).count().collectAsList();
    List<double[]> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(new double[] {r.getLong(0), r.getDouble(1), r.getLong(2)});
    }
    out.sort(PATTERN_ORDER);
    return GammaGamma.Data.of(out);
  }

  private static final Comparator<double[]> PATTERN_ORDER = (x, y) -> {
    for (int i = 0; i < x.length; i++) {
      int c = Double.compare(x[i], y[i]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  };
}
