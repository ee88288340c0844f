package io.retention.ingest;

import static org.apache.spark.sql.functions.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.Columns;
import io.retention.testing.JobCounter;
import io.retention.testing.SharedSpark;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.EnumMap;
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
import scala.jdk.javaapi.CollectionConverters;

class IngestStageTest {
  static SparkSession spark;
  static Path landing;
  static DeltaTables tables;
  static IngestStage.Result first;

  @BeforeAll
  static void ingestFixtures() {
    spark = SharedSpark.get();
    landing = IngestFixtures.landing(SharedSpark.tempDir("landing").resolve("in"));
    tables = new DeltaTables(spark, SharedSpark.tempDir("wh").toString());
    first = ingest(tables, landing.toString());
  }

  static IngestStage.Result ingest(DeltaTables t, String input) {
    return new IngestStage(t, new IngestStage.Options(input, SourceProfile.load("canonical", "conf/sources"),
        IngestFixtures.RULES)).run();
  }

  private static Row order(String id, String cust, String ts, String date, String amount, String cur, long qty,
      String kind, String channel) {
    return RowFactory.create(id, cust, Timestamp.from(java.time.Instant.parse(ts)), Date.valueOf(date),
        new BigDecimal(amount), cur, qty, kind, CollectionConverters.asScala(Map.of("channel", channel)));
  }

  @Test
  void silverHoldsExactlyTheValidOrders() {
    StructType schema = tables.read(Table.PURCHASES).select(Columns.ORDER_ID, Columns.CUSTOMER_ID, Columns.ORDER_TS,
        Columns.ORDER_DATE, Columns.AMOUNT, Columns.CURRENCY, Columns.QUANTITY, Columns.KIND,
        Columns.ATTRIBUTES).schema();
    String[] rest = java.util.Arrays.copyOfRange(schema.fieldNames(), 1, schema.fieldNames().length - 1);
    Dataset<Row> expected = spark.createDataFrame(List.of(
        order("A1", "c1", "2024-03-01T10:00:00Z", "2024-03-01", "10.00", "EUR", 1, "purchase", "web"),
        order("A2", "c1", "2024-03-01T12:30:00Z", "2024-03-01", "5.50", "EUR", 2, "purchase", "shop, Berlin"),
        order("A3", "c2", "2024-03-02T07:00:00Z", "2024-03-02", "-4.00", "GBP", 1, "refund", "web"),
        order("A4", "c2", "2024-03-03T09:00:00Z", "2024-03-03", "0.00", "USD", 1, "purchase", "multi\nline"),
        order("C1", "c4", "2024-03-04T10:00:00Z", "2024-03-04", "7.25", "EUR", 3, "purchase", "app"),
        order("C4", "c5", "2024-03-04T00:00:00Z", "2024-03-04", "1.00", "EUR", 1, "purchase", "web"),
        order("J1", "c1", "2024-03-06T08:00:00Z", "2024-03-06", "12.50", "USD", 1, "purchase", "app")), schema);
    SharedSpark.assertSameRows(withJsonAttributes(expected, rest),
        withJsonAttributes(tables.read(Table.PURCHASES), rest));
  }

  @Test
  void everyRejectedRecordIsQuarantinedWithItsReason() {
    StructType schema = new StructType().add("file", DataTypes.StringType).add(Columns.LINE_NUMBER, DataTypes.LongType)
        .add(Columns.REASON, DataTypes.StringType);
    Dataset<Row> expected = spark.createDataFrame(List.of(
        RowFactory.create("day1.csv", 8L, "missing_order_id"),
        RowFactory.create("day1.csv", 9L, "missing_customer_id"),
        RowFactory.create("day1.csv", 10L, "invalid_timestamp"),
        RowFactory.create("day1.csv", 11L, "future_timestamp"),
        RowFactory.create("day1.csv", 12L, "invalid_amount"),
        RowFactory.create("day1.csv", 13L, "amount_out_of_range"),
        RowFactory.create("day1.csv", 14L, "invalid_quantity"),
        RowFactory.create("day1.csv", 15L, "currency_not_allowed"),
        RowFactory.create("day1.csv", 16L, "invalid_kind"),
        RowFactory.create("day1.csv", 17L, "wrong_column_count"),
        RowFactory.create("day1.csv", 19L, "conflicting_duplicate"),
        RowFactory.create("day2.csv", 3L, "invalid_encoding"),
        RowFactory.create("day2.csv", 4L, "malformed_record"),
        RowFactory.create("noamount.csv", 2L, "missing_column"),
        RowFactory.create("day3.jsonl.gz", 2L, "malformed_record"),
        RowFactory.create("day3.jsonl.gz", 3L, "malformed_record")), schema);
    Dataset<Row> actual = tables.read(Table.QUARANTINE).select(
        regexp_extract(col(Columns.SOURCE_FILE), "[^/]+$", 0).as("file"), col(Columns.LINE_NUMBER),
        col(Columns.REASON));
    SharedSpark.assertSameRows(expected, actual);
    assertThat(tables.read(Table.QUARANTINE).filter(col(Columns.REASON).equalTo("conflicting_duplicate"))
        .first().<String>getAs(Columns.DETAIL)).matches("order id A2 already read at .*/day1.csv:3 with different content");
  }

  @Test
  void bronzeKeepsEveryRecordsCustomerIdAndTheSourceFieldsOfTheRecordsThatFailedValidation() {
    StructType schema = new StructType().add("file", DataTypes.StringType).add(Columns.LINE_NUMBER, DataTypes.LongType)
        .add(Columns.CUSTOMER_ID, DataTypes.StringType).add("order_field", DataTypes.StringType);
    // order_field: the order id in the kept fields; null where no fields are kept
    Dataset<Row> expected = spark.createDataFrame(List.of(
        RowFactory.create("day1.csv", 2L, "c1", null), // passed validation: its values are in silver
        RowFactory.create("day1.csv", 3L, "c1", null),
        RowFactory.create("day1.csv", 4L, "c2", null),
        RowFactory.create("day1.csv", 5L, "c2", null),
        RowFactory.create("day1.csv", 8L, "c3", ""), // missing_order_id: fields kept, the empty order id too
        RowFactory.create("day1.csv", 9L, null, "B2"), // missing_customer_id
        RowFactory.create("day1.csv", 10L, "c3", "B3"),
        RowFactory.create("day1.csv", 11L, "c3", "B4"),
        RowFactory.create("day1.csv", 12L, "c3", "B5"),
        RowFactory.create("day1.csv", 13L, "c3", "B6"),
        RowFactory.create("day1.csv", 14L, "c3", "B7"),
        RowFactory.create("day1.csv", 15L, "c3", "B8"),
        RowFactory.create("day1.csv", 16L, "c3", "B9"),
        RowFactory.create("day1.csv", 17L, null, null), // wrong_column_count: not parsed
        RowFactory.create("day1.csv", 18L, "c1", null), // the duplicate and the conflicting duplicate passed
        RowFactory.create("day1.csv", 19L, "c9", null), // validation: the classifier judged them
        RowFactory.create("day2.csv", 2L, "c4", null),
        RowFactory.create("day2.csv", 3L, null, null), // invalid_encoding
        RowFactory.create("day2.csv", 4L, null, null), // malformed_record
        RowFactory.create("day2.csv", 5L, "c5", null),
        RowFactory.create("noamount.csv", 2L, null, null), // missing_column: not parsed
        RowFactory.create("day3.jsonl.gz", 1L, "c1", null),
        RowFactory.create("day3.jsonl.gz", 2L, null, null),
        RowFactory.create("day3.jsonl.gz", 3L, null, null)), schema);
    Dataset<Row> bronze = tables.read(Table.PURCHASE_EVENTS);
    SharedSpark.assertSameRows(expected, bronze.select(regexp_extract(col(Columns.SOURCE_FILE), "[^/]+$", 0)
        .as("file"), col(Columns.LINE_NUMBER), col(Columns.CUSTOMER_ID),
        col(Columns.FIELDS).getItem("order_id").as("order_field")));
    assertThat(bronze.filter(col(Columns.LINE_NUMBER).equalTo(13)).first().<scala.collection.Map<String, String>>
        getAs(Columns.FIELDS).get("amount").get()).isEqualTo("2000000");
  }

  @Test
  void theBooksBalancePerFile() {
    IngestAccounting b = first.books();
    assertThat(b.imbalances()).isEmpty();
    Map<String, IngestAccounting.FileBook> byName = new java.util.HashMap<>();
    b.files().forEach(f -> byName.put(f.file().replaceAll(".*/", ""), f));
    assertThat(byName).containsOnlyKeys("day1.csv", "day2.csv", "noamount.csv", "day3.jsonl.gz");
    IngestAccounting.FileBook d1 = byName.get("day1.csv");
    // 19 physical lines = 1 header + 1 blank + 17 in 16 records (A4 spans two)
    assertThat(List.of(d1.linesRead(), d1.headerLines(), d1.blankLines(), d1.records(), d1.accepted(),
        d1.quarantined(), d1.duplicates())).containsExactly(19L, 1L, 1L, 16L, 4L, 11L, 1L);
    IngestAccounting.FileBook d2 = byName.get("day2.csv");
    // the unterminated quote of line 4 costs only line 4: line 5 (C4) is a record of its own
    assertThat(List.of(d2.linesRead(), d2.records(), d2.accepted(), d2.quarantined()))
        .containsExactly(5L, 4L, 2L, 2L);
    assertThat(b.statement()).isEqualTo(
        "4 files, 29 lines read: 24 records = 7 accepted + 16 quarantined + 1 duplicates (balanced)");
    assertThat(first.ordersInserted()).isEqualTo(7);
    assertThat(tables.read(Table.PURCHASE_EVENTS).count()).isEqualTo(24);
  }

  @Test
  void reRunningChangesNoTableAndAReplayedFileOnlyAddsDuplicates() throws Exception {
    DeltaTables t = new DeltaTables(spark, SharedSpark.tempDir("wh").toString());
    Path in = IngestFixtures.landing(SharedSpark.tempDir("landing2").resolve("in"));
    ingest(t, in.toString());
    Map<Table, Long> versions = versions(t);
    IngestStage.Result again = ingest(t, in.toString());
    assertThat(again.filesSkipped()).isEqualTo(4);
    assertThat(versions(t)).isEqualTo(versions);

    Files.setLastModifiedTime(in.resolve("day1.csv"), java.nio.file.attribute.FileTime.fromMillis(1_000_000L));
    IngestStage.Result touched = ingest(t, in.toString());
    assertThat(touched.books().files()).isEmpty(); // same path and content hash: recognised, skipped
    assertThat(versions(t)).isEqualTo(versions);

    Path replay = SharedSpark.tempDir("replay");
    Files.writeString(replay.resolve("day1-again.csv"), IngestFixtures.DAY1);
    IngestStage.Result r = ingest(t, replay.toString());
    assertThat(r.books().accepted()).isZero();
    assertThat(r.books().duplicates()).isEqualTo(5); // A1, A2, A3, A4 and the replayed A1 line
    assertThat(r.books().quarantined()).isEqualTo(11);
    assertThat(t.read(Table.PURCHASES).count()).isEqualTo(7);
  }

  @Test
  void aRunWithNoNewFileStartsNoSparkJobAndAnotherCommitToTheLedgerIsSeen() throws Exception {
    DeltaTables t = new DeltaTables(spark, SharedSpark.tempDir("wh").toString());
    Path in = IngestFixtures.landing(SharedSpark.tempDir("landing-idle").resolve("in"));
    try (JobCounter counter = JobCounter.start(spark)) {
      ingest(t, in.toString());
      assertThat(counter.drain()).as("Spark jobs of the first run").isPositive();
      IngestStage.Result idle = ingest(t, in.toString());
      assertThat(counter.drain()).as("Spark jobs of a run with no new file").isZero();
      assertThat(idle.filesSkipped()).isEqualTo(4);
      assertThat(idle.books().files()).isEmpty();
    }
    // a commit the index did not see (day2.csv's ledger row deleted) is read from the table: day2.csv again
    t.delta(Table.INGESTED_FILES).delete(col(Columns.FILE_PATH).endsWith("day2.csv"));
    IngestStage.Result after = ingest(t, in.toString());
    assertThat(after.books().files()).extracting(f -> f.file().replaceAll(".*/", "")).containsExactly("day2.csv");
    assertThat(after.books().accepted()).isZero(); // its orders are in silver already
  }

  @Test
  void sameOrderIdWithOtherContentThanSilverIsQuarantined() throws Exception {
    DeltaTables t = new DeltaTables(spark, SharedSpark.tempDir("wh").toString());
    Path in = SharedSpark.tempDir("conflict");
    Files.writeString(in.resolve("a.csv"), "order_id,customer_id,order_ts,amount\nX1,c1,2024-01-01,5.00\n");
    ingest(t, in.toString());
    Path in2 = SharedSpark.tempDir("conflict2");
    Files.writeString(in2.resolve("b.csv"), "order_id,customer_id,order_ts,amount\nX1,c1,2024-01-01,6.00\n");
    IngestStage.Result r = ingest(t, in2.toString());
    assertThat(r.books().quarantineByReason()).isEqualTo(Map.of("conflicting_duplicate", 1L));
    assertThat(t.read(Table.QUARANTINE).first().<String>getAs(Columns.DETAIL))
        .startsWith("order id X1 is already in silver.purchases (ingest run ingest-");
    assertThat(t.read(Table.PURCHASES).first().<BigDecimal>getAs(Columns.AMOUNT)).isEqualByComparingTo("5.00");
  }

  /**
   * {@code in} with day1 again, A3's amount changed (conflicting, and again on its own line: still conflicting with
   * the first A3, not a duplicate of the changed one) and one new order Z1.
   */
  private static Path withReplay(Path in) throws java.io.IOException {
    Files.writeString(in.resolve("day9-replay.csv"), IngestFixtures.DAY1.replace("-4.00", "-4.50")
        + "A3,c2,2024-03-02T09:00:00+02:00,-4.50,GBP,1,refund,web\r\n"
        + "Z1,c5,2024-03-05T10:00:00Z,3.00,EUR,1,purchase,web\r\n");
    return in;
  }

  /**
   * Ingesting one file per batch (each its own run id and commits) gives the same tables, outcomes and books as
   * one batch; a replay of day1 in a later file is judged against silver in one case and within the batch in the
   * other, with the same outcome for every record.
   */
  @Test
  void oneFilePerBatchGivesTheSameTablesAsOneBatch() throws Exception {
    Path in = withReplay(IngestFixtures.landing(SharedSpark.tempDir("batches").resolve("in")));
    DeltaTables one = new DeltaTables(spark, SharedSpark.tempDir("wh").toString());
    DeltaTables perFile = new DeltaTables(spark, SharedSpark.tempDir("wh").toString());
    SourceProfile canonical = SourceProfile.load("canonical", "conf/sources");
    IngestStage.Result a = new IngestStage(one, new IngestStage.Options(in.toString(), canonical,
        IngestFixtures.RULES)).run();
    IngestStage.Result b = new IngestStage(perFile, new IngestStage.Options(in.toString(), canonical,
        IngestFixtures.RULES, 1)).run();

    assertThat(a.batchRunIds()).containsExactly(a.runId());
    assertThat(b.batchRunIds()).hasSize(5).doesNotHaveDuplicates();
    assertThat(b.books().files()).containsExactlyInAnyOrderElementsOf(a.books().files());
    assertThat(b.books().quarantineByReason()).isEqualTo(a.books().quarantineByReason());
    // the replay: A1 (twice), A2, A4 duplicates; A3 (twice) and the second A2 conflicting; Z1 new
    assertThat(List.of(a.books().duplicates(), a.books().quarantineByReason().get("conflicting_duplicate"),
        a.ordersInserted())).containsExactly(first.books().duplicates() + 4, 4L, first.ordersInserted() + 1);
    assertThat(b.ordersInserted()).isEqualTo(a.ordersInserted());
    String[] silver = {Columns.ORDER_ID, Columns.CUSTOMER_ID, Columns.ORDER_TS, Columns.AMOUNT, Columns.KIND,
        Columns.CONTENT_HASH, Columns.SOURCE_FILE, Columns.LINE_NUMBER};
    SharedSpark.assertSameRows(one.read(Table.PURCHASES).selectExpr(silver),
        perFile.read(Table.PURCHASES).selectExpr(silver));
    String[] quarantine = {Columns.RAW_RECORD, Columns.REASON, Columns.SOURCE_FILE, Columns.LINE_NUMBER};
    SharedSpark.assertSameRows(one.read(Table.QUARANTINE).selectExpr(quarantine),
        perFile.read(Table.QUARANTINE).selectExpr(quarantine));
    String[] bronze = {Columns.SOURCE_FILE, Columns.LINE_NUMBER, Columns.LINE_COUNT, Columns.RAW_RECORD,
        Columns.CUSTOMER_ID, "to_json(" + Columns.FIELDS + ") AS fields_json"};
    SharedSpark.assertSameRows(one.read(Table.PURCHASE_EVENTS).selectExpr(bronze),
        perFile.read(Table.PURCHASE_EVENTS).selectExpr(bronze));
    assertThat(perFile.read(Table.PURCHASES).select(Columns.INGEST_RUN_ID).distinct().count()).isGreaterThan(1);
    // every batch that finished removed its in-flight mark
    for (DeltaTables t : List.of(one, perFile)) {
      try (java.util.stream.Stream<Path> marks = Files.list(Path.of(t.warehouse(), BatchAppends.MARKS))) {
        assertThat(marks).isEmpty();
      }
    }
  }

  /**
   * The contested-ids path (only ids read twice or already in silver go through the window) and the window over
   * every record give the same tables, outcomes and books, on a batch with in-batch duplicates and conflicts and
   * again on a later batch judged against silver.
   */
  @Test
  void judgingOnlyContestedIdsGivesTheSameTablesAsTheWindowOverEveryRecord() throws Exception {
    Path in = withReplay(IngestFixtures.landing(SharedSpark.tempDir("contested").resolve("in")));
    Path later = SharedSpark.tempDir("contested-later");
    Files.writeString(later.resolve("day10.csv"), IngestFixtures.DAY1.replace("-4.00", "-4.75")
        + "Z2,c6,2024-03-06T10:00:00Z,7.00,EUR,1,purchase,web\r\n");
    SourceProfile canonical = SourceProfile.load("canonical", "conf/sources");
    DeltaTables contested = new DeltaTables(spark, SharedSpark.tempDir("wh").toString());
    DeltaTables window = new DeltaTables(spark, SharedSpark.tempDir("wh").toString());
    for (String input : List.of(in.toString(), later.toString())) {
      IngestStage.Result a = new IngestStage(contested, new IngestStage.Options(input, canonical,
          IngestFixtures.RULES, IngestStage.Options.BATCH_BYTES_DEFAULT, 1000)).run();
      IngestStage.Result b = new IngestStage(window, new IngestStage.Options(input, canonical,
          IngestFixtures.RULES, IngestStage.Options.BATCH_BYTES_DEFAULT, 0)).run();
      assertThat(a.books().files()).containsExactlyInAnyOrderElementsOf(b.books().files());
      assertThat(a.books().quarantineByReason()).isEqualTo(b.books().quarantineByReason());
      assertThat(a.ordersInserted()).isEqualTo(b.ordersInserted());
    }
    assertThat(contested.read(Table.QUARANTINE).filter("reason = 'conflicting_duplicate'").count()).isEqualTo(6);
    String[] silver = {Columns.ORDER_ID, Columns.CUSTOMER_ID, Columns.ORDER_TS, Columns.AMOUNT, Columns.KIND,
        Columns.CONTENT_HASH, Columns.SOURCE_FILE, Columns.LINE_NUMBER, Columns.INGEST_RUN_ID};
    SharedSpark.assertSameRows(contested.read(Table.PURCHASES).selectExpr(silver),
        window.read(Table.PURCHASES).selectExpr(silver));
    String[] quarantine = {Columns.RAW_RECORD, Columns.REASON, Columns.DETAIL, Columns.SOURCE_FILE,
        Columns.LINE_NUMBER};
    SharedSpark.assertSameRows(contested.read(Table.QUARANTINE).selectExpr(quarantine),
        window.read(Table.QUARANTINE).selectExpr(quarantine));
  }

  /** Largest file first into the lightest group; at least the minimum count, one group per 64 bytes here. */
  @Test
  void extractionTasksGetGroupsOfAboutEqualSize() {
    List<LandingFiles.Landed> files = List.of(new LandingFiles.Landed("a", 50, 0), new LandingFiles.Landed("b", 40, 0),
        new LandingFiles.Landed("c", 30, 0), new LandingFiles.Landed("d", 20, 0), new LandingFiles.Landed("e", 10, 0),
        new LandingFiles.Landed("f", 0, 0));
    // 150 bytes: 3 groups of at most 64; d joins c (30), e joins b (40), empty f joins the first of three at 50
    assertThat(IngestStage.groups(files, 2, 64)).containsExactly(List.of("a", "f"), List.of("b", "e"),
        List.of("c", "d"));
    assertThat(IngestStage.groups(files, 8, 1 << 20)).hasSize(6); // never more groups than files
    assertThat(IngestStage.groups(files.subList(0, 1), 4, 64)).containsExactly(List.of("a"));
  }

  @Test
  void batchesAreConsecutiveFilesUpToTheByteLimit() {
    List<LandingFiles.Landed> f = List.of(new LandingFiles.Landed("a", 60, 0), new LandingFiles.Landed("b", 40, 0),
        new LandingFiles.Landed("c", 1, 0), new LandingFiles.Landed("d", 500, 0), new LandingFiles.Landed("e", 5, 0));
    assertThat(IngestStage.batches(f, 100)).extracting(l -> l.stream().map(LandingFiles.Landed::path).toList())
        .containsExactly(List.of("a", "b"), List.of("c"), List.of("d"), List.of("e"));
    assertThat(IngestStage.batches(List.of(), 100)).isEmpty();
  }

  /** Maps cannot be compared by Spark: compare their JSON. */
  static Dataset<Row> withJsonAttributes(Dataset<Row> df, String[] rest) {
    return df.select(java.util.stream.Stream.concat(java.util.stream.Stream.concat(
        java.util.stream.Stream.of(col(Columns.ORDER_ID)),
        java.util.Arrays.stream(rest).map(org.apache.spark.sql.functions::col)),
        java.util.stream.Stream.of(to_json(col(Columns.ATTRIBUTES)).as("attributes_json")))
        .toArray(org.apache.spark.sql.Column[]::new));
  }

  static Map<Table, Long> versions(DeltaTables t) {
    Map<Table, Long> v = new EnumMap<>(Table.class);
    for (Table table : List.of(Table.PURCHASE_EVENTS, Table.PURCHASES, Table.QUARANTINE, Table.INGESTED_FILES)) {
      v.put(table, t.delta(table).history(1).first().<Long>getAs("version"));
    }
    return v;
  }
}
