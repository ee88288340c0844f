package io.retention.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.pipeline.StageContext;
import io.retention.pipeline.StageRunner;
import io.retention.testing.SharedSpark;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MetricsStageTest {
  static final List<Table> GOLD = List.of(Table.CUSTOMERS, Table.COHORT_RETENTION, Table.COHORT_RETENTION_ALL,
      Table.ROLLING_RETENTION, Table.RETENTION_KPIS, Table.PURCHASE_GAPS);
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SharedSpark.get();
  }

  @Test
  void rerunGivesIdenticalTables() throws Exception {
    DeltaTables tables = new DeltaTables(spark, SharedSpark.tempDir("metrics-wh").toString());
    tables.overwrite(Table.PURCHASES, CohortRetentionTest.monthlyFixture());
    MetricsStage.Options o = MetricsStage.Options.defaults().withActiveWindowDays(30);

    MetricsStage.Result first = StageRunner.run(context(tables, "run-1"), MetricsStage.STAGE,
        () -> new MetricsStage(tables, o, "run-1").run());
    Map<Table, Dataset<Row>> snapshot = new EnumMap<>(Table.class);
    for (Table t : GOLD) {
      Dataset<Row> df = tables.read(t);
      snapshot.put(t, spark.createDataFrame(df.collectAsList(), df.schema()));
    }
    MetricsStage.Result second = StageRunner.run(context(tables, "run-2"), MetricsStage.STAGE,
        () -> new MetricsStage(tables, o, "run-2").run());

    for (Table t : GOLD) {
      SharedSpark.assertSameRows(snapshot.get(t), tables.read(t));
    }
    assertThat(first.options().asOf()).isEqualTo(LocalDate.parse("2024-03-16"));
    // As of 16 March (March unfinished): all-cohorts rows k0 (January, February), k1 (January) = 2; rolling rows
    // 3 cohorts (January, February, March) × 2 default day counts (7, 30) = 6.
    assertThat(second).isEqualTo(new MetricsStage.Result("run-2", first.options(), 4, 6, 3, 4,
        new CustomerState.Refresh(CustomerState.Mode.UNCHANGED, 0, 0, "", LocalDate.parse("2024-03-16")), 2, 6));
    assertThat(first.state().mode()).isEqualTo(CustomerState.Mode.FULL);
    assertThat(tables.read(Table.RUNS).filter(functions.col("stage").equalTo("metrics")).select("run_id",
        "rows_out").orderBy("run_id").collectAsList().toString()).isEqualTo("[[run-1,4], [run-2,4]]");
  }

  private static StageContext context(DeltaTables tables, String runId) {
    return new StageContext(tables, runId, null, System.err, point -> { });
  }

  @Test
  void optionsRejectBadValuesWithTheValueInTheMessage() {
    assertThatThrownBy(() -> new MetricsStage.Options(Grain.MONTH, null, 0, null, "exact"))
        .hasMessage("activeWindowDays must be at least 1, cannot be: 0");
    assertThatThrownBy(() -> new MetricsStage.Options(Grain.MONTH, null, 90, " ", "exact"))
        .hasMessage("breakdown must name an attributes key, cannot be blank");
    assertThatThrownBy(() -> new MetricsStage.Options(Grain.MONTH, null, 90, null, "fast"))
        .hasMessage("percentiles must be exact or approximate, cannot be: fast");
    assertThatThrownBy(() -> Grain.parse("year"))
        .hasMessage("grain must be one of day, week, month, quarter, cannot be: year");
  }

  @Test
  void inputWithoutTheNeededColumnsFailsBeforeAnyJob() {
    Dataset<Row> bad = CohortRetentionTest.monthlyFixture().drop("kind");
    assertThatThrownBy(() -> CohortRetention.compute(bad, Fixtures.options(Grain.MONTH, "2024-03-01")))
        .hasMessageStartingWith("metrics: input does not fit: missing column kind (available: order_id,");
  }
}
