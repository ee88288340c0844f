package io.retention.app;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_keys;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.to_json;
import static org.assertj.core.api.Assertions.assertThat;

import io.retention.lake.DeltaTables;
import io.retention.lake.StageLedger;
import io.retention.lake.Table;
import io.retention.schema.Columns;
import io.retention.schema.GoldSchemas;
import io.retention.testing.ChildJvm;
import io.retention.testing.SharedSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The nightly's two run-level guarantees, on the real application in child JVMs and the bundled samples merged
 * into ten landing files (3,241 records, 600 customers, two years):
 *
 * <ul>
 *   <li>a nightly killed (the JVM halts like kill -9) at three points, each restart going further: after the
 *       first commit of gold.cohort_retention (metrics has written some of its tables, not all), after clv
 *       finished but before the nightly recorded it, and in export between the complete temporary folder and
 *       its rename, then run to the end, ends with the same tables and the same export file as an uninterrupted
 *       run;</li>
 *   <li>a second nightly on the same data changes nothing: no new Delta commit on any data table, the same
 *       rows in every table, the same files in the export and report folders.</li>
 * </ul>
 *
 * Columns that legitimately differ between two runs are left out of the comparison: wall-clock times
 * ({@code ingested_at}, {@code fitted_at}, the rates' {@code loaded_at}), run ids ({@code run_id}) and the churn model version
 * ({@code model_version}: the registry names a model by its training time). ops.runs is not compared.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NightlyIT {
  static final Set<String> RUN_SPECIFIC = Set.of(Columns.INGESTED_AT, "fitted_at", Columns.RUN_ID,
      "model_version", Columns.EVALUATED_AT, Columns.LOADED_AT);
  static final List<String> HALT_POINTS = List.of("commit:gold/cohort_retention", "nightly.after-clv",
      "export.before-rename");
  static SparkSession spark;
  static Path landing;
  static Path reference;
  static ChildJvm.Outcome uninterrupted;

  @BeforeAll
  static void uninterruptedRun() throws IOException {
    spark = SharedSpark.get();
    landing = mergedSamples(SharedSpark.tempDir("nightly-landing"));
    reference = SharedSpark.tempDir("nightly-ref");
    uninterrupted = nightly(reference, null);
    assertThat(uninterrupted.exitCode()).as(uninterrupted.stderr()).isZero();
  }

  @Test
  @Order(0)
  void everyStageOfTheNightHasItsOwnOkRowUnderTheNightsRunId() {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("all stages ok in [0-9.]+ s since the JVM started \\(warehouse .*, run (nightly-[0-9a-f-]+)\\)")
        .matcher(uninterrupted.stderr());
    assertThat(m.find()).as(uninterrupted.stderr()).isTrue();
    List<Row> rows = tables(reference).read(Table.RUNS).where(col(Columns.RUN_ID).equalTo(m.group(1))
        .and(not(col(Columns.STAGE).startsWith(StageLedger.PREFIX)))).orderBy(Columns.STARTED_AT)
        .select(Columns.STAGE, Columns.STATUS).collectAsList();
    assertThat(rows.stream().map(r -> r.getString(0) + " " + r.getString(1)).toList()).containsExactly(
        "ingest ok", "gates ok", "rates ok", "hub ok", "metrics ok", "clv ok", "train-churn ok", "score-churn ok",
        "export ok", "backtest ok", "report ok");
  }

  /**
   * Every gold table the nightly wrote has the columns, types and order of its contract in
   * {@link GoldSchemas}; Delta stores every column nullable, and a column the contract declares non-null holds
   * no null. (gold.clv_evaluation, not written by the nightly, is built from rows of its contract's schema.)
   */
  @Test
  @Order(0)
  void everyGoldTableHasTheSchemaOfItsContract() {
    DeltaTables t = tables(reference);
    List<Table> checked = new ArrayList<>();
    for (Table table : Table.values()) {
      if (!table.layer().equals("gold") || !t.exists(table)) {
        continue;
      }
      StructType contract = GoldSchemas.of(table);
      Dataset<Row> df = t.read(table);
      assertThat(columns(df.schema())).as(table.qualifiedName()).containsExactlyElementsOf(columns(contract));
      assertThat(df.schema().fields()).as(table.qualifiedName()).allMatch(StructField::nullable);
      for (StructField f : contract.fields()) {
        if (!f.nullable()) {
          assertThat(df.where(col(f.name()).isNull()).count()).as(table.qualifiedName() + "." + f.name()).isZero();
        }
      }
      checked.add(table);
    }
    assertThat(checked).containsExactlyInAnyOrder(Table.CUSTOMERS, Table.CUSTOMER_ACTIVITY, Table.COHORT_RETENTION,
        Table.COHORT_RETENTION_ALL, Table.ROLLING_RETENTION, Table.RETENTION_KPIS, Table.PURCHASE_GAPS, Table.CLV_MODEL, Table.CUSTOMER_CLV, Table.CHURN_FEATURES,
        Table.CHURN_SCORES, Table.CHURN_EVALUATION, Table.AT_RISK_LISTS);
  }

  /** {@code name type} per column, in order (types without nullability). */
  static List<String> columns(StructType s) {
    return java.util.Arrays.stream(s.fields()).map(f -> f.name() + " " + f.dataType().catalogString()).toList();
  }

  @Test
  @Order(1)
  void aNightlyKilledAtThreePointsAndRestartedEndsWithTheTablesOfAnUninterruptedRun() throws IOException {
    Path root = SharedSpark.tempDir("nightly-crash");
    DeltaTables crashed = tables(root);
    for (String point : HALT_POINTS) {
      ChildJvm.Outcome killed = nightly(root, point);
      assertThat(killed.exitCode()).as(killed.stderr()).isEqualTo(137);
      assertThat(killed.stderr()).contains("halting at fault-injection point " + point);
      if (point.startsWith("commit:")) { // metrics stopped half-way: some of its tables written, not all
        assertThat(crashed.read(Table.COHORT_RETENTION).count()).isPositive();
        assertThat(List.of(Table.CUSTOMERS, Table.COHORT_RETENTION, Table.RETENTION_KPIS, Table.PURCHASE_GAPS)
            .stream().filter(crashed::exists).count()).isBetween(1L, 3L);
      }
    }
    Path exportDir = root.resolve("exports/at_risk");
    assertThat(hiddenLeftovers(exportDir)).as("the killed export's temporary folder").isNotEmpty();
    assertThat(visibleFolders(exportDir)).as("no half-written export is visible").isEmpty();

    ChildJvm.Outcome last = nightly(root, null);
    assertThat(last.exitCode()).as(last.stderr()).isZero();
    // metrics and score-churn had completed in the restarted runs, so the last run skips them
    assertThat(last.stderr()).contains("metrics unchanged since run").contains("score-churn unchanged since run");

    DeltaTables expected = tables(reference);
    List<Table> compared = new ArrayList<>();
    for (Table t : Table.values()) {
      if (t == Table.RUNS || !expected.exists(t)) {
        continue;
      }
      assertThat(crashed.exists(t)).as(t.qualifiedName()).isTrue();
      Dataset<Row> reference = expected.read(t);
      assertSameTable(t, comparable(reference, reference), comparable(crashed.read(t), reference));
      compared.add(t);
    }
    assertThat(compared).contains(Table.PURCHASES, Table.CUSTOMERS, Table.PURCHASE_GAPS, Table.CUSTOMER_CLV,
        Table.CLV_MODEL, Table.CHURN_SCORES);
    assertSameExport(exportFile(reference), exportFile(root));
  }

  @Test
  @Order(2)
  void aSecondNightlyForTheSameDataChangesNothing() throws IOException {
    DeltaTables tables = tables(reference);
    StageLedger ledger = new StageLedger(tables);
    Map<Table, Long> versions = ledger.versionsOfAll();
    Map<String, String> files = files(reference.resolve("exports"));
    files.putAll(files(reference.resolve("reports")));
    assertThat(files.keySet()).anyMatch(f -> f.endsWith("index.html")).anyMatch(f -> f.endsWith(".csv"));
    long runs = tables.read(Table.RUNS).count();
    long runsVersion = ledger.version(Table.RUNS);

    // silver's data files moved aside (its log kept) while the second night runs: a scan of silver would fail it
    Path silver = Path.of(tables.path(Table.PURCHASES));
    Path aside = SharedSpark.tempDir("silver-aside");
    List<Path> moved;
    try (Stream<Path> walk = Files.walk(silver)) {
      moved = walk.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList();
    }
    assertThat(moved).isNotEmpty();
    for (int i = 0; i < moved.size(); i++) {
      Files.move(moved.get(i), aside.resolve(i + ".parquet"));
    }
    ChildJvm.Outcome second;
    try {
      second = nightly(reference, null);
    } finally {
      for (int i = 0; i < moved.size(); i++) {
        Files.move(aside.resolve(i + ".parquet"), moved.get(i));
      }
    }
    assertThat(second.exitCode()).as("a night with nothing new reads no silver file: " + second.stderr()).isZero();

    assertThat(ledger.versionsOfAll()).as("no new Delta commit on any data table").isEqualTo(versions);
    for (Map.Entry<Table, Long> v : versions.entrySet()) {
      if (v.getValue() >= 0) { // whole-table compare with the version read before the second run
        Dataset<Row> before = spark.read().format("delta").option("versionAsOf", v.getValue())
            .load(tables.path(v.getKey()));
        SharedSpark.assertSameRows(jsonMaps(before), jsonMaps(tables.read(v.getKey())));
      }
    }
    Map<String, String> filesAfter = files(reference.resolve("exports"));
    filesAfter.putAll(files(reference.resolve("reports")));
    assertThat(filesAfter).isEqualTo(files);
    for (String stage : List.of("metrics", "clv", "score-churn", "export", "backtest", "report")) {
      assertThat(second.stderr()).contains("nightly: " + stage + " unchanged since run nightly-");
    }
    List<Row> added = tables.read(Table.RUNS).orderBy(Columns.FINISHED_AT).offset((int) runs)
        .select(Columns.STAGE, Columns.STATUS).collectAsList();
    assertThat(added.stream().map(r -> r.getString(0) + " " + r.getString(1)).toList()).containsExactly(
        "ingest ok", "gates ok", "hub ok", "nightly:metrics skipped", "nightly:clv skipped",
        "nightly:score-churn skipped", "nightly:export skipped", "nightly:backtest skipped",
        "nightly:report skipped");
    assertThat(ledger.version(Table.RUNS)).as("a night with nothing new makes one commit").isEqualTo(runsVersion + 1);
    assertThat(second.stderr()).contains("state=unchanged", "no new ingest run to check");
  }

  @Test
  @Order(3)
  void aNightFailingAGatePublishesNothingUntilAcceptedThenTheNightGoesOn() throws IOException {
    // a day after the samples: 10 orders, 6 of them with an impossible amount (60 % > the 20 % bound)
    StringBuilder csv = new StringBuilder("order_id,customer_id,order_ts,amount,currency,quantity,kind,channel\n");
    for (int i = 0; i < 10; i++) {
      csv.append("G-").append(i).append(",C000000").append(i).append(",2026-01-05T10:00:00Z,")
          .append(i < 6 ? "12.345" : "20.00").append(",EUR,1,purchase,web\n");
    }
    Path bad = landing.resolve("2026-01-05.csv");
    Files.writeString(bad, csv, StandardCharsets.UTF_8);
    DeltaTables tables = tables(reference);
    Map<Table, Long> before = new StageLedger(tables).versionsOfAll();
    try {
      ChildJvm.Outcome failed = nightly(reference, null);
      assertThat(failed.exitCode()).as(failed.stderr()).isEqualTo(Main.GATE_FAILED);
      assertThat(failed.stderr()).contains("retention: quality gate quarantine_rate failed: quarantine_rate 0.6 > "
          + "0.2; nothing was published");
      Map<Table, Long> after = new StageLedger(tables).versionsOfAll();
      for (Table t : Table.values()) {
        if (t.layer().equals("gold")) {
          assertThat(after.get(t)).as(t.qualifiedName() + " unchanged").isEqualTo(before.get(t));
        }
      }
      assertThat(reference.resolve("exports/at_risk/2026-01-05")).doesNotExist();
      assertThat(reference.resolve("reports/2026-01-05")).doesNotExist();

      ChildJvm.Outcome accepted = nightly(reference, null, "--accept-gates");
      assertThat(accepted.exitCode()).as(accepted.stderr()).isZero();
      assertThat(accepted.stderr()).contains("1 held check(s) accepted by ");
      assertThat(reference.resolve("exports/at_risk/2026-01-05")).isDirectory();
      assertThat(reference.resolve("reports/2026-01-05/index.html")).isRegularFile();
    } finally {
      Files.delete(bad);
    }
  }

  static ChildJvm.Outcome nightly(Path root, String haltAt, String... more) {
    List<String> props = haltAt == null ? List.of() : List.of("-Dretention.haltAt=" + haltAt);
    List<String> args = new ArrayList<>(List.of("nightly", "--warehouse", root.resolve("wh").toString(),
        "--input", landing.toString(), "--set", "export.dir=" + root.resolve("exports"),
        "--set", "report.dir=" + root.resolve("reports"), "--set", "shufflePartitions=2"));
    args.addAll(List.of(more));
    return ChildJvm.main(props, args.toArray(String[]::new));
  }

  static DeltaTables tables(Path root) {
    return new DeltaTables(spark, root.resolve("wh").toString());
  }

  /** data-samples/landing with its daily files concatenated per quarter (fewer files, same records). */
  static Path mergedSamples(Path out) throws IOException {
    Path samples = ChildJvm.projectDir().resolve("data-samples/landing");
    Map<String, List<Path>> quarters = new TreeMap<>();
    try (Stream<Path> s = Files.list(samples)) {
      for (Path p : s.sorted().toList()) {
        String name = p.getFileName().toString();
        if (name.matches("\\d{4}-\\d{2}-\\d{2}\\.csv")) {
          int month = Integer.parseInt(name.substring(5, 7));
          quarters.computeIfAbsent(name.substring(0, 4) + "-q" + ((month - 1) / 3 + 1), k -> new ArrayList<>())
              .add(p);
        } else {
          Files.copy(p, out.resolve(name));
        }
      }
    }
    for (Map.Entry<String, List<Path>> q : quarters.entrySet()) {
      List<String> lines = new ArrayList<>();
      for (Path p : q.getValue()) {
        List<String> file = Files.readAllLines(p, StandardCharsets.UTF_8);
        lines.addAll(lines.isEmpty() ? file : file.subList(1, file.size()));
      }
      Files.write(out.resolve(q.getKey() + ".csv"), lines, StandardCharsets.UTF_8);
    }
    return out;
  }

  /**
   * The table without run-specific columns; maps of doubles (model parameters) as one double column per key of
   * {@code keysFrom} (so they compare approximately), other maps as JSON text.
   */
  static Dataset<Row> comparable(Dataset<Row> df, Dataset<Row> keysFrom) {
    for (String c : RUN_SPECIFIC) {
      df = df.drop(c);
    }
    for (StructField f : df.schema().fields()) {
      if (f.dataType() instanceof MapType m && m.valueType().equals(DataTypes.DoubleType)) {
        List<Row> keys = keysFrom.select(explode(map_keys(col(f.name())))).distinct().orderBy(col("col"))
            .collectAsList(); // a handful of parameter names
        for (Row k : keys) {
          df = df.withColumn(f.name() + "_" + k.getString(0), element_at(col(f.name()), lit(k.getString(0))));
        }
        df = df.drop(f.name());
      }
    }
    return jsonMaps(df);
  }

  static Dataset<Row> jsonMaps(Dataset<Row> df) {
    for (StructField f : df.schema().fields()) {
      if (f.dataType() instanceof MapType) {
        df = df.withColumn(f.name(), to_json(col(f.name())));
      }
    }
    return df;
  }

  /** Same rows; doubles within 1e-9 (both sides sorted by every column, exact-typed columns first). */
  static void assertSameTable(Table t, Dataset<Row> expected, Dataset<Row> actual) {
    assertThat(actual.columns()).as(t.qualifiedName()).containsExactly(expected.columns());
    List<Column> order = new ArrayList<>();
    List<Column> doubles = new ArrayList<>();
    for (StructField f : expected.schema().fields()) {
      boolean floating = f.dataType().equals(DataTypes.DoubleType) || f.dataType().equals(DataTypes.FloatType);
      (floating ? doubles : order).add(col(f.name()));
    }
    order.addAll(doubles);
    Column[] by = order.toArray(new Column[0]);
    try {
      SharedSpark.assertApproxRows(expected.orderBy(by), actual.orderBy(by), 1e-9);
    } catch (AssertionError | RuntimeException e) { // spark-testing-base's diff report itself can fail (NPE)
      throw new AssertionError(t.qualifiedName() + " differs from the uninterrupted run: " + e.getMessage(), e);
    }
  }

  static Path exportFile(Path root) {
    try (Stream<Path> s = Files.walk(root.resolve("exports/at_risk"))) {
      List<Path> csv = s.filter(p -> p.getFileName().toString().startsWith("at_risk_")
          && !p.toString().contains("/.")).toList();
      assertThat(csv).as("export files under " + root).hasSize(1);
      return csv.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Same file name, same header, same rows in the same order (numbers within 1e-9). */
  static void assertSameExport(Path expected, Path actual) throws IOException {
    assertThat(actual.getFileName()).isEqualTo(expected.getFileName());
    assertThat(actual.getParent().getFileName()).isEqualTo(expected.getParent().getFileName());
    List<String> e = Files.readAllLines(expected, StandardCharsets.UTF_8);
    List<String> a = Files.readAllLines(actual, StandardCharsets.UTF_8);
    assertThat(a).hasSameSizeAs(e);
    assertThat(a.get(0)).isEqualTo(e.get(0));
    assertThat(e.size()).as("rows in the export").isGreaterThan(1);
    if (!a.equals(e)) { // only the last digits of a double may differ
      SharedSpark.assertApproxRows(csv(expected), csv(actual), 1e-9);
    }
  }

  private static Dataset<Row> csv(Path file) {
    return spark.read().option("header", "true").option("inferSchema", "true").csv(file.toString()).coalesce(1);
  }

  /** Relative path → SHA-256 of every file under {@code dir}, hidden ones included. */
  static Map<String, String> files(Path dir) {
    Map<String, String> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), StageLedger.sha256(Files.readString(p, StandardCharsets.ISO_8859_1)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static List<String> hiddenLeftovers(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
    }
  }

  static List<String> visibleFolders(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList();
    }
  }
}
