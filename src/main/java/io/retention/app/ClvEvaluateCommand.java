package io.retention.app;

import io.retention.clv.ClvEvaluation;
import io.retention.clv.TimeUnit;
import io.retention.lake.DeltaTables;
import io.retention.lake.RunLog;
import io.retention.lake.StageRun;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code clv-evaluate}: calibration/holdout check of BG/NBD, printed and written to gold.clv_evaluation. */
@Command(name = "clv-evaluate", mixinStandardHelpOptions = true,
    description = "Fit BG/NBD up to --calibration-end and compare predicted with actual purchases up to --holdout-end.")
public final class ClvEvaluateCommand extends SparkCommand {
  @Option(names = "--calibration-end", required = true, paramLabel = "DATE",
      description = "Last day (inclusive, yyyy-mm-dd) of the calibration period.")
  String calibrationEnd;

  @Option(names = "--holdout-end", required = true, paramLabel = "DATE",
      description = "Last day (inclusive, yyyy-mm-dd) of the holdout period.")
  String holdoutEnd;

  @Option(names = "--time-unit", paramLabel = "UNIT", description = "day or week. Default: retention.clv.timeUnit.")
  String timeUnit;

  private ClvEvaluation.Options options;

  @Override
  protected void validate(JobConfig config) {
    options = options(config);
  }

  /** The stage options from the configuration and the flags; a bad value is a ConfigException. */
  public ClvEvaluation.Options options(JobConfig config) {
    String unit = timeUnit == null ? config.clv().timeUnit()
        : ClvCommand.unit(timeUnit);
    LocalDate cal = ClvCommand.date("--calibration-end", calibrationEnd);
    LocalDate hold = ClvCommand.date("--holdout-end", holdoutEnd);
    if (!hold.isAfter(cal)) {
      throw new ConfigException("--holdout-end " + hold + " must be after --calibration-end " + cal);
    }
    return new ClvEvaluation.Options(cal, hold, TimeUnit.parse(unit), config.clv().penalizer());
  }

  @Override
  protected String lockHolder() {
    return "clv-evaluate";
  }

  @Override
  protected int run(JobConfig config, SparkSession spark) {
    DeltaTables tables = new DeltaTables(spark, config.warehouse());
    String runId = UUID.randomUUID().toString();
    Instant started = Instant.now();
    ClvEvaluation.Result r;
    try {
      r = new ClvEvaluation(tables, options).run(runId);
    } catch (IllegalArgumentException | IllegalStateException e) {
      new RunLog(tables).record(StageRun.simple(runId, "clv-evaluate", started, 0, 0, Map.of(), null)
          .failed(e.getMessage()));
      throw new JobFailure(e.getMessage(), e);
    }
    new RunLog(tables).record(StageRun.simple(runId, "clv-evaluate", started, r.evaluation().bgNbd().customers(),
        r.evaluation().rows().size(), Map.of(), String.join("; ", r.evaluation().bgNbd().warnings())));
    print(r);
    return 0;
  }

  private void print(ClvEvaluation.Result r) {
    err.printf("clv-evaluate: calibration to %s, holdout to %s (%s)%n", options.calibrationEnd(),
        options.holdoutEnd(), options.unit().label());
    err.print(r.evaluation().bgNbd().describe());
    err.printf("  %-16s %-6s %10s %12s %12s %14s %14s%n", "section", "bin", "customers", "actual_mean",
        "pred_mean", "actual_total", "pred_total");
    for (Row row : r.evaluation().rows()) {
      err.printf("  %-16s %-6s %10d %12s %12s %14.2f %14.2f%n", row.getString(3), row.getString(4), row.getLong(6),
          fmt(row, 7), fmt(row, 8), row.getDouble(9), row.getDouble(10));
    }
    err.println("table: " + r.table());
  }

  private static String fmt(Row row, int i) {
    return row.isNullAt(i) ? "" : String.format(java.util.Locale.ROOT, "%.4f", row.getDouble(i));
  }
}
