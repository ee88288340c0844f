package io.retention.app;

import io.retention.churn.ChurnEvaluation;
import io.retention.churn.ChurnTrainer;
import io.retention.churn.ModelRegistry;
import io.retention.clv.ClvModels;
import io.retention.lake.DeltaTables;
import io.retention.lake.RunLog;
import io.retention.lake.StageRun;
import io.retention.lake.Table;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code train-churn}: out-of-time churn training; the kept model goes to the registry. */
@Command(name = "train-churn", mixinStandardHelpOptions = true,
    description = "Train the churn classifier at cutoff - horizon, validate out of time at the cutoff, register it.")
public final class TrainChurnCommand extends SparkCommand {
  @Option(names = "--cutoff", paramLabel = "DATE",
      description = "Validation cutoff c (labels need data up to c + H). Default: latest purchase day - horizon.")
  String cutoff;

  @Option(names = "--horizon-days", paramLabel = "H", description = "Churn horizon in days. Default: churn.horizonDays.")
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
    LocalDate at = ClvCommand.date("--cutoff", cutoff);
    String version = TrainChurnCommand.class.getPackage().getImplementationVersion();
    return new ChurnTrainer.Options(at == null ? fallbackCutoff : at, horizon(config), c.lookbackDays(),
        config.clv().penalizer(), c.seed(),
        (int) hyper(config, "logistic.maxIter", ChurnTrainer.Options.LR_MAX_ITER_DEFAULT, 1, 10_000),
        hyper(config, "logistic.regParam", ChurnTrainer.Options.LR_REG_PARAM_DEFAULT, 0, 1_000),
        (int) hyper(config, "gbt.maxIter", ChurnTrainer.Options.GBT_MAX_ITER_DEFAULT, 1, 10_000),
        (int) hyper(config, "gbt.maxDepth", ChurnTrainer.Options.GBT_MAX_DEPTH_DEFAULT, 1, 30),
        calibrationFolds(config), version == null ? "0.1.0-dev" : version,
        categoricals(config));
  }

  /** churn.categoricalAttributes (absent in older configuration files: none), names checked. */
  static List<String> categoricals(JobConfig config) {
    String key = JobConfig.ROOT + ".churn.categoricalAttributes";
    if (config.raw() == null || !config.raw().hasPath(key)) {
      return List.of();
    }
    List<String> names;
    try {
      names = config.raw().getStringList(key);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException("churn.categoricalAttributes must be a list of attribute names: " + e.getMessage());
    }
    for (String n : names) {
      if (!n.matches("[A-Za-z0-9_]+")) {
        throw new ConfigException("churn.categoricalAttributes: a name must be letters, digits or _, cannot be: '"
            + n + "'");
      }
    }
    return names;
  }

  /** churn.calibrationFolds (absent: the default), at least 2. */
  /**
   * A classifier hyper-parameter {@code churn.<name>} (absent in older configuration files: the default),
   * checked against [min, max]; integer keys must hold whole numbers.
   */
  static double hyper(JobConfig config, String name, double fallback, double min, double max) {
    String key = JobConfig.ROOT + ".churn." + name;
    if (config.raw() == null || !config.raw().hasPath(key)) {
      return fallback;
    }
    double v;
    try {
      v = config.raw().getDouble(key);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException("churn." + name + " must be a number, cannot be: "
          + config.raw().getValue(key).render());
    }
    boolean whole = fallback == Math.rint(fallback) && !name.endsWith("regParam");
    if (v < min || v > max || (whole && v != Math.rint(v))) {
      throw new ConfigException("churn." + name + " must be " + (whole ? "a whole number " : "") + "between "
          + fmt(min) + " and " + fmt(max) + ", cannot be: " + fmt(v));
    }
    return v;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  static int calibrationFolds(JobConfig config) {
    String key = JobConfig.ROOT + ".churn.calibrationFolds";
    if (config.raw() == null || !config.raw().hasPath(key)) {
      return ChurnTrainer.Options.CALIBRATION_FOLDS_DEFAULT;
    }
    int k = config.raw().getInt(key);
    if (k < 2 || k > 20) {
      throw new ConfigException("churn.calibrationFolds must be between 2 and 20, cannot be: " + k);
    }
    return k;
  }

  int horizon(JobConfig config) {
    return horizonDays == null ? config.churn().horizonDays() : horizonDays;
  }

  @Override
  protected String lockHolder() {
    return "train-churn";
  }

  @Override
  protected int run(JobConfig config, SparkSession spark) {
    DeltaTables tables = new DeltaTables(spark, config.warehouse());
    if (!tables.exists(Table.PURCHASES)) {
      throw new JobFailure("train-churn: " + Table.PURCHASES.qualifiedName() + " does not exist: run ingest first");
    }
    String runId = UUID.randomUUID().toString();
    Instant started = Instant.now();
    Dataset<Row> purchases = tables.read(Table.PURCHASES);
    ChurnTrainer.Options o = cutoff != null ? options
        : options(config, ClvModels.calibrationEnd(purchases, null).minusDays(horizon(config)));
    ChurnTrainer.Result r;
    try {
      spark.sparkContext().setJobGroup("train-churn", "churn training at " + o.cutoff(), false);
      r = ChurnTrainer.train(purchases, o);
    } catch (IllegalArgumentException | IllegalStateException e) {
      new RunLog(tables).record(StageRun.simple(runId, "train-churn", started, 0, 0, Map.of(), null)
          .failed(e.getMessage()));
      throw new JobFailure(e.getMessage(), e);
    } finally {
      spark.sparkContext().clearJobGroup();
    }
    Instant now = Instant.now();
    String version = ChurnTrainer.version(now);
    ChurnEvaluation.write(tables, version, r.curves()); // before the registry: a registered model has its curves
    String dir = ModelRegistry.under(config.warehouse()).save(version, r.model(),
        ChurnTrainer.metadata(version, r, o, now));
    String warning = r.warning();
    new RunLog(tables).record(StageRun.simple(runId, "train-churn", started, r.trainRows(), r.validationRows(),
        Map.of("train_rows", r.trainRows(), "validation_rows", r.validationRows()), warning));
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
    err.println("model " + version + " (" + r.modelType() + ") registered in " + dir);
    return 0;
  }
}
