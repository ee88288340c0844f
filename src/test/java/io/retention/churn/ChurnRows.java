package io.retention.churn;

import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Assumptions;

/** silver.purchases-shaped frames (Schemas.PURCHASES) for the churn and export tests. */
public final class ChurnRows {
  private final List<Row> rows = new ArrayList<>();
  private final Map<String, Integer> perDay = new HashMap<>();

  /** One order of {@code customer} on {@code date} (yyyy-mm-dd); negative amounts are refunds. */
  public ChurnRows add(String customer, String date, String amount) {
    return add(customer, LocalDate.parse(date), new BigDecimal(amount));
  }

  public ChurnRows add(String customer, LocalDate date, BigDecimal amount) {
    return add(customer, date, amount, Map.of());
  }

  /** As {@link #add(String, String, String)} with silver {@code attributes} (e.g. country). */
  public ChurnRows add(String customer, String date, String amount, Map<String, String> attributes) {
    return add(customer, LocalDate.parse(date), new BigDecimal(amount), attributes);
  }

  public ChurnRows add(String customer, LocalDate date, BigDecimal amount, Map<String, String> attributes) {
    String key = customer + "-" + date.toString().replace("-", "");
    int k = perDay.merge(key, 1, Integer::sum);
    String kind = amount.signum() < 0 ? Columns.KIND_REFUND : Columns.KIND_PURCHASE;
    rows.add(RowFactory.create(key + "-" + k, customer, Timestamp.valueOf(date.atStartOfDay()), Date.valueOf(date),
        amount, "USD", 1L, kind, scala.jdk.javaapi.CollectionConverters.asScala(new HashMap<>(attributes)), null,
        "test", 0L, "test"));
    return this;
  }

  public Dataset<Row> frame() {
    return SharedSpark.get().createDataFrame(rows, Schemas.PURCHASES);
  }

  /** CDNOW_sample.txt (2,357 customers) as silver rows; skips the test when ../shared/datasets is absent. */
  public static Dataset<Row> cdnowSample() {
    Path d = SharedSpark.sharedDatasets();
    Assumptions.assumeTrue(d != null && Files.isRegularFile(d.resolve("cdnow/CDNOW_sample.txt")),
        "../shared/datasets absent: skipping");
    ChurnRows p = new ChurnRows();
    try {
      for (String l : Files.readAllLines(d.resolve("cdnow/CDNOW_sample.txt"), StandardCharsets.US_ASCII)) {
        String[] f = l.trim().split("\\s+");
        if (f.length == 5) {
          p.add(f[1], LocalDate.parse(f[2], DateTimeFormatter.BASIC_ISO_DATE), new BigDecimal(f[4]));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.frame();
  }
}
