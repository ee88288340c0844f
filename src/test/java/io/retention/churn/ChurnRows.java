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
        amount, "EUR", 1L, kind, scala.jdk.javaapi.CollectionConverters.asScala(new HashMap<>(attributes)), null,
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

  /**
   * UCI Online Retail (by-day files) as silver rows, cleaned as SOURCE.md describes (customer id present, no
   * C/A invoices, Quantity &gt; 0, UnitPrice &gt; 0), one order per invoice (value = sum of Quantity x
   * UnitPrice, date of its earliest line, attribute Country as the online-retail ingest profile keeps it);
   * skips the test when ../shared/datasets is absent.
   */
  public static Dataset<Row> onlineRetail() {
    Path d = SharedSpark.sharedDatasets();
    Path dir = d == null ? null : d.resolve("online_retail_uci/by-day");
    Assumptions.assumeTrue(dir != null && Files.isDirectory(dir), "../shared/datasets absent: skipping");
    Map<String, Object[]> invoices = new java.util.TreeMap<>();
    DateTimeFormatter ts = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.csv.gz")) {
      for (Path f : files) {
        try (java.io.Reader r = new java.io.InputStreamReader(new java.util.zip.GZIPInputStream(
            Files.newInputStream(f)), StandardCharsets.UTF_8)) {
          for (org.apache.commons.csv.CSVRecord rec : org.apache.commons.csv.CSVFormat.RFC4180.builder().setHeader()
              .setSkipHeaderRecord(true).get().parse(r)) {
            String invoice = rec.get("InvoiceNo");
            String customer = rec.get("CustomerID");
            long qty = Long.parseLong(rec.get("Quantity"));
            BigDecimal price = new BigDecimal(rec.get("UnitPrice"));
            if (customer.isEmpty() || invoice.startsWith("C") || invoice.startsWith("A") || qty <= 0
                || price.signum() <= 0) {
              continue;
            }
            String id = customer.endsWith(".0") ? customer.substring(0, customer.length() - 2) : customer;
            LocalDate day = java.time.LocalDateTime.parse(rec.get("InvoiceDate"), ts).toLocalDate();
            BigDecimal value = price.multiply(BigDecimal.valueOf(qty));
            invoices.merge(invoice, new Object[] {id, day, value, rec.get("Country")}, (x, y) -> new Object[] {x[0],
                ((LocalDate) x[1]).isBefore((LocalDate) y[1]) ? x[1] : y[1], ((BigDecimal) x[2]).add(
                (BigDecimal) y[2]), x[3]});
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChurnRows p = new ChurnRows();
    for (Object[] i : invoices.values()) {
      p.add((String) i[0], (LocalDate) i[1], ((BigDecimal) i[2]).setScale(2, java.math.RoundingMode.HALF_UP),
          Map.of("Country", (String) i[3]));
    }
    return p.frame();
  }
}
