package io.retention.app;

import static io.retention.schema.Columns.CUSTOMER_ID;
import static io.retention.schema.Columns.FIELDS;
import static io.retention.schema.Columns.INGEST_RUN_ID;
import static io.retention.schema.Columns.LINE_NUMBER;
import static io.retention.schema.Columns.SOURCE_FILE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.assertj.core.api.Assertions.assertThat;

import io.retention.erasure.ErasureKey;
import io.retention.export.CsvSafety;
import io.retention.ingest.IngestStage;
import io.retention.ingest.SourceProfile;
import io.retention.lake.DeltaTables;
import io.retention.lake.IdStatistics;
import io.retention.lake.Table;
import io.retention.metrics.CustomerState;
import io.retention.metrics.MetricsStage;
import io.retention.schema.Columns;
import io.retention.testing.SharedSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/**
 * The erasure test: a warehouse of the bundled samples after a whole nightly (ingest, metrics, clv, churn, export,
 * report) plus a quarantined record of one of two customers picked from the export's at-risk list (so they are in
 * bronze, silver, quarantine, every per-customer gold table, the export and the report); then
 * {@code forget --vacuum}. Nothing holds their ids afterwards, byte for byte; everybody else's rows are unchanged;
 * the audit has keyed hashes; a rerun is a no-op; a re-landed old record is suppressed with balanced books; and the
 * next metrics run is incremental and equals a full rebuild.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ForgetIT {
  static final String KEY = "forget-it-erasure-key-0123456789";
  static SparkSession spark;
  static Path root;
  static DeltaTables tables;
  static List<String> ids;
  static Map<Table, Long> before = new HashMap<>();
  static Map<Table, Long> erasedBefore = new HashMap<>();
  static Path remaining;
  static String firstForget;

  private static <T extends SparkCommand> int run(T cmd, String... args) throws Exception {
    new CommandLine(cmd).parseArgs(args);
    JobConfig config = cmd.common.load();
    cmd.validate(config);
    return cmd.run(config, spark);
  }

  private static String[] common(String... more) {
    List<String> a = new ArrayList<>(List.of("--warehouse", root.resolve("wh").toString(),
        "--set", "export.dir=" + root.resolve("exports"), "--set", "report.dir=" + root.resolve("reports"),
        "--set", "shufflePartitions=2"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  static SourceProfile profile() {
    return SourceProfile.load("canonical", io.retention.testing.ChildJvm.projectDir().resolve("conf/sources").toString());
  }

  @BeforeAll
  static void warehouseOfAWholeNight() throws Exception {
    spark = SharedSpark.get();
    root = SharedSpark.tempDir("forget-it");
    tables = new DeltaTables(spark, root.resolve("wh").toString());
    String cache = System.getProperty("forgetit.cache"); // development only: reuse the night's warehouse
    if (cache != null && Files.isDirectory(Path.of(cache))) {
      copyTree(Path.of(cache), root);
    } else {
      Path landing = NightlyIT.mergedSamples(SharedSpark.tempDir("forget-landing"));
      assertThat(run(new NightlyCommand(), common("--input", landing.toString()))).isZero();
      if (cache != null) {
        copyTree(root, Path.of(cache));
      }
    }

    List<String> csv = Files.readAllLines(NightlyIT.exportFile(root), StandardCharsets.UTF_8);
    int column = List.of(csv.get(0).split(",")).indexOf(CUSTOMER_ID);
    ids = List.of(csv.get(1).split(",")[column], csv.get(2).split(",")[column]);
    assertThat(ids).allMatch(i -> i.matches("C\\d{7}"));
    // a quarantined record of the first one (an amount that is not a number)
    Path extra = SharedSpark.tempDir("forget-extra");
    Files.writeString(extra.resolve("extra.csv"), "order_id,customer_id,order_ts,amount,currency,quantity,kind,"
        + "country,channel\nO-EXTRA-1," + ids.get(0) + ",2025-06-01T10:00:00Z,abc,EUR,1,purchase,FR,app\n");
    new IngestStage(tables, IngestCommand.options(JobConfig.load(null, Map.of()), profile(),
        extra.toString())).run();

    for (Table t : IdStatistics.HOLDING_IDS) {
      assertThat(tables.exists(t)).as(t.qualifiedName()).isTrue();
      before.put(t, tables.read(t).count());
      long n = erased(t).count();
      erasedBefore.put(t, n);
      assertThat(n).as("the customers are in " + t.qualifiedName()).isPositive();
    }
    assertThat(containing(root.resolve("exports"))).as("in the export").isNotEmpty();
    assertThat(containing(root.resolve("reports"))).as("in the report").isNotEmpty();
    remaining = SharedSpark.tempDir("forget-remaining");
    for (Table t : List.of(Table.PURCHASES, Table.CUSTOMERS, Table.CHURN_SCORES)) {
      tables.read(t).where(org.apache.spark.sql.functions.not(functionsIsin()))
          .write().parquet(remaining.resolve(t.tableName()).toString());
    }
    Path file = SharedSpark.tempDir("forget-ids").resolve("ids.txt");
    Files.writeString(file, "  " + ids.get(0) + "\n\n" + ids.get(1) + "\n" + ids.get(0) + "\n");
    firstForget = forget(file);
  }

  /** The rows of {@code t} that belong to the two customers (bronze by its customer id, quarantine via bronze). */
  static Dataset<Row> erased(Table t) {
    Column idsCol = functionsIsin();
    if (t == Table.PURCHASE_EVENTS) {
      // by the id ingest read, or the parsed field of a record that failed validation, or a whole token of a
      // record that was not parsed
      Column unparsed = ids.stream().map(i -> col(CUSTOMER_ID).isNull().and(col(FIELDS).isNull())
          .and(col(Columns.RAW_RECORD).rlike("(^|[,\\s\"])" + i + "($|[,\\s\"])"))).reduce(Column::or)
          .orElseThrow();
      Column id = org.apache.spark.sql.functions.coalesce(col(CUSTOMER_ID), col(FIELDS).getItem(CUSTOMER_ID));
      return tables.read(t).where(id.isin(ids.toArray()).or(unparsed))
          .withColumn(CUSTOMER_ID, org.apache.spark.sql.functions.coalesce(id, org.apache.spark.sql.functions.lit("?")))
          .alias("e");
    }
    if (t == Table.QUARANTINE) {
      Dataset<Row> bronze = erased(Table.PURCHASE_EVENTS).select(SOURCE_FILE, LINE_NUMBER, INGEST_RUN_ID,
          CUSTOMER_ID);
      return tables.read(t).join(bronze, new String[] {SOURCE_FILE, LINE_NUMBER, INGEST_RUN_ID}).alias("e");
    }
    return tables.read(t).where(idsCol).alias("e");
  }

  private static Column functionsIsin() {
    return col(CUSTOMER_ID).isin(ids.toArray());
  }

  @Test
  @Order(1)
  void noFileUnderTheWarehouseExportsOrReportsHoldsAnErasedIdNorDoesAnyParquetCell() throws IOException {
    assertThat(firstForget).contains("silver.purchases").contains("old files vacuumed");
    assertThat(containing(root.resolve("wh"))).as("warehouse files holding an erased id (raw bytes)").isEmpty();
    assertThat(containing(root.resolve("exports"))).as("exports holding an erased id").isEmpty();
    assertThat(containing(root.resolve("reports"))).as("reports holding an erased id").isEmpty();
    List<String> cells = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root.resolve("wh"))) {
      for (Path p : s.filter(p -> p.toString().endsWith(".parquet")).toList()) {
        Dataset<Row> df = spark.read().parquet(p.toString());
        Dataset<Row> json = df.select(to_json(struct(col("*"))).as("j"));
        for (String id : ids) {
          if (json.where(col("j").contains("\"" + id + "\"")).count() > 0) {
            cells.add(p + " holds " + id);
          }
        }
      }
    }
    assertThat(cells).as("parquet cells equal to an erased id").isEmpty();
    for (Table t : IdStatistics.HOLDING_IDS) { // every version still readable holds none either
      long latest = tables.delta(t).history(1).select("version").first().getLong(0);
      for (long v = 0; v <= latest; v++) {
        long n;
        try {
          n = spark.read().format("delta").option("versionAsOf", v).load(tables.path(t))
              .select(to_json(struct(col("*"))).as("j")).where(ids.stream().map(i -> col("j").contains(i))
                  .reduce(Column::or).orElseThrow()).count();
        } catch (Exception gone) { // vacuumed: the version cannot be read back
          continue;
        }
        assertThat(n).as(t.qualifiedName() + " version " + v).isZero();
      }
    }
  }

  @Test
  @Order(2)
  void everybodyElsesRowsAreUnchanged() {
    for (Table t : IdStatistics.HOLDING_IDS) {
      assertThat(tables.read(t).count()).as(t.qualifiedName()).isEqualTo(before.get(t) - erasedBefore.get(t));
    }
    for (Table t : List.of(Table.PURCHASES, Table.CUSTOMERS, Table.CHURN_SCORES)) {
      SharedSpark.assertSameRows(comparable(spark.read().parquet(remaining.resolve(t.tableName()).toString())),
          comparable(tables.read(t)));
    }
  }

  /** Map columns as JSON text (maps cannot be compared). */
  static Dataset<Row> comparable(Dataset<Row> df) {
    Dataset<Row> out = df;
    for (var f : df.schema().fields()) {
      if (f.dataType() instanceof org.apache.spark.sql.types.MapType) {
        out = out.withColumn(f.name(), to_json(org.apache.spark.sql.functions.map_from_entries(
            org.apache.spark.sql.functions.array_sort(org.apache.spark.sql.functions.map_entries(col(f.name()))))));
      }
    }
    return out;
  }

  /** The latest version of {@code t} that is not a VACUUM's own START/END commit (VACUUM changes no data). */
  static long dataVersion(Table t) {
    return tables.delta(t).history().where(org.apache.spark.sql.functions.not(col("operation").startsWith("VACUUM")))
        .agg(org.apache.spark.sql.functions.max("version")).first().getLong(0);
  }

  @Test
  @Order(3)
  void theAuditHoldsKeyedHashesAndCountsNeverTheIds() {
    List<Row> audit = tables.read(Table.ERASURES).collectAsList();
    assertThat(audit).hasSize(2);
    ErasureKey key = ErasureKey.fromEnv(KEY, "test");
    assertThat(audit.stream().map(r -> r.getString(r.fieldIndex(Columns.CUSTOMER_HASH))))
        .containsExactlyInAnyOrder(key.hash(ids.get(0)), key.hash(ids.get(1)))
        .noneMatch(h -> ids.stream().anyMatch(h::contains));
    for (Row r : audit) {
      Map<String, Long> counts = r.getJavaMap(r.fieldIndex(Columns.COUNTS));
      assertThat(counts.get(Table.PURCHASES.qualifiedName())).isPositive();
      assertThat(counts.get("exports")).isPositive();
    }
    assertThat(CsvSafety.pseudonym(KEY.getBytes(StandardCharsets.UTF_8), ids.get(0))).isEqualTo(
        key.hash(ids.get(0)));
  }

  @Test
  @Order(4)
  void forgettingAgainChangesNothing() throws Exception {
    Map<Table, Long> versions = new HashMap<>();
    for (Table t : IdStatistics.HOLDING_IDS) {
      versions.put(t, dataVersion(t));
    }
    Path file = SharedSpark.tempDir("forget-ids-2").resolve("ids.txt");
    Files.writeString(file, String.join("\n", ids) + "\n");
    String printed = forget(file);
    assertThat(printed).contains("silver.purchases").doesNotContainPattern("\\s[1-9]\\d* rows removed");
    for (Table t : IdStatistics.HOLDING_IDS) {
      assertThat(dataVersion(t)).as(t.qualifiedName() + ": no commit besides VACUUM's").isEqualTo(versions.get(t));
    }
  }

  @Test
  @Order(5)
  void aReLandedOldRecordIsSuppressedAndTheNextMetricsRunIsIncrementalAndEqualsAFullRebuild() throws Exception {
    Path landing = SharedSpark.tempDir("forget-relanded");
    Files.writeString(landing.resolve("late.csv"), "order_id,customer_id,order_ts,amount,currency,quantity,kind,"
        + "country,channel\nO-LATE-1," + ids.get(1) + ",2025-05-01T10:00:00Z,12.50,EUR,1,purchase,FR,app\n"
        + "O-LATE-2,C-NEW-0001,2025-12-30T10:00:00Z,20.00,EUR,1,purchase,FR,app\n");
    IngestStage.Result r = new IngestStage(tables, IngestCommand.options(JobConfig.load(null, Map.of()),
        profile(), landing.toString()), ErasureKey.fromEnv(KEY, "test")).run();
    assertThat(r.books().suppressed()).isEqualTo(1);
    assertThat(r.books().accepted()).isEqualTo(1);
    assertThat(r.books().imbalances()).isEmpty();
    assertThat(r.books().statement()).contains("+ 1 suppressed (balanced)");
    assertThat(r.runRow().counts()).containsEntry("suppressed", 1L);
    assertThat(containing(root.resolve("wh"))).as("the suppressed record is stored nowhere").isEmpty();

    MetricsStage.Result inc = new MetricsStage(tables, MetricsStage.Options.defaults(), "after-forget").run();
    assertThat(inc.state().mode()).as(inc.state().note()).isEqualTo(CustomerState.Mode.INCREMENTAL);
    Dataset<Row> incremental = tables.read(Table.CUSTOMER_ACTIVITY).localCheckpoint();
    Dataset<Row> customers = tables.read(Table.CUSTOMERS).localCheckpoint();
    new MetricsStage(tables, MetricsStage.Options.defaults(), "full", true).run();
    SharedSpark.assertSameRows(comparable(tables.read(Table.CUSTOMER_ACTIVITY)), comparable(incremental));
    SharedSpark.assertSameRows(comparable(tables.read(Table.CUSTOMERS)), comparable(customers));
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** {@code forget --customers file --vacuum} with the key; its stderr. */
  static String forget(Path file) throws Exception {
    java.io.PrintStream saved = System.err;
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      ForgetCommand forget = new ForgetCommand();
      forget.keyEnv = KEY;
      assertThat(run(forget, common("--customers", file.toString(), "--vacuum"))).isZero();
    } finally {
      System.setErr(saved);
      saved.print(buf.toString(StandardCharsets.UTF_8));
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  /** Every file under {@code dir} whose raw bytes hold one of the ids. */
  static List<String> containing(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        for (String id : ids) {
          if (text.contains(id)) {
            out.add(root.relativize(p) + " holds " + id);
          }
        }
      }
    }
    return out;
  }
}
