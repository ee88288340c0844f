package io.retention.app;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** Parsers of flag values shared by the commands: a bad value is a {@link ConfigException} naming the flag. */
final class Flags {
  private Flags() {}

  /** An ISO date {@code YYYY-MM-DD}, or null when the flag is absent. */
  static LocalDate date(String option, String value) {
    if (value == null) {
      return null;
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new ConfigException(option + " must be a date YYYY-MM-DD, cannot be: " + value);
    }
  }

  /** The CLV time unit: day or week. */
  static String timeUnit(String value) {
    if (!"day".equals(value) && !"week".equals(value)) {
      throw new ConfigException("--time-unit must be day or week, cannot be: " + value);
    }
    return value;
  }
}
