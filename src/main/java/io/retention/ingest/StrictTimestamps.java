package io.retention.ingest;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
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
}
