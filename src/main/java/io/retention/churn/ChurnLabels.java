package io.retention.churn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.lit;

import io.retention.metrics.CustomerActivity;
import io.retention.schema.ChurnColumns;
import io.retention.schema.Columns;
import io.retention.schema.SchemaChecks;
import io.retention.schema.Schemas;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Churn labels (DESIGN §5): at cutoff c with horizon H, among customers with a purchase day in
 * [c &minus; lookback, c], {@code churned} = 1.0 when they have no purchase day in (c, c + H], else 0.0.
 * Refunds are not activity (the purchase-day rule of {@link CustomerActivity}). From the per-customer state, row
 * by row; nothing reaches the driver.
 */
public final class ChurnLabels {
  private ChurnLabels() {}

  /** Cutoff c, horizon H and lookback, in days. */
  public record Options(LocalDate cutoff, int horizonDays, int lookbackDays) {
    public static final int HORIZON_DAYS_DEFAULT = 90;
    public static final int LOOKBACK_DAYS_DEFAULT = 365;

    public Options {
      if (cutoff == null) {
        throw new IllegalArgumentException("churn labels: cutoff is required");
      }
      if (horizonDays < 1) {
        throw new IllegalArgumentException("churn labels: horizon must be at least 1 day, cannot be: " + horizonDays);
      }
      if (lookbackDays < 1) {
        throw new IllegalArgumentException("churn labels: lookback must be at least 1 day, cannot be: "
            + lookbackDays);
      }
    }
  }

  /** customer_id, churned (DOUBLE 0/1) for the customers active in the lookback window, from purchases. */
  public static Dataset<Row> compute(Dataset<Row> purchases, Options o) {
    SchemaChecks.require("churn labels", purchases, Schemas.struct(Schemas.PURCHASES.apply(Columns.CUSTOMER_ID),
        Schemas.PURCHASES.apply(Columns.ORDER_DATE), Schemas.PURCHASES.apply(Columns.AMOUNT),
        Schemas.PURCHASES.apply(Columns.KIND)));
    return fromState(CustomerActivity.state(purchases, false), o);
  }

  /**
   * The labels from the per-customer state (gold.customer_activity): a customer is labelled when a purchase
   * day lies in [c &minus; lookback, c], churned when none lies in (c, c + H]. Row by row, no shuffle.
   */
  public static Dataset<Row> fromState(Dataset<Row> state, Options o) {
    Column c = lit(Date.valueOf(o.cutoff()));
    Column from = lit(Date.valueOf(o.cutoff().minusDays(o.lookbackDays())));
    Column active = exists(col(CustomerActivity.ACTIVITY), x -> x.getField(CustomerActivity.PURCHASES).gt(0)
        .and(x.getField(CustomerActivity.DAY).between(from, c)));
    Column returned = purchasedIn(o.cutoff(), o.cutoff().plusDays(o.horizonDays()));
    return state.where(active).select(col(Columns.CUSTOMER_ID),
        lit(1.0).minus(returned.cast(DataTypes.DoubleType)).as(ChurnColumns.LABEL));
  }

  /**
   * Whether the customer's state holds a purchase day in {@code (after, until]} (an entry with purchases &gt; 0;
   * a refund-only day is no purchase), row by row.
   */
  public static Column purchasedIn(LocalDate after, LocalDate until) {
    Column from = lit(Date.valueOf(after));
    Column to = lit(Date.valueOf(until));
    return exists(col(CustomerActivity.ACTIVITY), x -> x.getField(CustomerActivity.PURCHASES).gt(0)
        .and(x.getField(CustomerActivity.DAY).gt(from)).and(x.getField(CustomerActivity.DAY).leq(to)));
  }
}
