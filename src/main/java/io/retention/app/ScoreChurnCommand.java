package io.retention.app;

import io.retention.churn.ChurnScorer;
import io.retention.churn.ModelRegistry;
import io.retention.pipeline.RunRow;
import io.retention.pipeline.StageContext;
import io.retention.pipeline.StageResult;
import java.time.LocalDate;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code score-churn}: scores the active customers with the newest complete model into gold.churn_scores. */
@Command(name = "score-churn",
    footer = "Example: jobs/retention score-churn --as-of 2025-12-31",
    mixinStandardHelpOptions = true,
    description = "Score churn risk with the newest registered model; writes gold.churn_scores for the date.")
public final class ScoreChurnCommand extends StageCommand<ScoreChurnCommand.Scored> {
  @Option(names = "--as-of", paramLabel = "DATE", description = "Score date. Default: the latest purchase day.")
  String asOf;

  @Option(names = "--model-version", paramLabel = "V",
      description = "Registry version to score with. Default: the newest complete one.")
  String modelVersion;

  private ChurnScorer.Options options;

  /** The scorer's result as a stage result: customers scored in and out. */
  record Scored(ChurnScorer.Result result) implements StageResult {
    @Override
    public RunRow runRow() {
      return RunRow.of(result.customers(), result.customers(), Map.of(), "model " + result.modelVersion()
          + " score_date " + result.asOf());
    }

    @Override
    public String summary() {
      return result.customers() + " customers scored at " + result.asOf() + " with model " + result.modelVersion();
    }
  }

  @Override
  protected void validate(JobConfig config) {
    options = options(config);
  }

  public ChurnScorer.Options options(JobConfig config) {
    return options(config, Flags.date("--as-of", asOf));
  }

  private ChurnScorer.Options options(JobConfig config, LocalDate day) {
    JobConfig.ChurnSettings c = config.churn();
    return new ChurnScorer.Options(day, c.lookbackDays(), c.horizonDays(), config.clv().penalizer(), c.bandHigh(),
        c.bandMedium(), modelVersion, c.categoricalAttributes());
  }

  @Override
  protected String lockHolder() {
    return stage();
  }

  @Override
  protected String stage() {
    return "score-churn";
  }

  @Override
  protected Scored runStage(JobConfig config, StageContext ctx) {
    ChurnScorer.Options o = options.asOf() != null ? options : options(config, ctx.asOfOrDefault(stage()));
    return new Scored(new ChurnScorer(ctx.tables(), ModelRegistry.under(config.warehouse()), o).run());
  }

  @Override
  protected String fingerprint(JobConfig config, StageContext ctx) {
    return (options.asOf() != null ? options : options(config, ctx.asOf())) + " registry="
        + ModelRegistry.under(config.warehouse()).latest().orElse("-");
  }

  @Override
  protected void print(Scored s, StageContext ctx) {
    ChurnScorer.Result r = s.result();
    err.printf("score-churn: %d customers scored at %s with model %s -> %s%n", r.customers(), r.asOf(),
        r.modelVersion(), r.table());
  }
}
