package io.retention.app;

/** A bad command-line value or configuration key: reported on one line, exit code 2, before Spark starts. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
