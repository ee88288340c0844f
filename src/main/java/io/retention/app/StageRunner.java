package io.retention.app;

import io.retention.lake.DeltaTables;
import io.retention.lake.RunLog;
import io.retention.lake.StageRun;
import java.time.Instant;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one stage, timing it and recording its outcome (ok or failed, with its counts) in ops.runs. */
final class StageRunner {
  private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);

  /** A stage's result translated into a run-log row. */
  interface Body<R> {
    R run() throws Exception;
  }

  private StageRunner() {}

  static <R> R run(DeltaTables tables, String runId, String stage, Body<R> body,
      Function<R, StageRun> toRun) throws Exception {
    Instant started = Instant.now();
    LOG.info("stage {} started", stage);
    try {
      R r = body.run();
      StageRun row = toRun.apply(r);
      new RunLog(tables).record(new StageRun(row.runId() == null ? runId : row.runId(), stage, row.status(),
          started, Instant.now(), row.rowsIn(), row.rowsOut(), row.rowsQuarantined(), row.rowsDuplicate(),
          row.counts(), row.message()));
      LOG.info("stage {} finished in {} ms", stage, Instant.now().toEpochMilli() - started.toEpochMilli());
      return r;
    } catch (Exception | Error e) {
      String why = Main.oneLine(Main.rootMessage(e));
      try {
        new RunLog(tables).record(new StageRun(runId, stage, StageRun.FAILED, started, Instant.now(), 0, 0, 0, 0,
            null, why));
      } catch (RuntimeException logFailure) {
        e.addSuppressed(logFailure);
      }
      throw e;
    }
  }
}
