package io.retention.app;

import io.retention.churn.ChurnEvaluation;
import io.retention.churn.ChurnTrainer;
import io.retention.churn.ModelRegistry;
import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.metrics.CustomerState;
import io.retention.pipeline.RunRow;
import io.retention.pipeline.StageContext;
import io.retention.pipeline.StageResult;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code train-churn}: out-of-time churn training; the kept model goes to the registry. */
@Command(name = "train-churn",
    footer = "Example: jobs/retention train-churn --cutoff 2025-09-30",
    mixinStandardHelpOptions = true,
    description = "Train the churn classifier at cutoff - horizon, validate out of time at the cutoff, register it.")
public final class TrainChurnCommand extends StageCommand<TrainChurnCommand.Trained> {
  @Option(names = "--cutoff", paramLabel = "DATE",
      description = "Validation cutoff c (labels need data up to c + H). Default: latest purchase day - horizon.")
  String cutoff;

  @Option(names = "--horizon-days", paramLabel = "H",
      description = "Churn horizon in days. Default: 90 (retention.churn.horizonDays).")
  Integer horizonDays;

  private ChurnTrainer.Options options;

  @Override
  protected void validate(JobConfig config) {
    options = options(config, LocalDate.EPOCH); // validates the flags; the real default cutoff needs the data
  }

  /** The trainer options; {@code fallbackCutoff} is used when --cutoff is absent. */
  public ChurnTrainer.Options options(JobConfig config, LocalDate fallbackCutoff) {
    JobConfig.ChurnSettings c = config.churn();
    if (horizonDays != null && (horizonDays < 1 || horizonDays > 3650)) {
      throw new ConfigException("--horizon-days must be between 1 and 3650, cannot be: " + horizonDays);
    }
    LocalDate at = Flags.date("--cutoff", cutoff);
    String version = TrainChurnCommand.class.getPackage().getImplementationVersion();
    return new ChurnTrainer.Options(at == null ? fallbackCutoff : at, horizon(config), c.lookbackDays(),
        config.clv().penalizer(), c.seed(), c.lrMaxIter(), c.lrRegParam(), c.gbtMaxIter(), c.gbtMaxDepth(),
        c.calibrationFolds(), version == null ? "0.1.0-dev" : version, c.categoricalAttributes(), c.trainingCutoffs(),
        c.trainingCutoffStepDays(), c.minimumGain());
  }

  int horizon(JobConfig config) {
    return horizonDays == null ? config.churn().horizonDays() : horizonDays;
  }

  @Override
  protected String lockHolder() {
    return stage();
  }

  @Override
  protected String stage() {
    return "train-churn";
  }

  /** A trained, evaluated and registered model. */
  record Trained(ChurnTrainer.Result result, ChurnTrainer.Options options, String version, String dir)
      implements StageResult {
    @Override
    public RunRow runRow() {
      return RunRow.of(result.trainRows(), result.validationRows(), Map.of("train_rows", result.trainRows(),
          "validation_rows", result.validationRows()), result.warning());
    }

    @Override
    public String summary() {
      return "model " + version + " (" + result.modelType() + "), " + result.trainRows() + " training and "
          + result.validationRows() + " validation customers";
    }
  }

  @Override
  protected Trained runStage(JobConfig config, StageContext ctx) {
    DeltaTables tables = ctx.tables();
    if (!tables.exists(Table.PURCHASES)) {
      throw new IllegalStateException("train-churn: " + Table.PURCHASES.qualifiedName()
          + " does not exist: run ingest first");
    }
    ChurnTrainer.Options o = cutoff != null ? options
        : options(config, ctx.asOfOrDefault(stage()).minusDays(horizon(config)));
    new CustomerState(tables).refresh(false); // the hub up to date (a no-op right after the night's hub step)
    ChurnTrainer.Result r = ChurnTrainer.fromState(tables.read(Table.CUSTOMER_ACTIVITY),
        o.categoricals().isEmpty() ? null : tables.read(Table.PURCHASES), o);
    Instant now = Instant.now();
    String version = ChurnTrainer.version(now);
    ChurnEvaluation.write(tables, version, r.curves()); // before the registry: a registered model has its curves
    String dir = ModelRegistry.under(config.warehouse()).save(version, r.model(),
        ChurnTrainer.metadata(version, r, o, now));
    return new Trained(r, o, version, dir);
  }

  @Override
  protected void print(Trained t, StageContext ctx) {
    ChurnTrainer.Result r = t.result();
    ChurnTrainer.Options o = t.options();
    err.printf("train-churn: trained at %s, validated with labels at %s (horizon %d days)%n",
        o.cutoff().minusDays(o.horizonDays()), o.cutoff(), o.horizonDays());
    err.printf("  %d training customers, %d validation customers%n", r.trainRows(), r.validationRows());
    for (ChurnEvaluation.Metrics m : r.all()) {
      err.println("  " + m.describe());
    }
    err.println("  calibration of " + r.modelType() + " (fitted on out-of-fold training scores):");
    for (ChurnEvaluation.Metrics m : r.calibrations()) {
      err.println("    " + m.describe());
    }
    err.println("  kept calibration: " + r.calibration() + " (lowest Brier on the out-of-time validation)");
    if (r.warning() != null) {
      err.println("WARNING: " + r.warning());
    }
    err.println("model " + t.version() + " (" + r.modelType() + ") registered in " + t.dir());
  }
}
