package io.retention.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.app.BenchCommand;
import io.retention.app.JobConfig;
import io.retention.clv.CustomerLifetimeValue;
import io.retention.clv.TimeUnit;
import io.retention.ingest.SourceProfile;
import io.retention.ingest.ValidationRules;
import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.metrics.MetricsStage;
import io.retention.testing.SharedSpark;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The benchmark end to end at two tiny scale points (2,000 and 3,000 orders, 300 and 450 customers, 120 days; the
 * 2,000 point once more before, as the warm-up) in the shared session, each with the real churn training and nightly (horizon 30 days, so 120 days can train):
 * every report section and figure is there and sane, the night is the nightly's stage list read from ops.runs,
 * the peers load exactly the generated orders, and DuckDB's cohort table equals Spark's, whole (which is what makes
 * the Spark/DuckDB ratio a comparison of equal work). No wall-clock thresholds.
 */
class BenchmarkIT {
  private static final ValidationRules RULES = new ValidationRules("UTC", "EUR", List.of("EUR", "GBP", "USD"),
      1_000_000, Instant.now().plus(Duration.ofDays(1)), false);
  /** The nightly's stages, in its order, when the churn model is recent (no retraining). */
  private static final List<String> NIGHT = List.of("ingest", "gates", "hub", "metrics", "clv", "score-churn",
      "export", "backtest", "report");
  private static SparkSession spark;
  private static Path work;
  private static List<Benchmark.Result> points;
  private static Benchmark.Result result;
  private static String report;

  @BeforeAll
  static void runTinyBenchmark() throws Exception {
    spark = SharedSpark.get();
    Path root = SharedSpark.tempDir("bench").resolve("work");
    JobConfig config = JobConfig.load(null, Map.of("shufflePartitions", "2", "churn.horizonDays", "30"));
    BenchOptions o = new BenchOptions(2_000, 300, 120, 7L, BenchOptions.START_DEFAULT, root, 2,
        SourceProfile.load("canonical", "conf/sources"), RULES,
        MetricsStage.Options.defaults(), new CustomerLifetimeValue.Options(null, TimeUnit.WEEK, 12, 0.01, 0.0, 90),
        config.gates(), "unit test");
    points = ScalePoints.run(spark, o, List.of(3_000L, 2_000L), BenchCommand.nightly(config));
    result = points.get(1);
    work = result.options().work();
    report = BenchReport.markdown(points);
  }

  @Test
  void reportHasEverySection() {
    assertThat(report).contains("# Benchmarks", "## Machine", "## Data", "## Per-stage wall time",
        "## Scale points", "## Ingest vs plain loads of the same files", "## The whole night",
        "## Cohort retention: Spark vs DuckDB", "## Targets", "## Where the time goes", "cores (JVM sees)",
        "max heap", "Java", "| ingest |", "| gates (history) |", "| plain Spark copy |", "| DuckDB load |",
        "| metrics |", "| clv |", "| bg/nbd fit |", "| train-churn |", "| nightly |", "peak heap",
        "note: unit test", "| ingest ≤ 2× a plain Spark copy of the same files |",
        "| night, all stages ≤ 0.15 × full pipeline (ingest + metrics + clv) |");
    assertThat(report).containsPattern("(?m)^cohort Spark/DuckDB ratio: [0-9]+\\.[0-9]×$");
    assertThat(result.steps()).allSatisfy(s -> {
      assertThat(s.seconds()).isPositive();
      assertThat(s.peakHeapBytes()).isPositive();
    });
  }

  @Test
  void bothPeersLoadExactlyTheGeneratedOrdersAndTheRatiosAreSane() {
    assertThat(result.step(Benchmark.PLAIN_COPY).rows()).isEqualTo(result.generatedOrders());
    assertThat(result.step(Benchmark.DUCKDB_LOAD).rows()).isEqualTo(result.generatedOrders());
    assertThat(List.of(result.plainCopyRatio(), result.duckLoadRatio()))
        .allSatisfy(x -> assertThat(x).isPositive().isFinite());
    assertThat(report).containsPattern("(?m)^ingest / plain Spark copy: [0-9]+\\.[0-9]×$")
        .containsPattern("(?m)^ingest / DuckDB load: [0-9]+\\.[0-9]×$");
  }

  @Test
  void theNightIsTheNightlysStageListReadFromOpsRuns() {
    NightProfile night = result.night();
    assertThat(night.runId()).startsWith("nightly-");
    assertThat(night.names()).containsExactlyElementsOf(NIGHT);
    assertThat(night.stages()).allSatisfy(s -> assertThat(s.status()).isEqualTo("ok"));
    assertThat(night.stages().get(0).rowsIn()).as("records the night ingested").isEqualTo(result.nightOrders());
    assertThat(List.of(result.nightRatio(), result.incrementalRatio()))
        .allSatisfy(x -> assertThat(x).isPositive().isFinite());
    assertThat(night.seconds()).isEqualTo(night.stages().stream().mapToDouble(NightProfile.Stage::seconds).sum());
    assertThat(report).containsPattern("(?m)^night all stages / full pipeline: [0-9]+\\.[0-9]{3} \\(")
        .containsPattern("(?m)^\\| score-churn \\| ok \\| [0-9.]+ s \\|");
  }

  @Test
  void theNightAddsOneDayAfterOneTrainingAndPublishesItsOutputs() {
    long silver = new DeltaTables(spark, work.resolve("warehouse").toString()).read(Table.PURCHASES).count();
    assertThat(result.nightOrders()).isPositive();
    assertThat(silver).isEqualTo(result.silverRows() + result.nightOrders());
    assertThat(result.step(Benchmark.TRAIN_CHURN).rows()).as("training customers").isPositive();
    String day = result.options().nightDate().toString();
    assertThat(work.resolve("exports/at_risk").resolve(day)).isDirectory();
    assertThat(work.resolve("reports").resolve(day).resolve("index.html")).isRegularFile();
    assertThat(result.metricsOptions().asOf()).isEqualTo(result.options().nightDate());
  }

  @Test
  void eachScalePointHasItsOwnFolderAndEveryStageAFittedGrowth() {
    assertThat(points).extracting(p -> p.options().orders()).containsExactly(2_000L, 3_000L);
    assertThat(points).extracting(p -> p.options().customers()).containsExactly(300L, 450L);
    assertThat(points).extracting(p -> p.options().work().getFileName().toString())
        .containsExactly("orders-2000", "orders-3000");
    assertThat(work.resolveSibling("warm-up-orders-2000").resolve("warehouse")).as("the untimed warm-up run")
        .isDirectory();
    List<ScalePoints.Growth> rows = ScalePoints.growth(points);
    assertThat(rows).extracting(ScalePoints.Growth::name).contains(Benchmark.INGEST, Benchmark.METRICS,
        Benchmark.CLV, "night ingest", "night report");
    assertThat(rows).filteredOn(g -> !g.name().equals(Benchmark.BGNBD_FIT))
        .allSatisfy(g -> assertThat(g.exponent()).as(g.name()).isFinite());
    assertThat(report).containsPattern("(?m)^\\| step \\| 2,[0-9]{3} orders \\| 3,[0-9]{3} orders \\| growth exponent \\|$")
        .containsPattern("(?m)^fastest-growing stage: .+$");
  }

  @Test
  void duckDbCohortTableEqualsSparksWholeTable() {
    CohortBench.Result c = result.cohort();
    Dataset<Row> duck = spark.createDataFrame(c.duckRows(), c.schema());
    Dataset<Row> gold = new DeltaTables(spark, work.resolve("warehouse").toString()).read(Table.COHORT_RETENTION);
    assertThat(c.cells()).isEqualTo(4 + 3 + 2 + 1); // cohorts Jan..Apr 2024, as of the night (Apr 30)
    SharedSpark.assertSameRows(gold, duck);
    Dataset<Row> fromParquet = new CohortBench(spark, result.metricsOptions(), 1)
        .sparkCohorts(work.resolve("purchases-parquet").toString());
    SharedSpark.assertSameRows(fromParquet, duck);
  }
}
