package io.retention.pipeline;

/** A failure in one line: the rule the runner's ops.runs rows and the command line's errors share. */
public final class Failures {
  private Failures() {}

  /** Collapses a multi-line message (Spark's parse errors span several) to one line; "" for null. */
  public static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
  }

  /** The innermost cause as {@code Class: message}. */
  public static String root(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    String m = c.getMessage();
    return c.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /**
   * A stage's own refusal (an IllegalStateException or IllegalArgumentException with a message) as it is,
   * anything else as its innermost cause ({@link #root}); on one line.
   */
  public static String describe(Throwable t) {
    if ((t instanceof IllegalStateException || t instanceof IllegalArgumentException) && t.getMessage() != null) {
      return oneLine(t.getMessage());
    }
    return oneLine(root(t));
  }
}
