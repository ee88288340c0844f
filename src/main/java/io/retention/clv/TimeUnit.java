package io.retention.clv;

import java.util.Locale;

/** The BG/NBD time unit: recency and T are days / {@link #days()} (fractional weeks for WEEK). */
public enum TimeUnit {
  DAY(1),
  WEEK(7);

  private final double days;

  TimeUnit(double days) {
    this.days = days;
  }

  public double days() {
    return days;
  }

  /** The configuration spelling: {@code day} or {@code week}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TimeUnit parse(String s) {
    for (TimeUnit u : values()) {
      if (u.label().equals(s)) {
        return u;
      }
    }
    throw new IllegalArgumentException("time unit must be day or week, cannot be: " + s);
  }
}
