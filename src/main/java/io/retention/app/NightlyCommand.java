package io.retention.app;

import io.retention.churn.ModelRegistry;
import io.retention.ingest.ProfileException;
import io.retention.ingest.SourceProfile;
import io.retention.lake.DeltaTables;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nightly}: every stage in order, in one Spark session, under the warehouse lock: ingest (only files
 * not yet ingested) → metrics → clv → train-churn (when no model, a model older than
 * churn.maxModelAgeDays, or --retrain) → score-churn → export → report. Each stage is recorded in ops.runs; the first failing stage stops the run
 * with a non-zero exit naming it.
 */
@Command(name = "nightly", mixinStandardHelpOptions = true,
    description = "Run every stage: ingest new files, metrics, clv, churn (retrain as configured), export, report.")
public final class NightlyCommand extends SparkCommand {
  @Option(names = "--date", paramLabel = "DATE",
      description = "As-of date (yyyy-mm-dd) of metrics and CLV. Default: the latest purchase order_date.")
  String date;

  @Option(names = "--input", paramLabel = "PATH", description = "Landing folder. Default: retention.input.")
  String input;

  @Option(names = "--profile", paramLabel = "NAME", description = "Source profile. Default: retention.profile.")
  String profile;

  private SourceProfile sourceProfile;
  private final MetricsCommand metrics = new MetricsCommand();
  private final ClvCommand clv = new ClvCommand();
  private final TrainChurnCommand train = new TrainChurnCommand();
  private final ScoreChurnCommand score = new ScoreChurnCommand();
  private final ExportCommand export = new ExportCommand();
  private final ReportCommand report = new ReportCommand();

  @Option(names = "--housekeeping", description = "Also OPTIMIZE and VACUUM (168 h) every table at the end.")
  boolean housekeeping;

  @Option(names = "--retrain", description = "Retrain the churn model even when a recent one exists.")
  boolean retrain;

  /** One stage of the nightly run. */
  private interface Stage {
    void run(JobConfig config, SparkSession spark, DeltaTables tables) throws Exception;
  }

  @Override
  protected String lockHolder() {
    return "nightly";
  }

  @Override
  protected void validate(JobConfig config) {
    try {
      sourceProfile = SourceProfile.load(profile == null ? config.profile() : profile, config.profilesDir());
    } catch (ProfileException e) {
      throw new ConfigException(e.getMessage());
    }
    metrics.asOf = date;
    clv.calibrationEnd = date;
    metrics.validate(config);
    clv.validate(config);
    train.validate(config);
    score.asOf = date;
    score.validate(config);
    export.asOf = date;
    export.validate(config);
    report.asOf = date;
    report.validate(config);
  }

  @Override
  protected int run(JobConfig config, SparkSession spark) {
    DeltaTables tables = new DeltaTables(spark, config.warehouse());
    String landing = input == null ? config.input() : input;
    List<String> lines = new ArrayList<>();
    step("ingest", lines, () -> IngestCommand.ingest(config, tables, sourceProfile, landing, err));
    step("metrics", lines, () -> metrics.run(config, spark));
    step("clv", lines, () -> clv.run(config, spark));
    java.util.Optional<String> why = retrain ? java.util.Optional.of("--retrain")
        : ModelRegistry.under(config.warehouse()).retrainReason(config.churn().maxModelAgeDays(), Instant.now());
    if (why.isPresent()) {
      err.println("nightly: retraining the churn model: " + why.get());
      step("train-churn", lines, () -> train.run(config, spark));
    }
    step("score-churn", lines, () -> score.run(config, spark));
    step("export", lines, () -> export.run(config, spark));
    step("report", lines, () -> report.run(config, spark));
    if (housekeeping) {
      step("housekeeping", lines, () -> new io.retention.lake.Housekeeping(tables,
          new io.retention.lake.Housekeeping.Options(io.retention.lake.Housekeeping.MIN_RETAIN_HOURS)).run());
    }
    err.println();
    err.println("nightly: all stages ok (warehouse " + config.warehouse() + ")");
    lines.forEach(l -> err.println("  " + l));
    return Main.OK;
  }

  private void step(String name, List<String> lines, java.util.concurrent.Callable<?> body) {
    Instant start = Instant.now();
    err.printf(Locale.ROOT, "%n== nightly: %s%n", name);
    try {
      body.call();
    } catch (Exception e) {
      throw new JobFailure("nightly: stage " + name + " failed: "
          + Main.oneLine(e instanceof JobFailure || e instanceof ConfigException ? e.getMessage()
              : Main.rootMessage(e)), e);
    }
    lines.add(String.format(Locale.ROOT, "%-12s ok  %6.1f s", name,
        Duration.between(start, Instant.now()).toMillis() / 1000.0));
  }
}
