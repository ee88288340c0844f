package io.retention.metrics;

import java.util.Locale;

/**
 * A calendar grain. Every date maps to an absolute period number (an INT that grows by one per period), so
 * "whole periods since the cohort" is a subtraction. Weeks are ISO weeks starting on Monday; 1970-01-01 was a
 * Thursday, so week n starts on unix day {@code 7n - 3}.
 *
 * <p>The methods return Spark SQL fragments, so the same arithmetic works on columns and inside higher-order
 * function lambdas ({@code transform(days, d -> ...)}).
 */
public enum Grain {
  DAY, WEEK, MONTH, QUARTER;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Grain parse(String s) {
    for (Grain g : values()) {
      if (g.id().equals(s)) {
        return g;
      }
    }
    throw new IllegalArgumentException("grain must be one of day, week, month, quarter, cannot be: " + s);
  }

  /** SQL: the absolute period number (INT) of the DATE expression {@code date}. */
  public String period(String date) {
    return switch (this) {
      case DAY -> "unix_date(" + date + ")";
      case WEEK -> "CAST(floor((unix_date(" + date + ") + 3) / 7) AS INT)";
      case MONTH -> "(year(" + date + ") * 12 + month(" + date + ") - 1)";
      case QUARTER -> "(year(" + date + ") * 4 + quarter(" + date + ") - 1)";
    };
  }

  /** SQL: the first day (DATE) of absolute period number {@code n}. */
  public String start(String n) {
    return switch (this) {
      case DAY -> "date_from_unix_date(" + n + ")";
      case WEEK -> "date_from_unix_date((" + n + ") * 7 - 3)";
      case MONTH -> "make_date(CAST((" + n + ") DIV 12 AS INT), CAST((" + n + ") % 12 + 1 AS INT), 1)";
      case QUARTER -> "make_date(CAST((" + n + ") DIV 4 AS INT), CAST(((" + n + ") % 4) * 3 + 1 AS INT), 1)";
    };
  }

  /** The first day of absolute period number {@code n}, in Java (same arithmetic as {@link #start}). */
  public java.time.LocalDate startOf(int n) {
    return switch (this) {
      case DAY -> java.time.LocalDate.ofEpochDay(n);
      case WEEK -> java.time.LocalDate.ofEpochDay(7L * n - 3);
      case MONTH -> java.time.LocalDate.of(n / 12, n % 12 + 1, 1);
      case QUARTER -> java.time.LocalDate.of(n / 4, (n % 4) * 3 + 1, 1);
    };
  }

  /** SQL: the last day (DATE) of absolute period number {@code n}. */
  public String end(String n) {
    return "date_sub(" + start("(" + n + ") + 1") + ", 1)";
  }

  /** The absolute period number of a date, computed on the driver (same arithmetic as {@link #period}). */
  public int periodOf(java.time.LocalDate d) {
    long day = d.toEpochDay();
    return switch (this) {
      case DAY -> (int) day;
      case WEEK -> (int) Math.floorDiv(day + 3, 7);
      case MONTH -> d.getYear() * 12 + d.getMonthValue() - 1;
      case QUARTER -> d.getYear() * 4 + (d.getMonthValue() - 1) / 3;
    };
  }
}
