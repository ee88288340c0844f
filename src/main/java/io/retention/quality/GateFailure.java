package io.retention.quality;

/**
 * A failing quality gate, or a night still held by one: the night stops before anything is published. Reported
 * on one line with its own exit code (3), so a scheduler can tell it from a job failure (1).
 */
public final class GateFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public GateFailure(String message) {
    super(message);
  }
}
