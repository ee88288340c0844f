package io.retention.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a stage run puts in its ops.runs row besides the run id, stage, status and times: rows read and
 * written, rows quarantined and dropped as duplicates, named counts and a one-line note.
 */
public record RunRow(long rowsIn, long rowsOut, long rowsQuarantined, long rowsDuplicate, Map<String, Long> counts,
    String message) {

  public RunRow {
    counts = counts == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(counts));
  }

  /** A row of a stage that quarantines and drops nothing. */
  public static RunRow of(long rowsIn, long rowsOut, Map<String, Long> counts, String message) {
    return new RunRow(rowsIn, rowsOut, 0, 0, counts, message);
  }
}
