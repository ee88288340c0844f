package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.testing.ChildJvm;
import io.retention.testing.SharedSpark;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The README's first command, through the real launcher script, on the bundled samples. */
class LauncherIT {
  static String warehouse;
  static ChildJvm.Outcome nightly;

  @BeforeAll
  static void runNightly() {
    warehouse = SharedSpark.tempDir("launcher").toString();
    nightly = ChildJvm.launcher("nightly", "--warehouse", warehouse);
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
  void queryReadsTheTablesAsCsvAndJson() {
    ChildJvm.Outcome json = ChildJvm.launcher("query", "--warehouse", warehouse, "--format", "json", "--sql",
        "select count(*) as orders, count(distinct customer_id) as customers from silver.purchases");
    assertThat(json.exitCode()).as(json.stderr()).isZero();
    assertThat(json.stdout().trim()).isEqualTo("{\"orders\":3196,\"customers\":600}");
    ChildJvm.Outcome csv = ChildJvm.launcher("query", "--warehouse", warehouse, "--format", "csv", "--sql",
        "select reason, count(*) as n from quarantine group by reason order by reason");
    assertThat(csv.stdout().lines().toList()).first().isEqualTo("reason,n");
    assertThat(csv.stdout()).contains("invalid_encoding,").contains("conflicting_duplicate,")
        .contains("missing_column,").contains("future_timestamp,");
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
    ChildJvm.Outcome bad = ChildJvm.launcher("query", "--warehouse", warehouse, "--sql", "selec nothing");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.stderr().lines().filter(l -> l.startsWith("retention: ")).toList()).singleElement()
        .asString().startsWith("retention: query failed: [PARSE_SYNTAX_ERROR]");
    ChildJvm.Outcome conf = ChildJvm.launcher("metrics", "--warehouse", warehouse, "--set", "metrics.grain=fortnight");
    assertThat(conf.exitCode()).isEqualTo(2);
    // the JVM itself warns about the incubator module in Spark's flag list; everything else is one line
    assertThat(conf.stderr().lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList())
        .containsExactly(
        "retention: configuration key retention.metrics.grain = fortnight: must be one of day, week, month, quarter");
  }
}
