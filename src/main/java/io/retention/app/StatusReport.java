package io.retention.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.retention.lake.NightRun;
import io.retention.lake.StageRun;
import io.retention.pipeline.Failures;
import io.retention.quality.QualityLog;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code status} prints, from what ops.runs holds: the last nightly in a few lines (its outcome, then per
 * stage status, time and rows), failed runs since, and optionally the latest stage runs as a table. Every text
 * line fits {@value #WIDTH} columns: run ids are shortened, fingerprints left out, messages wrapped or cut.
 * {@link #json()} is the same as one JSON object with full ids, ISO instants (UTC) and whole messages.
 *
 * @param night the last nightly, or null when none is recorded
 * @param failedSince failed stage runs that started after the last nightly's last row (newest first)
 * @param runs the latest stage runs, newest first (empty unless asked for)
 * @param gates the latest quality-gate check or acceptance (null: none recorded)
 * @param held whether a failed check holds the nightly until {@code nightly --accept-gates}
 */
record StatusReport(String warehouse, ZoneId zone, NightRun night, List<StageRun> failedSince,
    List<StageRun> runs, QualityLog.Check gates, boolean held) {
  static final int WIDTH = 100;
  private static final String STAGE_ROW = "  %-12s %-8s %10s %9s %9s  %s";
  private static final String RUN_ROW = "%-16s %-20s %-7s %10s %9s %9s  %s";

  StatusReport {
    failedSince = List.copyOf(failedSince);
    runs = List.copyOf(runs);
  }

  StatusReport(String warehouse, ZoneId zone, NightRun night, List<StageRun> failedSince, List<StageRun> runs) {
    this(warehouse, zone, night, failedSince, runs, null, false);
  }

  /** The text lines, each at most {@value #WIDTH} characters. */
  List<String> lines() {
    List<String> out = new ArrayList<>();
    if (night == null) {
      out.add("no nightly recorded under " + warehouse + " yet");
    } else {
      out.addAll(wrap("last nightly " + NightRun.shortId(night.runId()) + " on " + time(night.startedAt()) + ": "
          + outcome()));
      out.add(cut(String.format(Locale.ROOT, STAGE_ROW, "stage", "status", "time", "rows in", "rows out", "note")
          .stripTrailing()));
      for (NightRun.Stage s : night.stages()) {
        out.add(cut(String.format(Locale.ROOT, STAGE_ROW, s.name(), s.status(), seconds(s.durationMs()),
            count(s.rowsIn(), s), count(s.rowsOut(), s), StageRun.FAILED.equals(s.status()) ? "see above" : note(s))
            .stripTrailing()));
      }
    }
    if (gates != null) {
      out.addAll(wrap(gatesLine()));
    }
    for (StageRun f : failedSince) {
      out.addAll(wrap("failed since: " + f.stage() + " on " + time(f.startedAt()) + " (run "
          + NightRun.shortId(f.runId()) + "): " + Failures.oneLine(f.message())));
    }
    if (!runs.isEmpty()) {
      out.add("");
      out.add("latest stage runs, newest first (times in " + zone.getId() + "):");
      out.add(String.format(Locale.ROOT, RUN_ROW, "started", "stage", "status", "time", "rows in", "rows out",
          "run"));
      for (StageRun r : runs) {
        out.add(String.format(Locale.ROOT, RUN_ROW, minute(r.startedAt()), cutTo(r.stage(), 20), cutTo(r.status(), 7),
            seconds(r.durationMs()), r.rowsIn(), r.rowsOut(), NightRun.shortId(r.runId())));
        if (StageRun.FAILED.equals(r.status()) && r.message() != null) {
          out.add(cut("    " + Failures.oneLine(r.message())));
        }
      }
    }
    return out;
  }

  /** The latest gate check in one line: its outcome, and what tripped; a held night says how to go on. */
  private String gatesLine() {
    String tripped = gates.tripped().isEmpty() ? "" : ": " + String.join("; ", gates.tripped());
    if (held) {
      return "gates: HELD since " + time(gates.evaluatedAt()) + tripped + ". Nothing is published until "
          + "nightly --accept-gates";
    }
    if (QualityLog.ACCEPTED.equals(gates.outcome())) {
      return "gates: failed night accepted by " + gates.acceptedBy() + " on " + time(gates.acceptedAt()) + tripped;
    }
    return String.format(Locale.ROOT, "gates: %s on %s (%d records, %.2f %% quarantined, %d new customers)%s",
        gates.outcome(), time(gates.evaluatedAt()), gates.records(), 100 * gates.quarantineRate(),
        gates.newCustomers(), tripped);
  }

  private String outcome() {
    return switch (night.status()) {
      case NightRun.OK -> "ok (" + seconds(night.durationMs()) + ")";
      case NightRun.FAILED -> "failed at stage " + night.failedStage() + ": "
          + (night.message() == null ? "(no message)" : Failures.oneLine(night.message()));
      default -> "incomplete after stage " + night.stages().get(night.stages().size() - 1).name()
          + " (still running, or stopped before recording an outcome)";
    };
  }

  /** One JSON object for monitoring; its fields are listed in docs/operations.md (status). */
  String json() {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    root.put("warehouse", warehouse);
    root.put("generated_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    if (night == null) {
      root.putNull("last_nightly");
    } else {
      ObjectNode n = root.putObject("last_nightly");
      n.put("run_id", night.runId());
      n.put("status", night.status());
      n.put("started_at", night.startedAt().toString());
      n.put("finished_at", night.finishedAt().toString());
      n.put("duration_ms", night.durationMs());
      n.put("failed_stage", night.failedStage());
      n.put("message", night.message());
      ArrayNode stages = n.putArray("stages");
      for (NightRun.Stage s : night.stages()) {
        run(stages.addObject(), s.name(), s.status(), s.startedAt(), s.finishedAt(),
            new long[] {s.rowsIn(), s.rowsOut(), s.rowsQuarantined(), s.rowsDuplicate()}, s.runId())
            .put("note", s.note());
      }
    }
    if (gates == null) {
      root.putNull("gates");
    } else {
      ObjectNode g = root.putObject("gates");
      g.put("outcome", gates.outcome());
      g.put("held", held);
      g.put("evaluated_at", gates.evaluatedAt().toString());
      g.put("run_id", gates.runId());
      g.put("records", gates.records());
      g.put("quarantine_rate", gates.quarantineRate());
      g.put("new_customers", gates.newCustomers());
      ArrayNode t = g.putArray("tripped");
      gates.tripped().forEach(t::add);
      g.put("accepted_by", gates.acceptedBy());
      g.put("accepted_at", gates.acceptedAt() == null ? null : gates.acceptedAt().toString());
    }
    runsJson(root.putArray("failed_since"), failedSince);
    runsJson(root.putArray("runs"), runs);
    return root.toString();
  }

  private static void runsJson(ArrayNode into, List<StageRun> rows) {
    for (StageRun r : rows) {
      run(into.addObject(), r.stage(), r.status(), r.startedAt(), r.finishedAt(),
          new long[] {r.rowsIn(), r.rowsOut(), r.rowsQuarantined(), r.rowsDuplicate()}, r.runId())
          .put("message", r.message());
    }
  }

  /** The fields a night's stage and an ops.runs row share; {@code rows}: in, out, quarantined, duplicate. */
  private static ObjectNode run(ObjectNode o, String stage, String status, Instant from, Instant to, long[] rows,
      String runId) {
    o.put("stage", stage);
    o.put("status", status);
    o.put("started_at", from.toString());
    o.put("finished_at", to.toString());
    o.put("duration_ms", java.time.Duration.between(from, to).toMillis());
    o.put("rows_in", rows[0]);
    o.put("rows_out", rows[1]);
    o.put("rows_quarantined", rows[2]);
    o.put("rows_duplicate", rows[3]);
    o.put("run_id", runId);
    return o;
  }

  private String time(Instant t) {
    return t.atZone(zone).truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }

  private String minute(Instant t) {
    return t.atZone(zone).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT));
  }

  /** {@code 93.2 s} below 100 s, {@code 2 min 24 s} below an hour, else {@code 1 h 02 min}. */
  static String seconds(long ms) {
    long s = ms / 1000;
    if (ms < 100_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    return s < 3600 ? String.format(Locale.ROOT, "%d min %d s", s / 60, s % 60)
        : String.format(Locale.ROOT, "%d h %02d min", s / 3600, s % 3600 / 60);
  }

  /** A stage that wrote no counts (a skipped stage, a ledger-only row) shows {@code -}. */
  private static String count(long n, NightRun.Stage s) {
    return s.rowsIn() == 0 && s.rowsOut() == 0 ? "-" : Long.toString(n);
  }

  private static String note(NightRun.Stage s) {
    return s.note() == null ? "" : Failures.oneLine(s.note());
  }

  /** {@code text} as lines of at most {@value #WIDTH} characters, continued lines indented by two. */
  static List<String> wrap(String text) {
    List<String> out = new ArrayList<>();
    String rest = text;
    String indent = "";
    while (indent.length() + rest.length() > WIDTH) {
      int room = WIDTH - indent.length();
      int at = rest.lastIndexOf(' ', room);
      if (at <= 0) {
        at = room;
      }
      out.add(indent + rest.substring(0, at).stripTrailing());
      rest = rest.substring(at).stripLeading();
      indent = "  ";
    }
    out.add(indent + rest);
    return out;
  }

  private static String cut(String line) {
    return cutTo(line, WIDTH);
  }

  private static String cutTo(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 1) + "…";
  }
}
