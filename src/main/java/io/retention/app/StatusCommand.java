package io.retention.app;

import io.retention.lake.DeltaTables;
import io.retention.lake.NightRun;
import io.retention.lake.RunHistory;
import io.retention.quality.QualityLog;
import io.retention.lake.StageRun;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code status}: the last nightly from ops.runs in a few lines (ok, or the stage it failed at and why; per
 * stage status, time and rows), failed runs since, and with {@code --runs N} the latest stage runs; {@code --json}
 * prints the same as one JSON object for monitoring. Results go to stdout; every text line fits 100 columns.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show the last nightly from ops.runs: ok, or the stage it failed at with its message; the "
        + "time and rows of each stage; failed runs since.",
        "Example: jobs/retention status --runs 20"})
public final class StatusCommand extends SparkCommand {
  /** How many failed runs after the last nightly are listed. */
  static final int FAILED_SINCE_MAX = 5;

  @Option(names = "--runs", paramLabel = "N", description = "Also list the latest N stage runs, newest first.")
  Integer runs;

  /** The option's old name: kept working, not shown. */
  @Option(names = "--last", paramLabel = "N", hidden = true)
  Integer last;

  @Option(names = "--json", description = "Print one JSON object for monitoring instead of text "
      + "(fields: docs/operations.md).")
  boolean json;

  PrintStream out = System.out;

  int runCount() {
    return runs != null ? runs : last != null ? last : 0;
  }

  @Override
  protected void validate(JobConfig config) {
    if (runs != null && last != null) {
      throw new ConfigException("--runs and --last are the same option, cannot be: both");
    }
    if ((runs != null || last != null) && runCount() < 1) {
      throw new ConfigException((runs != null ? "--runs" : "--last") + " must be at least 1, cannot be: "
          + runCount());
    }
  }

  @Override
  protected int run(JobConfig config, SparkSession spark) {
    DeltaTables tables = new DeltaTables(spark, config.warehouse());
    StatusReport report = report(new RunHistory(tables), new QualityLog(tables), config);
    if (json) {
      out.println(report.json());
    } else {
      report.lines().forEach(out::println);
    }
    return Main.OK;
  }

  StatusReport report(RunHistory history, QualityLog quality, JobConfig config) {
    ZoneId zone = ZoneId.of(config.timezone());
    if (!history.exists()) {
      return new StatusReport(config.warehouse(), zone, null, List.of(), List.of());
    }
    NightRun night = history.lastNight().orElse(null);
    List<StageRun> failed = history.failedSince(night == null ? Instant.EPOCH : night.finishedAt(),
        FAILED_SINCE_MAX);
    List<StageRun> latest = runCount() > 0 ? history.latest(runCount()) : List.of();
    List<QualityLog.Check> checks = quality.checks();
    return new StatusReport(config.warehouse(), zone, night, failed, latest,
        checks.isEmpty() ? null : checks.get(checks.size() - 1), !quality.held().isEmpty());
  }
}
