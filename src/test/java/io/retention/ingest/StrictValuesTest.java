package io.retention.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.assertj.core.api.Assertions.assertThat;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.Columns;
import io.retention.testing.SharedSpark;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fixtures of src/test/resources/hostile/strict (see its README): impossible values are refused. */
class StrictValuesTest {
  static final Path FIXTURES = Path.of("src/test/resources/hostile/strict");
  static SparkSession spark;
  static DeltaTables tables;
  static IngestStage.Result result;

  @BeforeAll
  static void ingest() throws IOException {
    spark = SharedSpark.get();
    Path in = SharedSpark.tempDir("strict");
    for (String f : List.of("strict-values.csv", "strict.jsonl")) {
      Files.copy(FIXTURES.resolve(f), in.resolve(f));
    }
    tables = new DeltaTables(spark, SharedSpark.tempDir("wh").toString());
    result = new IngestStage(tables, new IngestStage.Options(in.toString(),
        SourceProfile.load("canonical", "conf/sources"), IngestFixtures.RULES)).run();
  }

  private static Row q(String file, long line, String reason) {
    return RowFactory.create(file, line, reason);
  }

  @Test
  void impossibleValuesAreQuarantinedWithTheirReason() {
    StructType schema = new StructType().add("file", DataTypes.StringType)
        .add(Columns.LINE_NUMBER, DataTypes.LongType).add(Columns.REASON, DataTypes.StringType);
    String csv = "strict-values.csv";
    String json = "strict.jsonl";
    Dataset<Row> expected = spark.createDataFrame(List.of(
        q(csv, 2, "invalid_timestamp"), q(csv, 3, "invalid_timestamp"), q(csv, 4, "invalid_timestamp"),
        q(csv, 5, "invalid_timestamp"), q(csv, 6, "invalid_timestamp"), q(csv, 7, "invalid_timestamp"),
        q(csv, 9, "timestamp_too_old"), q(csv, 10, "timestamp_too_old"),
        q(csv, 12, "invalid_amount"), q(csv, 13, "invalid_amount"),
        q(csv, 19, "invalid_id"), q(csv, 20, "invalid_id"), q(csv, 21, "invalid_id"), q(csv, 22, "invalid_id"),
        q(csv, 26, "invalid_id"), q(csv, 28, "invalid_id"), q(csv, 29, "invalid_id"),
        q(json, 2, "malformed_record"), q(json, 3, "malformed_record"), q(json, 4, "malformed_record"),
        q(json, 5, "invalid_id"), q(json, 7, "invalid_amount")), schema);
    Dataset<Row> actual = tables.read(Table.QUARANTINE).select(
        regexp_extract(col(Columns.SOURCE_FILE), "[^/]+$", 0).as("file"), col(Columns.LINE_NUMBER),
        col(Columns.REASON));
    SharedSpark.assertSameRows(expected, actual);
  }

  @Test
  void acceptedValuesAreExactAndIdsNormalised() {
    StructType schema = new StructType().add(Columns.ORDER_ID, DataTypes.StringType)
        .add(Columns.CUSTOMER_ID, DataTypes.StringType).add(Columns.AMOUNT, DataTypes.createDecimalType(18, 2));
    Dataset<Row> expected = spark.createDataFrame(List.of(
        p("S7", "c1", "1.00"), p("S10", "c1", "1.00"), p("S13", "c1", "1.10"), p("S14", "c1", "1.10"),
        p("S15", "c1", "1.00"), p("S16", "c1", "100.00"), p("S17", "c1", "1.10"), p("S22", "c2", "1.00"),
        p("S23", "\u00e9", "1.00"), p("S24", "\u00e9", "1.00"), p("S26", "y".repeat(128), "1.00"),
        p("J1", "c1", "2.50"), p("J6", "42", "0.50")), schema);
    SharedSpark.assertSameRows(expected,
        tables.read(Table.PURCHASES).select(Columns.ORDER_ID, Columns.CUSTOMER_ID, Columns.AMOUNT));
  }

  private static Row p(String order, String customer, String amount) {
    return RowFactory.create(order, customer, new BigDecimal(amount));
  }

  @Test
  void theBooksBalance() {
    assertThat(result.books().imbalances()).isEmpty();
    assertThat(result.books().statement()).isEqualTo(
        "2 files, 37 lines read: 35 records = 13 accepted + 22 quarantined + 0 duplicates (balanced)");
    assertThat(result.books().quarantineByReason()).isEqualTo(Map.of("invalid_timestamp", 6L,
        "timestamp_too_old", 2L, "invalid_amount", 3L, "invalid_id", 8L, "malformed_record", 3L));
  }

  @Test
  void messagesNameTheProblem() {
    SourceProfile canonical = SourceProfile.load("canonical", "conf/sources");
    Validation v = new Validation(canonical, IngestFixtures.RULES);
    assertThat(v.check(Map.of("order_id", "O1", "customer_id", "c\u202Ex", "order_ts", "2024-03-01",
        "amount", "1")).detail()).isEqualTo("customer id holds U+202E, a format character (at character 2)");
    assertThat(v.check(Map.of("order_id", "O1", "customer_id", "c", "order_ts", "2024-03-01",
        "amount", "1.001", "currency", "gbp")).detail()).isEqualTo("amount 1.001 has more decimals than GBP allows (2)");
    assertThat(v.check(Map.of("order_id", "O1", "customer_id", "c", "order_ts", "1900-01-01",
        "amount", "1")).detail())
        .isEqualTo("timestamp 1900-01-01T00:00:00Z is before ingest.earliestOrderDate 1990-01-01");
    assertThat(v.check(Map.of("order_id", "O".repeat(5), "customer_id", "c", "order_ts", "2024-03-01",
        "amount", "1")).reason()).isNull();
    ValidationRules shortIds = new ValidationRules("UTC", "EUR", List.of("EUR"), 1e6,
        Instant.parse("2026-01-02T00:00:00Z"), false, LocalDate.of(2024, 3, 2), 4);
    Validation strict = new Validation(canonical, shortIds);
    assertThat(strict.check(Map.of("order_id", "O".repeat(5), "customer_id", "c", "order_ts", "2024-03-02",
        "amount", "1")).detail()).isEqualTo("order id is 5 characters long, more than ingest.maxIdLength = 4");
    assertThat(strict.check(Map.of("order_id", "O1", "customer_id", "c", "order_ts", "2024-03-01T23:59:59Z",
        "amount", "1")).reason()).isEqualTo(Reason.TIMESTAMP_TOO_OLD);
  }

  /** Every built-in profile's patterns read their valid timestamps and refuse impossible ones. */
  @Test
  void profilePatternsAreStrict() {
    assertThat(StrictTimestamps.prolepticYear("yyyy-MM-dd'T'HH:mm 'y'")).isEqualTo("uuuu-MM-dd'T'HH:mm 'y'");
    StrictTimestamps cdnow = new StrictTimestamps(List.of("yyyyMMdd"), java.time.ZoneOffset.UTC);
    assertThat(cdnow.parse("19970101")).isEqualTo(Instant.parse("1997-01-01T00:00:00Z"));
    assertThat(cdnow.parse("19970230")).isNull();
    StrictTimestamps retail = new StrictTimestamps(List.of("yyyy-MM-dd HH:mm[:ss]", "M/d/yyyy H:mm"),
        java.time.ZoneOffset.UTC);
    assertThat(retail.parse("12/1/2010 8:26")).isEqualTo(Instant.parse("2010-12-01T08:26:00Z"));
    assertThat(retail.parse("2/29/2011 8:26")).isNull();
    assertThat(retail.parse("2011-06-01 24:00")).isNull();
    assertThat(retail.parse("2011-06-01 23:60")).isNull();
  }
}
