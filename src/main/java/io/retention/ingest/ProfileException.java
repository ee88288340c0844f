package io.retention.ingest;

/** A missing or invalid source profile: a usage error, reported on one line. */
public final class ProfileException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ProfileException(String message) {
    super(message);
  }
}
