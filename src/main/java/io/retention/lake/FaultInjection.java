package io.retention.lake;

/**
 * Crash points for the crash-safety tests: when the system property {@code retention.haltAt} (or the
 * environment variable {@code RETENTION_HALT_AT}) names a point, the JVM halts there at once, exactly as
 * {@code kill -9} would stop it (no shutdown hooks, no cleanup). Unset in normal runs.
 */
public final class FaultInjection {
  private FaultInjection() {}

  public static void point(String name) {
    String at = System.getProperty("retention.haltAt", System.getenv("RETENTION_HALT_AT"));
    if (name.equals(at)) {
      System.err.println("retention: halting at fault-injection point " + name);
      System.err.flush();
      Runtime.getRuntime().halt(137);
    }
  }
}
