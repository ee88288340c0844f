package io.retention.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.lake.DeltaTables;
import io.retention.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProgressTest {
  static SparkSession spark;
  ByteArrayOutputStream out;
  StageContext ctx;

  @BeforeAll
  static void start() {
    spark = SharedSpark.get();
  }

  @BeforeEach
  void shortInterval() {
    System.setProperty(Progress.INTERVAL_PROPERTY, "200");
    out = new ByteArrayOutputStream();
    ctx = new StageContext(new DeltaTables(spark, SharedSpark.tempDir("progress").toString()), "run-p", null,
        new PrintStream(out, true, StandardCharsets.UTF_8), p -> { });
  }

  @AfterEach
  void defaultInterval() {
    System.clearProperty(Progress.INTERVAL_PROPERTY);
  }

  record Done() implements StageResult {
    @Override
    public RunRow runRow() {
      return new RunRow(0, 0, 0, 0, Map.of(), null);
    }
  }

  /** Four tasks of which each sleeps: long enough for several 200 ms intervals on two cores. */
  private static long slowJob(long sleepMs) {
    return JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(1, 2, 3, 4), 4)
        .mapPartitions(it -> {
          Thread.sleep(sleepMs);
          return it;
        }).count();
  }

  private String printed() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean progressThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith(Progress.THREAD_PREFIX) && t.isAlive());
  }

  @Test
  void aSlowSparkJobGetsProgressLinesWithItsTasksDoneOutOfTotalAndItsDescription() throws Exception {
    StageRunner.run(ctx, "slow", () -> {
      slowJob(1000);
      spark.sparkContext().setJobDescription("sleepy partitions");
      try {
        slowJob(1500);
      } finally {
        spark.sparkContext().setJobDescription(null);
      }
      return new Done();
    });

    String text = printed();
    assertThat(text).containsPattern(
        "\\.\\. slow: \\d+ s, Spark job \\d+ \\(\"sleepy partitions\"\\): stage 1/1, tasks [0-4]/4")
        .as("a job without a description of its own is not named after the stage's job group")
        .containsPattern("\\.\\. slow: \\d+ s, Spark job \\d+: stage 1/1, tasks [0-4]/4");
    List<String> progress = Arrays.stream(text.split("\\R")).filter(l -> l.startsWith(".. ")).toList();
    assertThat(text.indexOf("== slow ok")).as("no progress line after the end line")
        .isGreaterThan(text.lastIndexOf(".. slow:"));
    assertThat(progress).allMatch(l -> l.startsWith(".. slow: "));
    assertThat(progressThreadAlive()).isFalse();
  }

  @Test
  void aStageShorterThanTheIntervalPrintsNoProgressLine() throws Exception {
    StageRunner.run(ctx, "fast", () -> {
      Thread.sleep(20);
      return new Done();
    });

    assertThat(printed()).contains("== fast ok").doesNotContain(".. fast");
    assertThat(progressThreadAlive()).isFalse();
  }

  @Test
  void driverSideWorkPostsItsStepAndTheThreadEndsWhenTheStageThrows() {
    IllegalStateException boom = new IllegalStateException("fit diverged");
    assertThatThrownBy(() -> StageRunner.run(ctx, "fit", () -> {
      Progress.step("fitting BG/NBD", 3, 10);
      Thread.sleep(700);
      throw boom;
    })).isSameAs(boom);

    assertThat(printed()).containsPattern("\\.\\. fit: \\d+ s, fitting BG/NBD 3/10");
    assertThat(progressThreadAlive()).as("the reporter stops with a failed stage too").isFalse();
  }

  @Test
  void elapsedTimeReadsInMinutesAndSeconds() {
    assertThat(Progress.elapsed(Duration.ofSeconds(40))).isEqualTo("40 s");
    assertThat(Progress.elapsed(Duration.ofSeconds(70))).isEqualTo("1 min 10 s");
  }
}
