package io.retention.lake;

/**
 * Crash points for the crash-safety tests: when the system property {@code retention.haltAt} (or the
 * environment variable {@code RETENTION_HALT_AT}) names a point, the JVM halts there at once, exactly as
 * {@code kill -9} would stop it (no shutdown hooks, no cleanup). Unset in normal runs.
 *
 * <ul>
 *   <li>Named points: {@code ingest.after-bronze}, …, {@code nightly.after-<stage>} (a nightly stage finished
 *       its work but the nightly has not recorded it yet), {@code export.before-rename} (the export's temporary
 *       folder is complete, the rename into place has not happened).</li>
 *   <li>Commit points {@code commit:<layer>/<table>}: the JVM halts right after the first Delta commit to that
 *       table (its {@code _delta_log/NNN.json} is written), wherever in a stage it happens. They work through
 *       {@link HaltingLogStore}, which {@link #installCommitHook()} selects before the SparkSession starts.</li>
 * </ul>
 */
public final class FaultInjection {
  public static final String PROPERTY = "retention.haltAt";
  public static final String ENV = "RETENTION_HALT_AT";
  public static final String COMMIT_PREFIX = "commit:";
  static final String LOG_STORE_CLASS = "spark.delta.logStore.class";

  private FaultInjection() {}

  static String target() {
    return System.getProperty(PROPERTY, System.getenv(ENV));
  }

  public static void point(String name) {
    if (name.equals(target())) {
      halt(name);
    }
  }

  /**
   * When the halt target is a commit point, makes Delta write its log through {@link HaltingLogStore} (a
   * system property read by the SparkConf of the session created afterwards). No effect otherwise.
   */
  public static void installCommitHook() {
    String at = target();
    if (at != null && at.startsWith(COMMIT_PREFIX) && System.getProperty(LOG_STORE_CLASS) == null) {
      System.setProperty(LOG_STORE_CLASS, HaltingLogStore.class.getName());
    }
  }

  /** Called by {@link HaltingLogStore} after it wrote the Delta log file {@code logFile}. */
  static void afterCommit(String logFile) {
    String at = target();
    if (at == null || !at.startsWith(COMMIT_PREFIX) || !logFile.endsWith(".json")) {
      return;
    }
    String table = at.substring(COMMIT_PREFIX.length());
    if (logFile.contains("/" + table + "/_delta_log/")) {
      halt(at + " (" + logFile.substring(logFile.lastIndexOf('/') + 1) + ")");
    }
  }

  private static void halt(String what) {
    System.err.println("retention: halting at fault-injection point " + what);
    System.err.flush();
    Runtime.getRuntime().halt(137);
  }
}
