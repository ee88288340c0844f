package io.retention.clv;

import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Builds silver.purchases-shaped frames (Schemas.PURCHASES) in test code. */
final class PurchaseRows {
  private final List<Row> rows = new ArrayList<>();
  private final Map<String, Integer> perDay = new HashMap<>();

  /** One order of {@code customer} on {@code date} (yyyy-mm-dd); negative amounts are refunds. */
  PurchaseRows add(String customer, String date, String amount) {
    return add(customer, LocalDate.parse(date), new BigDecimal(amount), 1);
  }

  PurchaseRows add(String customer, LocalDate date, BigDecimal amount, long quantity) {
    String key = customer + "-" + date.toString().replace("-", "");
    int k = perDay.merge(key, 1, Integer::sum);
    String kind = amount.signum() < 0 ? Columns.KIND_REFUND : Columns.KIND_PURCHASE;
    rows.add(RowFactory.create(key + "-" + k, customer, Timestamp.valueOf(date.atStartOfDay()), Date.valueOf(date),
        amount, "EUR", quantity, kind, scala.collection.immutable.Map$.MODULE$.empty(), null, "test", 0L, "test"));
    return this;
  }

  Dataset<Row> frame() {
    return SharedSpark.get().createDataFrame(rows, Schemas.PURCHASES);
  }

  /** CDNOW_sample.txt as silver rows: one order per line, order_date = the yyyymmdd date. */
  static Dataset<Row> cdnowSample() {
    PurchaseRows p = new PurchaseRows();
    java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.BASIC_ISO_DATE;
    for (String[] l : CdnowFiles.sampleLines()) {
      p.add(l[0], LocalDate.parse(l[1], f), new BigDecimal(l[3]), Long.parseLong(l[2]));
    }
    return p.frame();
  }
}
