package io.retention.quality;

import java.util.Locale;

/**
 * One gate checked on one night.
 *
 * @param value the night's value of the gate's metric
 * @param threshold the bound the value crossed or stayed within (the tightest one; median bounds as k × median)
 * @param median the trailing nights' median of the metric (null: the gate has no median bound, or too few nights)
 * @param outcome {@code pass}, {@code warn}, {@code fail}, or {@code skipped} (too few earlier nights)
 */
public record GateResult(String gate, String metric, double value, Double threshold, Double median,
    String action, String outcome, String message) {
  public static final String PASS = "pass";
  public static final String WARN = "warn";
  public static final String FAIL = "fail";
  public static final String SKIPPED = "skipped";

  public boolean tripped() {
    return WARN.equals(outcome) || FAIL.equals(outcome);
  }

  /** A number for a message: up to 4 significant decimals, no trailing zeros. */
  static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%d", (long) v);
    }
    String s = String.format(Locale.ROOT, "%.4f", v);
    return s.replaceAll("0+$", "").replaceAll("\\.$", "");
  }
}
