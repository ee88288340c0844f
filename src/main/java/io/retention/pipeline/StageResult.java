package io.retention.pipeline;

/** The result of a stage run: it knows the ops.runs row that records it. */
public interface StageResult {
  RunRow runRow();

  /** The one line the runner prints when the stage ends (counts; the runner adds the elapsed time). */
  default String summary() {
    RunRow r = runRow();
    return r.rowsIn() + " rows in, " + r.rowsOut() + " rows out";
  }
}
