package io.retention.app;

import io.retention.lake.DeltaTables;
import io.retention.pipeline.Failures;
import io.retention.pipeline.StageContext;
import io.retention.pipeline.StageResult;
import io.retention.pipeline.StageRunner;
import org.apache.spark.sql.SparkSession;

/**
 * A command that runs one stage: flags + configuration → the stage's options (in {@link #validate}) → the
 * {@link StageRunner} → a printed summary. {@code nightly} runs the same {@link #execute} with its own context
 * (one run id, a pinned as-of date), so a stage behaves the same alone and in the night.
 */
public abstract class StageCommand<R extends StageResult> extends SparkCommand {

  /** The stage's name in ops.runs and in the Spark job group. */
  protected abstract String stage();

  /**
   * The stage's work. {@code ctx.asOf()} is the date pinned by the nightly, or null (a flag or the default
   * as-of date then decides).
   */
  protected abstract R runStage(JobConfig config, StageContext ctx) throws Exception;

  /** The command's summary on stderr (may read small results from {@code ctx.tables()}). */
  protected abstract void print(R result, StageContext ctx);

  /**
   * Everything besides its input tables that decides what the stage writes, for the nightly's skip check:
   * its options with the as-of date of {@code ctx} resolved.
   */
  protected String fingerprint(JobConfig config, StageContext ctx) {
    return "asOf=" + ctx.asOf();
  }

  protected int exitCode(R result) {
    return Main.OK;
  }

  @Override
  protected final int run(JobConfig config, SparkSession spark) throws Exception {
    StageContext ctx = StageContext.forCommand(new DeltaTables(spark, config.warehouse()), stage(), null, err);
    R r = execute(config, ctx);
    print(r, ctx);
    return exitCode(r);
  }

  /** Runs the stage through the runner; a stage's own refusal (bad state of the data) becomes a JobFailure. */
  final R execute(JobConfig config, StageContext ctx) throws Exception {
    try {
      return StageRunner.run(ctx, stage(), () -> runStage(config, ctx));
    } catch (io.retention.currency.CurrencyRates.MissingRate e) { // the user's to fix: one line, no stack trace
      throw new JobFailure(Failures.oneLine(e.getMessage()));
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new JobFailure(Failures.oneLine(e.getMessage()), e);
    }
  }
}
