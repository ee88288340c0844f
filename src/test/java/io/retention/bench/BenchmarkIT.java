package io.retention.bench;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The benchmark end to end on a tiny generated history (2,000 orders, 300 customers, 120 days) in the shared
 * session: every report section is there, and DuckDB's cohort table equals Spark's, whole, on that data (which
 * is what makes the Spark/DuckDB ratio a comparison of equal work).
 */
class BenchmarkIT {
  private static final ValidationRules RULES = new ValidationRules("UTC", "EUR", List.of("EUR", "GBP", "USD"),
      1_000_000, Instant.now().plus(Duration.ofDays(1)), false);
  private static SparkSession spark;
  private static Path work;
  private static Benchmark.Result result;
  private static String report;

  @BeforeAll
  static void runTinyBenchmark() throws Exception {
    spark = SharedSpark.get();
    work = SharedSpark.tempDir("bench").resolve("work");
    BenchOptions o = new BenchOptions(2_000, 300, 120, 7L, BenchOptions.START_DEFAULT, work, 2,
        SourceProfile.load("canonical", "conf/sources"), RULES,
        MetricsStage.Options.defaults(), new CustomerLifetimeValue.Options(null, TimeUnit.WEEK, 12, 0.01, 0.0, 90),
        "unit test");
    result = new Benchmark(spark, o).run();
    report = BenchReport.markdown(result);
  }

  @Test
  void reportHasEverySection() {
    assertThat(report).contains("# Benchmarks", "## Machine", "## Data", "## Per-stage wall time",
        "## Incremental night", "## Cohort retention: Spark vs DuckDB", "## Targets",
        "## Where the time goes", "cores (JVM sees)", "max heap", "Java", "| ingest |", "| metrics |",
        "| clv |", "| night ingest |", "| night metrics |", "| bg/nbd fit |", "peak heap",
        "incremental/full ratio (ingest + metrics): ", "note: unit test");
    assertThat(report).containsPattern("(?m)^cohort Spark/DuckDB ratio: [0-9]+\\.[0-9]×$");
    assertThat(result.steps()).allSatisfy(s -> {
      assertThat(s.seconds()).isPositive();
      assertThat(s.peakHeapBytes()).isPositive();
    });
  }

  @Test
  void theNightAddsOneDayAndIngestReadsOnlyItsFile() {
    long silver = new DeltaTables(spark, work.resolve("warehouse").toString()).read(Table.PURCHASES).count();
    assertThat(result.nightOrders()).isPositive();
    assertThat(silver).isEqualTo(result.silverRows() + result.nightOrders());
    // lines read by the night's ingest = the new file's orders (+ header)
    assertThat(result.step(Benchmark.NIGHT_INGEST).rows()).isBetween(result.nightOrders(),
        result.nightOrders() + 1);
    assertThat(result.metricsOptions().asOf()).isEqualTo(result.options().nightDate());
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
