package io.retention.app;

import java.nio.file.Path;

/**
 * Where this process writes its log file: the system property {@value #PROPERTY} (set by {@code jobs/retention}
 * to {@code $RETENTION_LOG_DIR/retention-<YYYY-MM-DD>.log}, default {@code <home>/logs}), else the fallback of
 * {@code conf/log4j2.properties}, {@code <java.io.tmpdir>/retention-<user>.log}. The file holds the
 * library warnings kept off the console and the stack trace of a failed command.
 */
final class LogFile {
  static final String PROPERTY = "retention.log.file";

  private LogFile() {}

  /** The log file's path (it exists only once something was logged to it). */
  static Path current() {
    String p = System.getProperty(PROPERTY);
    return p != null && !p.isBlank() ? Path.of(p)
        : Path.of(System.getProperty("java.io.tmpdir"), "retention-" + System.getProperty("user.name") + ".log");
  }
}
