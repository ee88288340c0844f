package io.retention.app;

import io.retention.clv.ClvEvaluation;
import io.retention.clv.TimeUnit;
import io.retention.pipeline.StageContext;
import java.time.LocalDate;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code clv-evaluate}: calibration/holdout check of BG/NBD, printed and written to gold.clv_evaluation. */
@Command(name = "clv-evaluate",
    footer = "Example: jobs/retention clv-evaluate --calibration-end 2025-09-30 --holdout-end 2025-12-31",
    mixinStandardHelpOptions = true,
    description = "Fit BG/NBD up to --calibration-end and compare predicted with actual purchases up to --holdout-end.")
public final class ClvEvaluateCommand extends StageCommand<ClvEvaluation.Result> {
  @Option(names = "--calibration-end", required = true, paramLabel = "DATE",
      description = "Last day (inclusive, YYYY-MM-DD) of the calibration period.")
  String calibrationEnd;

  @Option(names = "--holdout-end", required = true, paramLabel = "DATE",
      description = "Last day (inclusive, YYYY-MM-DD) of the holdout period.")
  String holdoutEnd;

  @Option(names = "--time-unit", paramLabel = "UNIT",
      description = "day or week. Default: week (retention.clv.timeUnit).")
  String timeUnit;

  private ClvEvaluation.Options options;

  @Override
  protected void validate(JobConfig config) {
    options = options(config);
  }

  /** The stage options from the configuration and the flags; a bad value is a ConfigException. */
  public ClvEvaluation.Options options(JobConfig config) {
    String unit = timeUnit == null ? config.clv().timeUnit()
        : Flags.timeUnit(timeUnit);
    LocalDate cal = Flags.date("--calibration-end", calibrationEnd);
    LocalDate hold = Flags.date("--holdout-end", holdoutEnd);
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
  protected String stage() {
    return "clv-evaluate";
  }

  @Override
  protected ClvEvaluation.Result runStage(JobConfig config, StageContext ctx) {
    return new ClvEvaluation(ctx.tables(), options).run(ctx.runId());
  }

  @Override
  protected void print(ClvEvaluation.Result r, StageContext ctx) {
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
