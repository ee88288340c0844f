package io.retention.lake;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One row of ops.runs: what a stage read, wrote and rejected, and how long it took. */
public record StageRun(String runId, String stage, String status, Instant startedAt, Instant finishedAt,
    long rowsIn, long rowsOut, long rowsQuarantined, long rowsDuplicate, Map<String, Long> counts,
    String message) {

  public static final String OK = "ok";
  public static final String FAILED = "failed";
  public static final String SKIPPED = "skipped";

  public StageRun {
    counts = counts == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(counts));
  }

  public long durationMs() {
    return Duration.between(startedAt, finishedAt).toMillis();
  }

  /** A run that did no row work (e.g. a stage that wrote a report). */
  public static StageRun simple(String runId, String stage, Instant started, long rowsIn, long rowsOut,
      Map<String, Long> counts, String message) {
    return new StageRun(runId, stage, OK, started, Instant.now(), rowsIn, rowsOut, 0, 0, counts, message);
  }

  public StageRun failed(String why) {
    return new StageRun(runId, stage, FAILED, startedAt, Instant.now(), rowsIn, rowsOut, rowsQuarantined,
        rowsDuplicate, counts, why);
  }
}
