package io.retention.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import io.retention.schema.Columns;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The default as-of date of every stage (DESIGN §9): the latest {@code order_date} of a purchase, not today.
 * One small aggregation; a single value reaches the driver.
 */
public final class LatestPurchase {
  private LatestPurchase() {}

  /** The latest purchase day of {@code purchases} (silver.purchases schema), empty when it has no purchase. */
  public static Optional<LocalDate> day(Dataset<Row> purchases) {
    Row r = purchases.filter(col(Columns.KIND).equalTo(Columns.KIND_PURCHASE))
        .agg(max(col(Columns.ORDER_DATE))).first();
    return r.isNullAt(0) ? Optional.empty() : Optional.of(r.getDate(0).toLocalDate());
  }
}
