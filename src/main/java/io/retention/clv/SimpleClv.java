package io.retention.clv;

import static io.retention.schema.ClvColumns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The "seed" CLV of DESIGN §5: {@code AOV x purchases per year x expected lifetime in years}, per customer.
 *
 * <ul>
 *   <li>AOV = the customer's net revenue (refunds included) / purchase orders;</li>
 *   <li>purchases per year = purchase orders / max(1, years since the first purchase) (a customer younger
 *       than a year counts the orders so far as one year's);</li>
 *   <li>expected lifetime = 1 / annual churn rate, where the annual churn rate is a constant hazard over the
 *       whole history: customers who left the active base (no purchase in the last {@code activeWindowDays}
 *       days before the calibration end, DESIGN §5) divided by the customer-years each customer spent in the
 *       base (first purchase until last purchase + window, or until the calibration end).</li>
 * </ul>
 * Cost: one aggregation over the RFM rows; two numbers reach the driver.
 */
public final class SimpleClv {
  private SimpleClv() {}

  static final double YEAR_DAYS = 365.25;

  /** The population inputs: churned customers, customer-years of exposure, the earliest first purchase. */
  public record Churn(long churned, double exposureYears, LocalDate dataStart) {
    /** Churned customers per customer-year; NaN without exposure. */
    public double annualRate() {
      return exposureYears > 0 ? churned / exposureYears : Double.NaN;
    }

    /** 1 / annual churn rate in years; infinite when nobody churned (simple CLV is then NULL). */
    public double lifetimeYears() {
      return 1 / annualRate();
    }

    /**
     * The rate for people: a hazard per customer-year exceeds 1 when customers stay less than a year, so it is
     * given with the share of customers who churn within a year at that hazard (1 - e^-rate), always a percentage.
     */
    public String describe() {
      double rate = annualRate();
      if (Double.isNaN(rate)) {
        return "simple CLV: no customer-years in the active base, no churn rate";
      }
      return String.format(java.util.Locale.ROOT, "simple CLV: churn hazard %.4f per customer-year (%.1f %% of "
          + "customers churn within a year), expected lifetime %.2f years", rate, 100 * (1 - Math.exp(-rate)),
          lifetimeYears());
    }
  }

  public static Churn churn(Dataset<Row> rfm, int activeWindowDays) {
    Column gap = col(AGE_DAYS).minus(col(RECENCY_DAYS));
    Column churned = when(gap.gt(activeWindowDays), lit(1L)).otherwise(lit(0L));
    Column exposureDays = least(col(AGE_DAYS), col(RECENCY_DAYS).plus(activeWindowDays));
    Row r = rfm.agg(sum(churned), sum(exposureDays.cast(DataTypes.DoubleType)), min(col(FIRST_PURCHASE))).first();
    return new Churn(r.isNullAt(0) ? 0 : r.getLong(0), r.isNullAt(1) ? 0 : r.getDouble(1) / YEAR_DAYS,
        r.isNullAt(2) ? null : r.getDate(2).toLocalDate());
  }

  /** The per-customer simple CLV column (DOUBLE; NULL when the lifetime is not finite or no orders). */
  public static Column column(Churn churn) {
    double lifetime = churn.lifetimeYears();
    if (!Double.isFinite(lifetime)) {
      return lit(null).cast(DataTypes.DoubleType);
    }
    Column orders = col(ORDERS).cast(DataTypes.DoubleType);
    Column aov = col(NET_REVENUE).cast(DataTypes.DoubleType).divide(orders);
    Column perYear = orders.divide(greatest(lit(1.0), col(AGE_DAYS).divide(YEAR_DAYS)));
    return when(orders.gt(0), aov.multiply(perYear).multiply(lit(lifetime)));
  }
}
