package io.retention.ingest;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Locale;

/**
 * Reads order timestamps strictly: ISO-8601 with an offset first, then a source profile's local patterns in
 * the source zone. Impossible dates and times (2025-02-30, month 13, {@code T24:00:00}, 23:60) are refused,
 * never moved to a nearby valid instant: every pattern is resolved with {@link ResolverStyle#STRICT}, and its
 * year-of-era letters {@code y} become proleptic-year letters {@code u} (with STRICT, {@code yyyy} would need
 * an era field to resolve a date at all).
 */
final class StrictTimestamps {
  private final List<DateTimeFormatter> formats;
  private final ZoneId sourceZone;

  StrictTimestamps(List<String> patterns, ZoneId sourceZone) {
    this.formats = patterns.stream().map(StrictTimestamps::formatter).toList();
    this.sourceZone = sourceZone;
  }

  static DateTimeFormatter formatter(String pattern) {
    return DateTimeFormatter.ofPattern(prolepticYear(pattern), Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);
  }

  /** {@code pattern} with every unquoted {@code y} replaced by {@code u}. */
  static String prolepticYear(String pattern) {
    StringBuilder out = new StringBuilder(pattern.length());
    boolean quoted = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      }
      out.append(!quoted && c == 'y' ? 'u' : c);
    }
    return out.toString();
  }

  /** The instant, or null when the text is no valid timestamp in any accepted form. */
  Instant parse(String s) {
    Instant utc = utcSeconds(s);
    if (utc != null) {
      return utc;
    }
    try {
      return OffsetDateTime.parse(s).toInstant(); // ISO_OFFSET_DATE_TIME resolves strictly
    } catch (DateTimeException e) {
      // not ISO-8601 with an offset: try the profile's local formats
    }
    for (DateTimeFormatter f : formats) {
      try {
        TemporalAccessor t = f.parseBest(s, LocalDateTime::from, LocalDate::from);
        LocalDateTime ldt = t instanceof LocalDateTime l ? l : ((LocalDate) t).atStartOfDay();
        return ldt.atZone(sourceZone).toInstant();
      } catch (DateTimeException e) {
        // next format
      }
    }
    return null;
  }

  /**
   * The instant of {@code uuuu-MM-ddTHH:mm:ssZ}, the form most logs are written in, read without a formatter
   * (whose field maps are most of a record's validation time); null for any other text and for an impossible date
   * or time ({@link LocalDateTime#of} checks the ranges and the day of the month), which then go the general way.
   * For every text it reads, the general way ({@link OffsetDateTime#parse}) reads the same instant.
   */
  static Instant utcSeconds(String s) {
    if (s.length() != 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
        || s.charAt(16) != ':' || s.charAt(19) != 'Z') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The number the ASCII digits {@code s[from, to)} write, or -1 when one is no such digit. */
  private static int digits(String s, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
