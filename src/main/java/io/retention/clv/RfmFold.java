package io.retention.clv;

import io.retention.metrics.CustomerActivity;
import io.retention.schema.ClvColumns;
import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;

/**
 * The per-customer RFM sums of {@link RfmSummary#fromState}, one hub row ({@code customer_id}, {@code activity})
 * at a time in plain Java: Spark evaluates the higher-order SQL functions ({@code filter}, {@code aggregate})
 * these replace without code generation.
 *
 * <p>Values, exactly as the SQL they replace, over the entries whose day is on or before the calibration end (an
 * entry with a NULL day is left out), the purchase days being those of {@link CustomerActivity#isPurchaseDay}:
 * the first and last purchase day and their count; the summed gross of the purchase days and the gross of the
 * first one; purchase orders and net amount over all entries. A sum is NULL when one entry it adds is NULL; a
 * customer without a purchase day gets NULL days and values (the caller drops it).
 */
final class RfmFold implements MapFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private static final DecimalType SUM = DataTypes.createDecimalType(38, 2);

  static final StructType SCHEMA = new StructType()
      .add(Columns.CUSTOMER_ID, DataTypes.StringType, true)
      .add(ClvColumns.FIRST_PURCHASE, DataTypes.DateType, true)
      .add(ClvColumns.LAST_PURCHASE, DataTypes.DateType, true)
      .add(RfmSummary.PURCHASE_DAYS, DataTypes.LongType, true)
      .add(RfmSummary.PURCHASE_VALUE, SUM, true)
      .add(RfmSummary.FIRST_DAY_VALUE, Schemas.MONEY, true)
      .add(ClvColumns.ORDERS, DataTypes.LongType, true)
      .add(ClvColumns.NET_REVENUE, SUM, true);

  private final long endDay;

  RfmFold(LocalDate calibrationEnd) {
    this.endDay = calibrationEnd.toEpochDay();
  }

  @Override
  public Row call(Row r) {
    return fold(r, endDay);
  }

  private static Row fold(Row r, long end) {
    if (r.isNullAt(1)) {
      return RowFactory.create(r.getString(0), null, null, null, null, null, null, null);
    }
    Date first = null;
    Date last = null;
    long purchaseDays = 0;
    BigDecimal value = BigDecimal.ZERO.setScale(2);
    boolean valueNull = false;
    BigDecimal firstValue = null;
    long orders = 0;
    boolean ordersNull = false;
    BigDecimal net = BigDecimal.ZERO.setScale(2);
    boolean netNull = false;
    for (Row x : r.<Row>getList(1)) {
      if (x == null || x.isNullAt(0) || x.getDate(0).toLocalDate().toEpochDay() > end) {
        continue;
      }
      Long purchases = x.isNullAt(1) ? null : x.getLong(1);
      BigDecimal gross = x.isNullAt(3) ? null : x.getDecimal(3);
      if (CustomerActivity.isPurchaseDay(purchases)) {
        if (purchaseDays == 0) {
          first = x.getDate(0);
          firstValue = gross;
        }
        last = x.getDate(0);
        purchaseDays++;
        if (gross == null) {
          valueNull = true;
        } else {
          value = value.add(gross);
        }
      }
      if (purchases == null) {
        ordersNull = true;
      } else {
        orders += purchases;
      }
      if (x.isNullAt(2)) {
        netNull = true;
      } else {
        net = net.add(x.getDecimal(2));
      }
    }
    return RowFactory.create(r.getString(0), first, last, purchaseDays, valueNull ? null : value, firstValue,
        ordersNull ? null : orders, netNull ? null : net);
  }
}
