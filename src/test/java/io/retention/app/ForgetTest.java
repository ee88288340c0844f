package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.retention.erasure.ErasureKey;
import io.retention.export.ExportWriter;
import io.retention.lake.DeltaTables;
import io.retention.lake.IdStatistics;
import io.retention.lake.Table;
import io.retention.report.HtmlReport;
import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** forget's usage errors, and the pieces the erasure relies on (no id in any commit; files rewritten exactly). */
class ForgetTest {
  static final String KEY = "unit-test-erasure-key-0123456789";

  static ForgetCommand parse(String key, String... args) {
    ForgetCommand cmd = new ForgetCommand();
    cmd.keyEnv = key;
    new CommandLine(cmd).parseArgs(args);
    return cmd;
  }

  @Test
  void withoutTheKeyOrWithAMissingOrEmptyFileForgetRefusesWithOneLineAndExitCode2() throws Exception {
    Path dir = SharedSpark.tempDir("forget-usage");
    Path ids = Files.writeString(dir.resolve("ids.txt"), "C-ERASE-7a1\n");
    ForgetCommand noKey = parse(null, "--customers", ids.toString());
    assertThatThrownBy(() -> noKey.validate(noKey.common.load())).isInstanceOf(ConfigException.class)
        .hasMessage("forget needs $RETENTION_ERASURE_KEY set to a key of at least 16 bytes");
    ForgetCommand missing = parse(KEY, "--customers", dir.resolve("nope.txt").toString());
    assertThatThrownBy(() -> missing.validate(missing.common.load())).isInstanceOf(ConfigException.class)
        .hasMessage("--customers: no such file: " + dir.resolve("nope.txt"));
    Path empty = Files.writeString(dir.resolve("empty.txt"), "\n  \n");
    ForgetCommand none = parse(KEY, "--customers", empty.toString());
    assertThatThrownBy(() -> none.validate(none.common.load())).isInstanceOf(ConfigException.class)
        .hasMessage("--customers: " + empty + " holds no customer id");

    assumeThat(System.getenv(ErasureKey.ENV)).as("the test JVM has no erasure key").isNull();
    PrintStream saved = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Main.execute("forget", "--customers", ids.toString(), "--warehouse", dir.resolve("wh").toString());
    } finally {
      System.setErr(saved);
    }
    assertThat(code).isEqualTo(Main.USAGE);
    assertThat(buf.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo("retention: forget needs $RETENTION_ERASURE_KEY set to a key of at least 16 bytes");
    assertThat(Files.exists(dir.resolve("wh"))).as("nothing started").isFalse();
  }

  @Test
  void theIdsAreNormalisedAsIngestDoesAndRepeatsDropped() throws Exception {
    Path f = Files.writeString(SharedSpark.tempDir("forget-ids").resolve("ids.txt"),
        " C-ERASE-7a1 \nC-ERASE-7a1\n\nCafe\u0301-9\n");
    assertThat(ForgetCommand.readIds(f)).containsExactly("C-ERASE-7a1", "Caf\u00e9-9");
  }

  @Test
  void ingestNeedsTheKeyOnceCustomersWereErased() throws Exception {
    Path wh = SharedSpark.tempDir("forget-ingest-key");
    JobConfig config = JobConfig.load(null, Map.of()).withWarehouse(wh.toString());
    assertThat(IngestCommand.erasureKey(config, null)).isNull();
    Files.createDirectories(Path.of(Table.ERASURES.path(wh.toString()), "_delta_log"));
    assertThatThrownBy(() -> IngestCommand.erasureKey(config, null)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("needs $RETENTION_ERASURE_KEY");
    assertThat(IngestCommand.erasureKey(config, KEY)).isEqualTo(ErasureKey.fromEnv(KEY, "x"));
  }

  @Test
  void noIdReachesTheDeltaLogOfATableHoldingIdsNeitherByStatisticsNorByTheDeletesPredicate() throws Exception {
    DeltaTables t = new DeltaTables(SharedSpark.get(), SharedSpark.tempDir("forget-log").toString());
    t.append(Table.PURCHASES, SharedSpark.get().createDataFrame(List.of(
        purchase("O-ERASE-1", "C-ERASE-7a1"), purchase("O-KEEP-1", "C-KEEP-0b2")), Schemas.PURCHASES));
    assertThat(t.properties(Table.PURCHASES)).containsEntry(IdStatistics.STATS_COLUMNS,
        "order_ts,order_date,amount,quantity,line_number");
    Dataset<Row> ids = SharedSpark.get().createDataFrame(List.of(RowFactory.create("C-ERASE-7a1")),
        new StructType().add(Columns.CUSTOMER_ID, DataTypes.StringType));
    assertThat(t.mergeDelete(Table.PURCHASES, ids, Columns.CUSTOMER_ID)).isEqualTo(1);
    t.purge(Table.PURCHASES);
    try (Stream<Path> s = Files.list(Path.of(t.path(Table.PURCHASES), "_delta_log"))) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(p, StandardCharsets.ISO_8859_1)).as(p.toString())
            .doesNotContain("C-ERASE-7a1").doesNotContain("O-ERASE-1").doesNotContain("C-KEEP-0b2");
      }
    }
    assertThat(t.read(Table.PURCHASES).select(Columns.CUSTOMER_ID).as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList()).containsExactly("C-KEEP-0b2");
  }

  @Test
  void anOlderTableWithIdStatisticsInItsLogIsRewrittenOnceAndThenNoFileOfItHoldsAnId() throws Exception {
    Path wh = SharedSpark.tempDir("forget-migrate");
    DeltaTables t = new DeltaTables(SharedSpark.get(), wh.toString());
    // as an older version created it: statistics on every column, the change data feed on
    SharedSpark.get().createDataFrame(List.of(purchase("O-ERASE-1", "C-ERASE-7a1"),
            purchase("O-KEEP-1", "C-KEEP-0b2")), Schemas.PURCHASES)
        .write().format("delta").option("delta.enableChangeDataFeed", "true").save(t.path(Table.PURCHASES));
    assertThat(IdStatistics.needsMigration(t, Table.PURCHASES)).isTrue();
    assertThat(logText(t)).as("the older log keeps min/max ids").contains("C-ERASE-7a1");
    Path ids = Files.writeString(wh.resolve("ids.txt"), "C-ERASE-7a1\n");
    ForgetCommand dry = parse(KEY, "--customers", ids.toString(), "--warehouse", wh.toString(), "--dry-run",
        "--exports", wh.resolve("exports").toString(), "--reports", wh.resolve("reports").toString());
    JobConfig dryConfig = dry.common.load();
    dry.validate(dryConfig);
    assertThat(dry.run(dryConfig, SharedSpark.get())).isZero();
    assertThat(IdStatistics.needsMigration(t, Table.PURCHASES)).as("a dry run changes nothing").isTrue();
    assertThat(t.read(Table.PURCHASES).count()).isEqualTo(2);
    assertThat(t.exists(Table.ERASURES)).isFalse();

    ForgetCommand forget = parse(KEY, "--customers", ids.toString(), "--warehouse", wh.toString(),
        "--vacuum", "--exports", wh.resolve("exports").toString(), "--reports", wh.resolve("reports").toString());
    JobConfig config = forget.common.load();
    forget.validate(config);
    assertThat(forget.run(config, SharedSpark.get())).isZero();
    assertThat(IdStatistics.needsMigration(t, Table.PURCHASES)).isFalse();
    assertThat(t.properties(Table.PURCHASES)).containsEntry("delta.enableChangeDataFeed", "true");
    assertThat(logText(t)).doesNotContain("C-ERASE-7a1").doesNotContain("O-ERASE-1").doesNotContain("C-KEEP-0b2");
    assertThat(t.read(Table.PURCHASES).select(Columns.CUSTOMER_ID).as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList()).containsExactly("C-KEEP-0b2");
    try (Stream<Path> s = Files.walk(wh)) { // no data file either (all small enough to be stored uncompressed)
      for (Path p : s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith("ids.txt")).toList()) {
        assertThat(Files.readString(p, StandardCharsets.ISO_8859_1)).as(p.toString()).doesNotContain("C-ERASE-7a1");
      }
    }
  }

  @Test
  void bronzeRowsWrittenBeforeItHadACustomerIdGetTheColumnOnTheNextIngestAndAreErasedByTheirFields()
      throws Exception {
    Path wh = SharedSpark.tempDir("forget-old-bronze");
    DeltaTables t = new DeltaTables(SharedSpark.get(), wh.toString());
    // bronze as an older version wrote it: no customer_id, every parsed record's fields
    StructType old = new StructType(java.util.Arrays.stream(Schemas.PURCHASE_EVENTS.fields())
        .filter(f -> !f.name().equals(Columns.CUSTOMER_ID)).toArray(org.apache.spark.sql.types.StructField[]::new));
    Timestamp at = Timestamp.valueOf("2024-03-01 00:00:00");
    t.append(Table.PURCHASE_EVENTS, SharedSpark.get().createDataFrame(List.of(
        RowFactory.create("old.csv", 2L, 1, "O-1,C-ERASE-7a1", fields("O-1", "C-ERASE-7a1"), "ingest-old", at),
        RowFactory.create("old.csv", 3L, 1, "O-2,C-KEEP-0b2", fields("O-2", "C-KEEP-0b2"), "ingest-old", at)),
        old));
    Path landing = Files.createDirectories(wh.resolve("landing"));
    Files.writeString(landing.resolve("new.csv"), "order_id,customer_id,order_ts,amount\n"
        + "O-3,C-ERASE-7a1,2024-03-02T10:00:00Z,5.00\nO-4,C-KEEP-0b2,2024-03-02T11:00:00Z,6.00\n");
    new io.retention.ingest.IngestStage(t, new io.retention.ingest.IngestStage.Options(landing.toString(),
        io.retention.ingest.SourceProfile.load("canonical", "conf/sources"), new io.retention.ingest.ValidationRules(
            "UTC", "EUR", List.of("EUR"), 1_000_000, java.time.Instant.parse("2026-01-02T00:00:00Z"), false)),
        ErasureKey.fromEnv(KEY, "x")).run();
    Dataset<Row> bronze = t.read(Table.PURCHASE_EVENTS);
    assertThat(bronze.columns()).contains(Columns.CUSTOMER_ID);
    assertThat(bronze.orderBy(Columns.RAW_RECORD).selectExpr(Columns.CUSTOMER_ID, Columns.FIELDS + "['order_id']")
        .collectAsList().stream().map(Row::toString).toList())
        .containsExactly("[null,O-1]", "[null,O-2]", "[C-ERASE-7a1,null]", "[C-KEEP-0b2,null]");

    Path ids = Files.writeString(wh.resolve("ids.txt"), "C-ERASE-7a1\n");
    ForgetCommand forget = parse(KEY, "--customers", ids.toString(), "--warehouse", wh.toString(),
        "--exports", wh.resolve("exports").toString(), "--reports", wh.resolve("reports").toString());
    JobConfig config = forget.common.load();
    forget.validate(config);
    assertThat(forget.run(config, SharedSpark.get())).isZero();
    assertThat(t.read(Table.PURCHASE_EVENTS).orderBy(Columns.RAW_RECORD).select(Columns.RAW_RECORD)
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactly("O-2,C-KEEP-0b2", "O-4,C-KEEP-0b2,2024-03-02T11:00:00Z,6.00");
  }

  private static scala.collection.Map<String, String> fields(String order, String customer) {
    return scala.jdk.javaapi.CollectionConverters.asScala(Map.of("order_id", order, "customer_id", customer));
  }

  private static String logText(DeltaTables t) throws Exception {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> s = Files.list(Path.of(t.path(Table.PURCHASES), "_delta_log"))) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        sb.append(Files.readString(p, StandardCharsets.ISO_8859_1));
      }
    }
    return sb.toString();
  }

  @Test
  void anExportIsRewrittenWithoutTheRowsItsManifestUpdatedAndEveryOtherByteKept() throws Exception {
    StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("note", DataTypes.StringType);
    Dataset<Row> rows = SharedSpark.get().createDataFrame(List.of(RowFactory.create("C-KEEP-0b2", "a, \"b\"\nc"),
        RowFactory.create("C-ERASE-7a1", "x"), RowFactory.create("C-KEEP-0b3", "y")), schema);
    Path out = SharedSpark.tempDir("forget-export");
    ExportWriter.Written w = ExportWriter.write(rows, out, LocalDate.parse("2025-12-31"), "v1");
    String before = Files.readString(w.localFile());
    org.apache.hadoop.fs.Path folder = new org.apache.hadoop.fs.Path(w.localFolder().toUri());
    assertThat(ExportWriter.countRows(new Configuration(), folder, Set.of("C-ERASE-7a1"))).isEqualTo(1);
    assertThat(ExportWriter.rewriteWithout(new Configuration(), folder, Set.of("C-ERASE-7a1"))).isEqualTo(1);
    String after = Files.readString(w.localFile());
    assertThat(after).isEqualTo(before.replace("C-ERASE-7a1,x\n", "")).doesNotContain("C-ERASE-7a1");
    String manifest = Files.readString(w.localFolder().resolve(ExportWriter.MANIFEST));
    assertThat(manifest).contains("\"rows\" : 2").contains("\"rewritten_at\"")
        .contains(sha256(w.localFile()));
    assertThat(ExportWriter.rewriteWithout(new Configuration(), folder, Set.of("C-ERASE-7a1"))).isZero();
    try (Stream<Path> s = Files.list(out.resolve("at_risk"))) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("2025-12-31");
    }
  }

  @Test
  void aReportLosesTheTableRowsOfTheCustomersAndNothingElse() {
    String html = "<table><tbody><tr><td>C-KEEP-0b2</td><td>1%</td></tr><tr><td>&lt;C&gt;&amp;1</td><td>2%</td></tr>"
        + "<tr><td>C-ERASE-7a1</td><td>3%</td></tr></tbody></table><p>C-ERASE</p>";
    String kept = HtmlReport.withoutRows(html, Set.of("C-ERASE-7a1", "<C>&1"));
    assertThat(kept).isEqualTo("<table><tbody><tr><td>C-KEEP-0b2</td><td>1%</td></tr></tbody></table>"
        + "<p>C-ERASE</p>");
    assertThat(HtmlReport.rowCount(html) - HtmlReport.rowCount(kept)).isEqualTo(2);
  }

  private static String sha256(Path f) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(Files.readAllBytes(f)));
  }

  private static Row purchase(String order, String customer) {
    return RowFactory.create(order, customer, Timestamp.valueOf("2025-01-02 10:00:00"), Date.valueOf("2025-01-02"),
        new BigDecimal("10.00"), "EUR", 1L, "purchase", null, "h-" + order, "f.csv", 2L, "r1");
  }
}
