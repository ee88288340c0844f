package io.retention.schema;

import java.time.LocalDate;
import java.util.TimeZone;

/**
 * The day of a {@code java.sql.Date} as Spark hands DATE values to Java code, without {@code java.util.Date}'s
 * calendar fields: {@link java.sql.Date#toLocalDate()} builds a Gregorian calendar date in the default time zone
 * for every fresh object, a visible share of the per-customer loops' CPU. Here the same local date in the same
 * default zone comes from the instant's offset and one division. Before the Gregorian cutover (1582-10-15),
 * where {@code java.util.Date} counts in the Julian calendar, it defers to {@code toLocalDate()}, so the result is
 * always {@code d.toLocalDate()}.
 */
public final class EpochDays {
  private static final long MILLIS_PER_DAY = 86_400_000L;
  private static final long GREGORIAN_FROM = LocalDate.of(1582, 10, 17).toEpochDay(); // a day of margin

  private EpochDays() {}

  /** {@code d.toLocalDate().toEpochDay()}. */
  public static long of(java.sql.Date d) {
    long millis = d.getTime();
    long day = Math.floorDiv(millis + TimeZone.getDefault().getOffset(millis), MILLIS_PER_DAY);
    return day >= GREGORIAN_FROM ? day : d.toLocalDate().toEpochDay();
  }

  /** {@code d.toLocalDate()}. */
  public static LocalDate localDate(java.sql.Date d) {
    return LocalDate.ofEpochDay(of(d));
  }
}
