package io.retention.schema;

import java.sql.Date;
import java.time.LocalDate;

/** Literals for SQL expression strings. */
public final class SqlLiterals {
  private SqlLiterals() {}

  /** SQL literal of a DATE, e.g. {@code DATE'2025-12-31'}. */
  public static String date(LocalDate d) {
    return "DATE'" + Date.valueOf(d) + "'";
  }
}
