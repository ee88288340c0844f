package io.retention.ingest;

import static org.apache.spark.sql.functions.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.Columns;
import io.retention.testing.SharedSpark;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real public logs through the project's ingest, with counts checked against independent computations
 * (Spark's own CSV reader for UCI Online Retail, a plain Java scan for CDNOW). Skipped without ../shared.
 */
class RealDataIngestIT {
  static SparkSession spark;
  static Path datasets;

  @BeforeAll
  static void start() {
    datasets = SharedSpark.sharedDatasets();
    assumeTrue(datasets != null, "../shared/datasets absent: skipping the real-data ingest checks");
    spark = SharedSpark.get();
  }

  private static IngestStage.Result ingest(DeltaTables t, String input, String profile, String zone) {
    ValidationRules rules = new ValidationRules(zone, "EUR", List.of("EUR", "GBP", "USD"), 1_000_000,
        Instant.now().plusSeconds(86_400), false);
    return new IngestStage(t, new IngestStage.Options(input, SourceProfile.load(profile, "conf/sources"), rules))
        .run();
  }

  @Test
  void onlineRetailAccountsForEveryLine() {
    String glob = datasets.resolve("online_retail_uci/by-day").toAbsolutePath() + "/*.csv.gz";
    DeltaTables t = new DeltaTables(spark, SharedSpark.tempDir("uci").toString());
    IngestStage.Result r = ingest(t, glob, "online-retail", "Europe/London");

    // independent: Spark's CSV reader over the same files
    Dataset<Row> raw = spark.read().option("header", "true").csv(glob).cache();
    long lines = raw.count();
    Dataset<Row> withCustomer = raw.filter(col("CustomerID").isNotNull());
    long noCustomer = lines - withCustomer.count();
    Dataset<Row> invoices = withCustomer.groupBy("InvoiceNo").agg(
        sum(col("Quantity").cast("decimal(20,0)").multiply(col("UnitPrice").cast("decimal(20,6)"))).as("v"));
    long orders = invoices.count();
    long refunds = invoices.filter(col("v").lt(0)).count();
    long customers = withCustomer.select("CustomerID").distinct().count();

    Dataset<Row> silver = t.read(Table.PURCHASES);
    long silverRefunds = silver.filter(col(Columns.KIND).equalTo(Columns.KIND_REFUND)).count();
    long silverCustomers = silver.select(Columns.CUSTOMER_ID).distinct().count();
    System.err.printf("UCI: %d lines, %d accepted lines, %d orders (%d purchases, %d refunds), %d customers, "
            + "quarantined %s%n", r.books().records(), r.books().accepted(), silver.count(),
        silver.count() - silverRefunds, silverRefunds, silverCustomers, r.books().quarantineByReason());

    assertThat(lines).isEqualTo(541_909);
    assertThat(r.books().records()).isEqualTo(lines);
    assertThat(r.books().linesRead()).isEqualTo(lines + 305); // one header per file
    assertThat(r.books().imbalances()).isEmpty();
    assertThat(r.books().quarantineByReason()).isEqualTo(Map.of("missing_customer_id", noCustomer));
    assertThat(r.books().accepted()).isEqualTo(lines - noCustomer);
    assertThat(r.books().duplicates()).isZero(); // identical lines are summed, not dropped
    assertThat(silver.count()).isEqualTo(orders);
    assertThat(silverRefunds).isEqualTo(refunds);
    assertThat(silverCustomers).isEqualTo(customers);
    raw.unpersist();
  }

  @Test
  void cdnowLoadsAllMasterRows() throws IOException {
    Path file = datasets.resolve("cdnow/CDNOW_master.txt");
    DeltaTables t = new DeltaTables(spark, SharedSpark.tempDir("cdnow").toString());
    IngestStage.Result r = ingest(t, file.toAbsolutePath().toString(), "cdnow", "UTC");

    // independent: a plain scan of the text
    List<String> rows = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).skip(1).toList();
    Set<String> customers = new HashSet<>();
    BigDecimal total = BigDecimal.ZERO;
    for (String l : rows) {
      String[] f = l.trim().split("\\s+");
      customers.add(f[0]);
      total = total.add(new BigDecimal(f[3]));
    }
    Dataset<Row> silver = t.read(Table.PURCHASES);
    System.err.printf("CDNOW: %d rows, %d orders, %d customers, total %s%n", r.books().records(), silver.count(),
        customers.size(), total);
    assertThat(rows).hasSize(69_659);
    assertThat(r.books().records()).isEqualTo(69_659);
    assertThat(r.books().accepted()).isEqualTo(69_659);
    assertThat(r.books().imbalances()).isEmpty();
    assertThat(silver.count()).isEqualTo(69_659);
    assertThat(silver.select(Columns.ORDER_ID).distinct().count()).isEqualTo(69_659);
    assertThat(silver.select(Columns.CUSTOMER_ID).distinct().count()).isEqualTo(customers.size());
    assertThat(silver.agg(sum(Columns.AMOUNT)).first().getDecimal(0)).isEqualByComparingTo(total);
    assertThat(silver.filter(col(Columns.ORDER_ID).equalTo("00001-19970101-1")).count()).isEqualTo(1);
  }
}
