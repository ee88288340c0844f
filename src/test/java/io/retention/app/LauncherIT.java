package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.testing.ChildJvm;
import io.retention.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The README's first command, through the real launcher script, on the bundled samples. */
class LauncherIT {
  /** An ISO date-time with zone at the start of a log line, e.g. {@code 2026-12-06T06:36:49.400Z}. */
  private static final String ISO_LINE = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) .*";
  /** Folders and files Spark (or Hive's Derby) would leave in the working directory. */
  private static final String[] STRAY = {"spark-warehouse", "metastore_db", "derby.log"};
  static String warehouse;
  static Path logDir;
  static ChildJvm.Outcome nightly;

  @BeforeAll
  static void runNightly() throws IOException {
    for (String stray : STRAY) { // left by an older version: the runs below must not create them again
      Path p = ChildJvm.projectDir().resolve(stray);
      if (Files.exists(p)) {
        try (var files = Files.walk(p)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
    warehouse = SharedSpark.tempDir("launcher").toString();
    logDir = SharedSpark.tempDir("launcher-logs");
    nightly = launcher(20, "nightly", "--warehouse", warehouse);
  }

  /** jobs/retention with its log folder in a temporary folder. */
  private static ChildJvm.Outcome launcher(int timeoutMinutes, String... args) {
    return ChildJvm.script(Map.of("RETENTION_LOG_DIR", logDir.toString()), timeoutMinutes, "jobs/retention", args);
  }

  @Test
  void nightlyRunsEveryStageOnTheSamples() {
    assertThat(nightly.exitCode()).as(nightly.stderr()).isZero();
    assertThat(nightly.stderr())
        .contains("3241 records = 3196 accepted + 42 quarantined + 3 duplicates (balanced)")
        .contains("nightly: all stages ok").contains("score-churn  ok").contains("export       ok");
    assertThat(nightly.stdout()).isEmpty(); // summaries go to stderr
  }

  @Test
  void statusSummarisesTheNightOnStdout() {
    ChildJvm.Outcome status = launcher(10, "status", "--warehouse", warehouse);
    assertThat(status.exitCode()).as(status.stderr()).isZero();
    List<String> lines = status.stdout().lines().toList();
    assertThat(lines.get(0)).matches("last nightly nightly-[0-9a-f]{8} on \\S+: ok \\(.+\\)");
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));
    assertThat(lines.stream().map(l -> l.trim().split(" +")[0]).toList())
        .containsSubsequence("ingest", "metrics", "clv", "train-churn", "score-churn", "export", "backtest",
            "report");
  }

  @Test
  void theConsoleGetsDatedLogLinesWithoutLibraryNoise() {
    assertThat(nightly.stderr()).doesNotContain("WindowExec").doesNotContain("No Partition Defined")
        .doesNotContain("Truncated the string representation").doesNotContain("netlib")
        .doesNotContain("NativeCodeLoader");
    assertThat(nightly.stderr().lines().filter(l -> l.matches("^\\S+ (INFO|WARN|ERROR) .*")))
        .isNotEmpty().allMatch(l -> l.matches(ISO_LINE));
  }

  @Test
  void aFailingCommandPrintsOneLineAndTheLogFileWithItsStackTrace() throws IOException {
    ChildJvm.Outcome failed = launcher(10, "query", "--warehouse", warehouse, "--sql",
        "select raise_error('boom') from range(1)");
    assertThat(failed.exitCode()).isEqualTo(1);
    Path log = logDir.resolve("retention-" + LocalDate.now() + ".log");
    // one line naming the cause, one naming the log file: no stack trace, no Spark task-failure report
    assertThat(failed.stderr().lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList())
        .hasSize(2).satisfies(lines -> {
          assertThat(lines.get(0)).startsWith("retention: ").contains("[USER_RAISED_EXCEPTION] boom");
          assertThat(lines.get(1)).isEqualTo("retention: the stack trace is in " + log + " (--verbose prints it here)");
        });
    assertThat(Files.readString(log)).contains("ERROR failure: retention: ").contains("Exception in task")
        .contains("\tat org.apache.spark.");
  }

  @Test
  void queryReadsTheTablesAsCsvAndJson() {
    ChildJvm.Outcome json = launcher(10, "query", "--warehouse", warehouse, "--format", "json", "--sql",
        "select count(*) as orders, count(distinct customer_id) as customers from silver.purchases");
    assertThat(json.exitCode()).as(json.stderr()).isZero();
    assertThat(json.stdout().trim()).isEqualTo("{\"orders\":3196,\"customers\":600}");
    ChildJvm.Outcome csv = launcher(10, "query", "--warehouse", warehouse, "--format", "csv", "--sql",
        "select reason, count(*) as n from quarantine group by reason order by reason");
    assertThat(csv.stdout().lines().toList()).first().isEqualTo("reason,n");
    assertThat(csv.stdout()).contains("invalid_encoding,").contains("conflicting_duplicate,")
        .contains("missing_column,").contains("future_timestamp,");
    for (String stray : STRAY) { // the launcher's working directory is the project folder
      assertThat(ChildJvm.projectDir().resolve(stray)).doesNotExist();
    }
  }

  @Test
  void catalogRegistersTheTablesInDerbyUnderTheWarehouse() {
    ChildJvm.Outcome catalog = launcher(10, "catalog", "--warehouse", warehouse);
    assertThat(catalog.exitCode()).as(catalog.stderr()).isZero();
    assertThat(catalog.stderr()).contains("== catalog ok").contains("catalog gold.churn_scores")
        .doesNotContain("Hive SerDe"); // the metastore's note on Delta tables goes to the log file only
    assertThat(Path.of(warehouse, "_catalog", "metastore_db")).isDirectory();
    for (String stray : STRAY) {
      assertThat(ChildJvm.projectDir().resolve(stray)).doesNotExist();
    }
  }

  @Test
  void queryRefusesAWriteWithOneLineAndExitTwo() {
    ChildJvm.Outcome write = ChildJvm.launcher("query", "--warehouse", warehouse, "--sql",
        "delete from silver.purchases");
    assertThat(write.exitCode()).as(write.stderr()).isEqualTo(2);
    assertThat(write.stderr().lines().filter(l -> l.startsWith("retention: ")).toList()).containsExactly(
        "retention: query: refused: DELETE FROM TABLE - query is read-only (SELECT, SHOW, DESCRIBE, EXPLAIN)");
  }

  @Test
  void badSqlAndBadConfigFailWithOneLine() {
    ChildJvm.Outcome bad = launcher(10, "query", "--warehouse", warehouse, "--sql", "selec nothing");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.stderr().lines().filter(l -> l.startsWith("retention: ")).toList()).singleElement()
        .asString().startsWith("retention: query failed: [PARSE_SYNTAX_ERROR]");
    ChildJvm.Outcome conf = launcher(10, "metrics", "--warehouse", warehouse, "--set", "metrics.grain=fortnight");
    assertThat(conf.exitCode()).isEqualTo(2);
    // the JVM itself warns about the incubator module in Spark's flag list; everything else is one line
    assertThat(conf.stderr().lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList())
        .containsExactly(
        "retention: configuration key retention.metrics.grain = fortnight: must be one of day, week, month, quarter");
  }
}
