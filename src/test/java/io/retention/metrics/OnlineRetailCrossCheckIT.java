package io.retention.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.schema.Columns;
import io.retention.schema.MetricsColumns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * UCI Online Retail (by-day files), cleaned as SOURCE.md describes (customer id present, no C/A invoices,
 * Quantity > 0, UnitPrice > 0), one order per invoice (value = Σ Quantity × UnitPrice, time = earliest line,
 * dates in Europe/London): Spark tables vs the plain-Java computation.
 */
class OnlineRetailCrossCheckIT {
  static final ZoneId LONDON = ZoneId.of("Europe/London");
  static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  static final LocalDate AS_OF = LocalDate.parse("2011-12-09");

  record Invoice(String customer, LocalDateTime first, BigDecimal value, String country) {}

  static Map<String, Invoice> invoices;
  static Dataset<Row> purchases;

  @BeforeAll
  static void load() throws IOException {
    Path shared = SharedSpark.sharedDatasets();
    Path dir = shared == null ? null : shared.resolve("online_retail_uci/by-day");
    Assumptions.assumeTrue(dir != null && Files.isDirectory(dir), "../shared/datasets absent: skipping");
    invoices = new TreeMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.csv.gz")) {
      for (Path f : files) {
        readDay(f);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, Invoice> e : invoices.entrySet()) {
      Invoice i = e.getValue();
      rows.add(RowFactory.create(e.getKey(), i.customer(), Timestamp.from(i.first().atZone(LONDON).toInstant()),
          Date.valueOf(i.first().toLocalDate()), i.value().setScale(2, RoundingMode.HALF_UP), "EUR", 1L,
          Columns.KIND_PURCHASE, CollectionConverters.asScala(Map.of("Country", i.country())), null, "uci", null,
          "uci"));
    }
    purchases = SharedSpark.get().createDataFrame(rows, Schemas.PURCHASES).cache();
  }

  private static void readDay(Path f) throws IOException {
    try (Reader r = new InputStreamReader(new GZIPInputStream(Files.newInputStream(f)), StandardCharsets.UTF_8)) {
      for (CSVRecord rec : CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
        String invoice = rec.get("InvoiceNo");
        String customer = rec.get("CustomerID");
        long qty = Long.parseLong(rec.get("Quantity"));
        BigDecimal price = new BigDecimal(rec.get("UnitPrice"));
        if (customer.isEmpty() || invoice.startsWith("C") || invoice.startsWith("A") || qty <= 0
            || price.signum() <= 0) {
          continue;
        }
        String id = customer.endsWith(".0") ? customer.substring(0, customer.length() - 2) : customer;
        LocalDateTime ts = LocalDateTime.parse(rec.get("InvoiceDate"), TS);
        BigDecimal value = price.multiply(BigDecimal.valueOf(qty));
        invoices.merge(invoice, new Invoice(id, ts, value, rec.get("Country")), (a, b) -> new Invoice(a.customer(),
            a.first().isBefore(b.first()) ? a.first() : b.first(), a.value().add(b.value()), a.country()));
      }
    }
  }

  @Test
  void monthlyCohortTableAndKpisMatchAnIndependentComputation() {
    Set<String> customers = new HashSet<>();
    BigDecimal total = BigDecimal.ZERO;
    List<IndependentMonthlyMetrics.Order> orders = new ArrayList<>();
    for (Invoice i : invoices.values()) {
      customers.add(i.customer());
      total = total.add(i.value());
      orders.add(new IndependentMonthlyMetrics.Order(i.customer(), i.first().toLocalDate(),
          i.value().setScale(2, RoundingMode.HALF_UP), true));
    }
    assertThat(invoices).hasSize(18_532); // SOURCE.md facts of the cleaned data
    assertThat(customers).hasSize(4_338);
    assertThat(total.setScale(2, RoundingMode.HALF_UP)).isEqualByComparingTo("8911407.90");

    IndependentMonthlyMetrics expected = new IndependentMonthlyMetrics(orders, AS_OF, 90);
    MetricsStage.Options o = MetricsStage.Options.defaults(); // as-of = latest purchase day = 2011-12-09
    Dataset<Row> cohorts = CohortRetention.compute(purchases, o)
        .orderBy(MetricsColumns.COHORT, MetricsColumns.PERIOD_INDEX);
    List<Object[]> cohortRows = expected.cohortRows();
    assertThat(cohortRows).hasSize(13 * 14 / 2); // cohorts Dec 2010 .. Dec 2011, each up to Dec 2011
    SharedSpark.assertApproxRows(Fixtures.table(CohortRetentionTest.COHORT_TABLE,
        cohortRows.toArray(new Object[0][])), cohorts, 1e-12);
    Dataset<Row> kpis = RetentionKpis.compute(purchases, o).orderBy(MetricsColumns.PERIOD_START);
    SharedSpark.assertApproxRows(Fixtures.table(RetentionKpisTest.KPI_TABLE,
        expected.kpiRows().toArray(new Object[0][])), kpis, 1e-12);
  }
}
