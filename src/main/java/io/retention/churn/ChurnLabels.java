package io.retention.churn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

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
 * Refunds are not activity. One groupBy by customer (one shuffle); nothing reaches the driver.
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

  /** customer_id, churned (DOUBLE 0/1) for the customers active in the lookback window. */
  public static Dataset<Row> compute(Dataset<Row> purchases, Options o) {
    SchemaChecks.require("churn labels", purchases, Schemas.struct(Schemas.PURCHASES.apply(Columns.CUSTOMER_ID),
        Schemas.PURCHASES.apply(Columns.ORDER_DATE), Schemas.PURCHASES.apply(Columns.KIND)));
    Column day = col(Columns.ORDER_DATE);
    Column c = lit(Date.valueOf(o.cutoff()));
    Column from = lit(Date.valueOf(o.cutoff().minusDays(o.lookbackDays())));
    Column until = lit(Date.valueOf(o.cutoff().plusDays(o.horizonDays())));
    Dataset<Row> agg = purchases
        .where(col(Columns.KIND).equalTo(lit(Columns.KIND_PURCHASE)).and(day.geq(from)).and(day.leq(until)))
        .groupBy(col(Columns.CUSTOMER_ID))
        .agg(max(when(day.leq(c), lit(1)).otherwise(lit(0))).as("active"),
            max(when(day.gt(c), lit(1)).otherwise(lit(0))).as("returned"));
    return agg.where(col("active").equalTo(1)).select(col(Columns.CUSTOMER_ID),
        lit(1.0).minus(col("returned").cast(DataTypes.DoubleType)).as(ChurnColumns.LABEL));
  }
}
