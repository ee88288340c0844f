package io.retention.quality;

import io.retention.pipeline.RunRow;
import io.retention.pipeline.StageContext;
import io.retention.pipeline.StageResult;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The nightly's {@code gates} stage, between ingest and everything that publishes: measures the ingest runs no
 * check covered yet ({@link QualityLog#unchecked}), checks every gate against the trailing nights, records the
 * night in ops.night_quality, and throws {@link GateFailure} when a {@code fail} gate tripped. Warnings are
 * printed and recorded; the night goes on. While the gates' index says nothing waits and nothing is held
 * ({@link QualityLog#knownClear}), a night with no new ingest run reads no table.
 */
public final class QualityGates {
  private final StageContext ctx;
  private final GateSettings settings;

  public QualityGates(StageContext ctx, GateSettings settings) {
    this.ctx = ctx;
    this.settings = settings;
  }

  /** The result of one check; {@code night} null when no ingest run was waiting for one. */
  public record Checked(NightQuality night, List<GateResult> results, String outcome) implements StageResult {
    @Override
    public RunRow runRow() {
      if (night == null) {
        return RunRow.of(0, 0, Map.of(), "no ingest run to check");
      }
      Map<String, Long> counts = new LinkedHashMap<>();
      counts.put("ingest_runs", (long) night.ingestRunIds().size());
      counts.put("gates_warned", results.stream().filter(r -> GateResult.WARN.equals(r.outcome())).count());
      counts.put("gates_failed", results.stream().filter(r -> GateResult.FAIL.equals(r.outcome())).count());
      return new RunRow(night.records(), night.accepted(), night.quarantined(), night.duplicates(), counts,
          outcome + tripped());
    }

    @Override
    public String summary() {
      if (night == null) {
        return "no new ingest run to check";
      }
      return String.format(java.util.Locale.ROOT, "%s: %d records of %d ingest run(s), quarantine rate %.2f%%, "
          + "%d new customers%s", outcome, night.records(), night.ingestRunIds().size(),
          100 * night.quarantineRate(), night.newCustomers(), tripped());
    }

    private String tripped() {
      List<String> t = results.stream().filter(GateResult::tripped)
          .map(r -> r.outcome() + " " + r.gate() + ": " + r.message()).toList();
      return t.isEmpty() ? "" : "; " + String.join("; ", t);
    }
  }

  public Checked run() {
    QualityLog log = new QualityLog(ctx.tables());
    if (log.knownClear()) {
      return new Checked(null, List.of(), GateResult.PASS);
    }
    List<String> runs = log.unchecked();
    if (runs.isEmpty()) {
      if (log.held().isEmpty()) {
        log.markClear();
      }
      return new Checked(null, List.of(), GateResult.PASS);
    }
    NightQuality night = log.measure(runs);
    List<GateResult> results = night.records() == 0 ? List.of()
        : Gates.check(settings.rules(), night, log.history(settings.trailingNights()), settings.minNights());
    String outcome = Gates.outcome(results);
    log.record(ctx.runId(), night, results, outcome, Instant.now());
    for (GateResult r : results) {
      if (GateResult.WARN.equals(r.outcome())) {
        ctx.err().println("gates: warning: " + r.gate() + ": " + r.message());
      }
    }
    if (!GateResult.FAIL.equals(outcome) && log.held().isEmpty()) {
      log.markClear();
    }
    if (GateResult.FAIL.equals(outcome)) {
      GateResult first = results.stream().filter(r -> GateResult.FAIL.equals(r.outcome())).findFirst().orElseThrow();
      throw new GateFailure("quality gate " + first.gate() + " failed: " + first.message() + "; nothing was "
          + "published. Check silver.quarantine and ops.night_quality, then run nightly --accept-gates");
    }
    return new Checked(night, results, outcome);
  }

  /** The failure of a night still held by earlier failed checks (the oldest named). */
  public static GateFailure held(List<QualityLog.Check> held) {
    QualityLog.Check c = held.get(0);
    return new GateFailure("held: the gates failed on " + c.evaluatedAt() + " (run " + c.runId() + ": "
        + String.join("; ", c.tripped()) + "); nothing is published until an operator runs nightly --accept-gates");
  }

  /** The operator accepted the held checks: their rows are valid rows, the night goes on. */
  public record Accepted(List<QualityLog.Check> held, String who) implements StageResult {
    @Override
    public RunRow runRow() {
      return RunRow.of(0, 0, Map.of("checks_accepted", (long) held.size()), "accepted by " + who);
    }

    @Override
    public String summary() {
      return held.size() + " held check(s) accepted by " + who;
    }
  }

  /** Records the operator's acceptance of every held check. */
  public static Accepted accept(StageContext ctx, List<QualityLog.Check> held, String who) {
    new QualityLog(ctx.tables()).accept(ctx.runId(), held, who, Instant.now());
    return new Accepted(held, who);
  }
}
