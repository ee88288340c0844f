package io.retention.app;

import io.retention.churn.ChurnScorer;
import io.retention.churn.ModelRegistry;
import io.retention.lake.DeltaTables;
import io.retention.lake.RunLog;
import io.retention.lake.StageRun;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code score-churn}: scores the active customers with the newest complete model into gold.churn_scores. */
@Command(name = "score-churn", mixinStandardHelpOptions = true,
    description = "Score churn risk with the newest registered model; writes gold.churn_scores for the date.")
public final class ScoreChurnCommand extends SparkCommand {
  @Option(names = "--as-of", paramLabel = "DATE", description = "Score date. Default: the latest purchase day.")
  String asOf;

  @Option(names = "--model-version", paramLabel = "V",
      description = "Registry version to score with. Default: the newest complete one.")
  String modelVersion;

  private ChurnScorer.Options options;

  @Override
  protected void validate(JobConfig config) {
    options = options(config);
  }

  public ChurnScorer.Options options(JobConfig config) {
    JobConfig.ChurnSettings c = config.churn();
    return new ChurnScorer.Options(ClvCommand.date("--as-of", asOf), c.lookbackDays(), c.horizonDays(),
        config.clv().penalizer(), c.bandHigh(), c.bandMedium(), modelVersion,
        TrainChurnCommand.categoricals(config));
  }

  @Override
  protected String lockHolder() {
    return "score-churn";
  }

  @Override
  protected int run(JobConfig config, SparkSession spark) {
    DeltaTables tables = new DeltaTables(spark, config.warehouse());
    String runId = UUID.randomUUID().toString();
    Instant started = Instant.now();
    ChurnScorer.Result r;
    try {
      r = new ChurnScorer(tables, ModelRegistry.under(config.warehouse()), options).run();
    } catch (IllegalArgumentException | IllegalStateException e) {
      new RunLog(tables).record(StageRun.simple(runId, "score-churn", started, 0, 0, Map.of(), null)
          .failed(e.getMessage()));
      throw new JobFailure(e.getMessage(), e);
    }
    new RunLog(tables).record(StageRun.simple(runId, "score-churn", started, r.customers(), r.customers(),
        Map.of(), null));
    err.printf("score-churn: %d customers scored at %s with model %s -> %s%n", r.customers(), r.asOf(),
        r.modelVersion(), r.table());
    return 0;
  }
}
