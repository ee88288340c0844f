package io.retention.pipeline;

import io.retention.lake.StageRun;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every stage the same way (standalone command, nightly or bench): labels its Spark jobs with a job group
 * named after the stage, prints a start line and an end line with its counts and elapsed time (and, while it
 * runs, a {@link Progress} line per interval once it has run that long), and appends its
 * ops.runs row — {@code ok} with the counts its {@link StageResult} reports, or {@code failed} with the run id
 * and a one-line reason when it throws (the exception is rethrown unchanged), to the context's run log.
 *
 * <p>Modelled on Iceberg's {@code BaseSparkAction.withJobGroupInfo}. Cost: one small Delta append per run (none until the flush for a nightly).
 */
public final class StageRunner {
  private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);

  /** A stage's work. */
  @FunctionalInterface
  public interface Body<R extends StageResult> {
    R run() throws Exception;
  }

  private StageRunner() {}

  public static <R extends StageResult> R run(StageContext ctx, String stage, Body<R> body) throws Exception {
    Instant started = Instant.now();
    SparkContext sc = ctx.tables().spark().sparkContext();
    String group = stage + " (run " + ctx.runId() + ")";
    sc.setJobGroup(stage, group, false);
    ctx.err().printf(Locale.ROOT, "%n== %s started (run %s)%n", stage, ctx.runId());
    try {
      R r;
      try (Progress ignored = Progress.start(sc, stage, group, ctx.err())) {
        r = body.run();
      }
      RunRow row = r.runRow();
      Instant finished = Instant.now();
      ctx.runs().record(new StageRun(ctx.runId(), stage, StageRun.OK, started, finished,
          row.rowsIn(), row.rowsOut(), row.rowsQuarantined(), row.rowsDuplicate(), row.counts(), row.message()));
      ctx.err().printf(Locale.ROOT, "== %s ok in %s: %s%n", stage, seconds(started, finished), r.summary());
      return r;
    } catch (Exception | Error e) {
      String why = Failures.describe(e);
      try {
        ctx.runs().record(new StageRun(ctx.runId(), stage, StageRun.FAILED, started, Instant.now(),
            0, 0, 0, 0, null, why));
      } catch (RuntimeException logFailure) {
        e.addSuppressed(logFailure);
      }
      LOG.info("stage {} failed after {}: {}", stage, seconds(started, Instant.now()), why);
      throw e;
    } finally {
      sc.clearJobGroup();
    }
  }

  /** Elapsed time as {@code 12.3 s}. */
  public static String seconds(Instant from, Instant to) {
    return String.format(Locale.ROOT, "%.1f s", Duration.between(from, to).toMillis() / 1000.0);
  }
}
