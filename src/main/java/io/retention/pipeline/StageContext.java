package io.retention.pipeline;

import io.retention.lake.DeltaTables;
import io.retention.lake.FaultInjection;
import io.retention.lake.RunLog;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * What every stage run is given: the warehouse tables, the id of the run (one id for all the stages of a
 * nightly), the pinned as-of date (null = each stage resolves the default through {@link AsOfDate}), where
 * progress and summaries go, the fault points (the crash tests' kill points; a no-op in normal runs) and
 * where the ops.runs rows go (appended at once, or held for one commit by a nightly: {@link RunLog#deferred}).
 */
public record StageContext(DeltaTables tables, String runId, LocalDate asOf, PrintStream err,
    Consumer<String> faults, RunLog runs) {

  public StageContext {
    if (tables == null || runId == null || runId.isBlank() || err == null || faults == null || runs == null) {
      throw new IllegalArgumentException("a stage context needs tables, a run id, an output stream, faults and "
          + "a run log");
    }
  }

  /** A context whose ops.runs rows are appended at once. */
  public StageContext(DeltaTables tables, String runId, LocalDate asOf, PrintStream err, Consumer<String> faults) {
    this(tables, runId, asOf, err, faults, new RunLog(tables));
  }

  /** A context for one command's run: a fresh run id {@code <command>-<uuid>}, fault points from the JVM. */
  public static StageContext forCommand(DeltaTables tables, String command, LocalDate asOf, PrintStream err) {
    return new StageContext(tables, command + "-" + UUID.randomUUID(), asOf, err, FaultInjection::point);
  }

  /** The pinned as-of date, else the default one (the latest purchase day). */
  public LocalDate asOfOrDefault(String stage) {
    return AsOfDate.resolve(tables, asOf, stage);
  }

  /** This context with another pinned as-of date. */
  public StageContext withAsOf(LocalDate day) {
    return new StageContext(tables, runId, day, err, faults, runs);
  }

  /** Halts at the named fault point when a crash test asks for it. */
  public void fault(String point) {
    faults.accept(point);
  }
}
