package io.retention.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.Columns;
import io.retention.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StageRunnerTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SharedSpark.get();
  }

  record Done(long in, long out) implements StageResult {
    @Override
    public RunRow runRow() {
      return new RunRow(in, out, 2, 1, Map.of("cells", 7L), "note");
    }
  }

  @Test
  void aStageThatSucceedsGetsAnOkRowWithItsCountsAndAnEndLine() throws Exception {
    DeltaTables tables = new DeltaTables(spark, SharedSpark.tempDir("runner-ok").toString());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StageContext ctx = new StageContext(tables, "run-a", null, new PrintStream(out, true, StandardCharsets.UTF_8),
        p -> { });
    List<String> groups = new ArrayList<>();
    Done d = StageRunner.run(ctx, "metrics", () -> {
      groups.add(spark.sparkContext().getLocalProperty("spark.jobGroup.id"));
      return new Done(10, 4);
    });

    assertThat(d).isEqualTo(new Done(10, 4));
    assertThat(groups).containsExactly("metrics");
    assertThat(spark.sparkContext().getLocalProperty("spark.jobGroup.id")).as("cleared after the stage").isNull();
    Row r = tables.read(Table.RUNS).first();
    assertThat(List.of(r.getAs(Columns.RUN_ID), r.getAs(Columns.STAGE), r.getAs(Columns.STATUS),
        r.getAs(Columns.ROWS_IN), r.getAs(Columns.ROWS_OUT), r.getAs(Columns.ROWS_QUARANTINED),
        r.getAs(Columns.ROWS_DUPLICATE), r.getAs(Columns.MESSAGE)))
        .containsExactly("run-a", "metrics", "ok", 10L, 4L, 2L, 1L, "note");
    assertThat(r.<String, Long>getJavaMap(r.fieldIndex(Columns.COUNTS))).containsExactly(Map.entry("cells", 7L));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("== metrics started (run run-a)").containsPattern(
        "== metrics ok in \\d+\\.\\d s: 10 rows in, 4 rows out");
  }

  @Test
  void aStageThatThrowsGetsAFailedRowWithTheRunIdAndTheExceptionPropagates() {
    DeltaTables tables = new DeltaTables(spark, SharedSpark.tempDir("runner-failed").toString());
    StageContext ctx = new StageContext(tables, "nightly-x", LocalDate.of(2025, 1, 31), System.err, p -> { });
    IllegalStateException boom = new IllegalStateException("clv: silver.purchases holds no purchase\nat all");

    assertThatThrownBy(() -> StageRunner.run(ctx, "clv", () -> {
      throw boom;
    })).isSameAs(boom);

    Row r = tables.read(Table.RUNS).first();
    assertThat(List.of(r.getAs(Columns.RUN_ID), r.getAs(Columns.STAGE), r.getAs(Columns.STATUS),
        r.getAs(Columns.MESSAGE))).containsExactly("nightly-x", "clv", "failed",
        "clv: silver.purchases holds no purchase at all");
    assertThat(spark.sparkContext().getLocalProperty("spark.jobGroup.id")).isNull();
  }

  @Test
  void anUnexpectedFailureIsRecordedAsItsInnermostCause() {
    RuntimeException wrapped = new RuntimeException("outer", new java.io.IOException("disk full"));
    assertThat(Failures.describe(wrapped)).isEqualTo("IOException: disk full");
    assertThat(Failures.describe(new IllegalArgumentException("bad\n  value"))).isEqualTo("bad value");
  }

  @Test
  void theDefaultAsOfDateIsPinnedOrTheLatestPurchaseDayAndItsAbsenceIsOneLine() {
    DeltaTables tables = new DeltaTables(spark, SharedSpark.tempDir("asof").toString());
    assertThat(AsOfDate.resolve(tables, LocalDate.of(2024, 5, 1), "report")).isEqualTo(LocalDate.of(2024, 5, 1));
    assertThatThrownBy(() -> AsOfDate.resolve(tables, null, "report"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("report: silver.purchases does not exist under " + tables.warehouse() + ": run ingest first");
    assertThat(AsOfDate.pinnedOr(null, LocalDate.of(2024, 4, 30))).isEqualTo(LocalDate.of(2024, 4, 30));
    assertThat(AsOfDate.pinnedOr(LocalDate.of(2024, 5, 1), LocalDate.of(2024, 4, 30)))
        .isEqualTo(LocalDate.of(2024, 5, 1));
  }
}
