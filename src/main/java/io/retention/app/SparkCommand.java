package io.retention.app;

import io.retention.lake.WarehouseLock;
import io.retention.pipeline.Failures;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;

/**
 * Base of every command that needs Spark: validates its options and the configuration first (exit 2 on a bad
 * value, before Spark starts), then runs with a session.
 */
public abstract class SparkCommand implements Callable<Integer> {
  @Mixin
  protected CommonOptions common;

  /** Summaries and progress go to stderr; stdout carries only query results. */
  protected final PrintStream err = System.err;

  /** Checks this command's own options; throw {@link ConfigException} for a bad one. */
  protected void validate(JobConfig config) {}

  protected abstract int run(JobConfig config, SparkSession spark) throws Exception;

  /**
   * Commands that write the warehouse name themselves here: they take its lock before Spark starts, so a
   * second writer exits at once with a clear message.
   */
  protected String lockHolder() {
    return null;
  }

  /** Whether the session's catalog is the warehouse's Hive metastore ({@link Metastore}), not an in-memory one. */
  protected boolean metastore(JobConfig config) {
    return false;
  }

  protected String appName() {
    return "retention-" + getClass().getSimpleName().replace("Command", "").toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public Integer call() throws Exception {
    JobConfig config = common.load();
    try {
      validate(config);
    } catch (IllegalArgumentException e) { // a stage's Options record refused a value from any layer
      throw new ConfigException(Failures.oneLine(e.getMessage()));
    }
    WarehouseLock lock = null;
    if (lockHolder() != null) {
      try {
        lock = WarehouseLock.acquire(config.warehouse(), lockHolder());
      } catch (IllegalStateException e) {
        throw new JobFailure(e.getMessage());
      }
    }
    try {
      SparkSession spark = SparkSessions.create(config, appName(), metastore(config));
      try {
        return run(config, spark);
      } finally {
        spark.stop();
      }
    } finally {
      if (lock != null) {
        lock.close();
      }
    }
  }
}
