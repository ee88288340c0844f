package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.churn.ChurnRows;
import io.retention.churn.ModelRegistry;
import io.retention.export.ExportCsv;
import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** clv -> train-churn -> score-churn -> export on a CDNOW-sample warehouse (skipped without datasets). */
class ChurnCommandsRunIT {
  private static <T extends SparkCommand> int run(T cmd, String... args) throws Exception {
    new CommandLine(cmd).parseArgs(args);
    JobConfig config = cmd.common.load();
    cmd.validate(config);
    return cmd.run(config, SharedSpark.get());
  }

  @Test
  void nightlyChurnCommandsOnAWarehouse() throws Exception {
    String wh = SharedSpark.tempDir("churn-cmd").toString();
    DeltaTables tables = new DeltaTables(SharedSpark.get(), wh);
    tables.overwrite(Table.PURCHASES, ChurnRows.cdnowSample());
    assertThatThrownBy(() -> run(new ScoreChurnCommand(), "--warehouse", wh)).isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("score-churn: no complete churn model under ");
    org.apache.spark.sql.Row failed = tables.read(Table.RUNS).where("stage = 'score-churn'").first();
    assertThat(failed.<String>getAs("status")).isEqualTo("failed");
    assertThat(failed.<String>getAs("run_id")).startsWith("score-churn-");
    assertThat(failed.<String>getAs("message")).startsWith("score-churn: no complete churn model under ");
    assertThat(run(new ClvCommand(), "--warehouse", wh)).isZero();
    assertThat(run(new TrainChurnCommand(), "--warehouse", wh)).isZero();
    ModelRegistry registry = ModelRegistry.under(wh);
    assertThat(registry.metadata(registry.latest().orElseThrow())).containsKeys("features", "metrics", "training",
        "code_version");
    var eval = tables.read(Table.CHURN_EVALUATION).where("model_version = '" + registry.latest().orElseThrow() + "'");
    assertThat(eval.select("scorer").distinct().count()).isEqualTo(4);
    assertThat(eval.where("chosen AND curve = 'lift'").count()).isEqualTo(10);
    Files.createDirectories(Path.of(registry.root()).resolve("29990101T000000Z")); // a crashed training: no marker
    assertThatThrownBy(() -> run(new ScoreChurnCommand(), "--warehouse", wh, "--model-version", "29990101T000000Z"))
        .isInstanceOf(JobFailure.class).hasMessage("churn model " + Path.of(registry.root()).resolve("29990101T000000Z")
            + " has no _COMPLETE marker: it was not completely written; retrain with train-churn");
    assertThat(run(new ScoreChurnCommand(), "--warehouse", wh)).isZero(); // the newest complete model
    assertThat(run(new ScoreChurnCommand(), "--warehouse", wh)).isZero(); // a rerun replaces the date
    long scored = tables.read(Table.CHURN_SCORES).count();
    assertThat(scored).isPositive();
    assertThat(tables.read(Table.CHURN_FEATURES).count()).isEqualTo(scored);
    assertThat(tables.read(Table.CHURN_SCORES).select("customer_id").distinct().count()).isEqualTo(scored);
    Path out = SharedSpark.tempDir("churn-cmd-export");
    assertThat(run(new ExportCommand(), "--warehouse", wh, "--out", out.toString(), "--top", "25")).isZero();
    Path file = out.resolve("at_risk/1998-06-30/at_risk_1998-06-30.csv");
    assertThat(Files.exists(file)).isTrue();
    assertThat(ExportCsv.read(file)).hasSize(25);
    org.apache.spark.sql.Row exported = tables.read(Table.RUNS).where("stage = 'export'").first();
    assertThat(exported.<String>getAs("status")).isEqualTo("ok");
    assertThat(exported.<Long>getAs("rows_out")).isEqualTo(25L);
    ExportCsv.assertNoContradictions(ExportCsv.read(file));
  }
}
