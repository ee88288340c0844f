package io.retention.currency;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.retention.lake.StageLedger;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A CSV file of exchange rates to the reporting currency, read and checked on the driver (a rates file is small:
 * ten currencies of daily rates over ten years are 36,500 lines).
 *
 * <p>Format: UTF-8, a header line {@code currency,valid_from,rate}, then one line per currency and day:
 * {@code GBP,2024-01-01,1.1534} means 1 GBP = 1.1534 units of the reporting currency for orders dated from
 * 2024-01-01 until the next valid_from of GBP. currency is a three-letter code (ISO 4217, upper or lower case),
 * valid_from a date yyyy-mm-dd, rate a positive decimal with at most {@value #RATE_SCALE} decimals and at most
 * {@value #RATE_INTEGER_DIGITS} digits before the point. Empty lines and lines starting with {@code #} are
 * skipped. A line for the reporting currency itself must have rate 1 (it is not stored: the reporting currency
 * always converts at 1). One (currency, valid_from) appears once.
 *
 * @param path the file as given
 * @param sha256 hex SHA-256 of the file's text (what tells a changed file)
 * @param rates the rates of the file, in file order, without the reporting currency's
 */
public record RatesFile(Path path, String sha256, List<Rate> rates) {
  public static final int RATE_SCALE = 10;
  public static final int RATE_INTEGER_DIGITS = 8;
  static final List<String> HEADER = List.of("currency", "valid_from", "rate");

  /** One rate: 1 {@code currency} = {@code rate} units of the reporting currency from {@code validFrom} on. */
  public record Rate(String currency, LocalDate validFrom, BigDecimal rate) {}

  /** A file that cannot be read or has a bad line: the message names the file and the line. */
  public static final class BadRatesFile extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadRatesFile(String message) {
      super(message);
    }
  }

  /** Reads and checks {@code file}: rates to {@code reporting}. Throws {@link BadRatesFile} naming file and line. */
  public static RatesFile read(Path file, String reporting) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new BadRatesFile("rates file " + file + ": cannot be read (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + ")");
    }
    return parse(file, bytes, reporting);
  }

  static RatesFile parse(Path file, byte[] bytes, String reporting) {
    CSVFormat format = CSVFormat.DEFAULT.builder().setCommentMarker('#').setIgnoreEmptyLines(true)
        .setIgnoreSurroundingSpaces(true).get();
    String text = new String(bytes, StandardCharsets.UTF_8);
    List<Rate> rates = new ArrayList<>();
    Map<String, Long> seen = new HashMap<>();
    boolean header = false;
    int counted = 0;
    long line = 1;
    try (CSVParser parser = CSVParser.parse(text, format)) {
      for (CSVRecord r : parser) {
        // the record's position may be that of the blank lines before it: count up to its first character
        for (long end = Math.min(r.getCharacterPosition(), text.length()); counted < text.length()
            && (counted < end || Character.isWhitespace(text.charAt(counted))); counted++) {
          line += text.charAt(counted) == '\n' ? 1 : 0;
        }
        if (!header) {
          List<String> names = r.toList().stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
          if (!names.equals(HEADER)) {
            throw bad(file, line, "the header must be " + String.join(",", HEADER) + ", found: "
                + String.join(",", r.toList()));
          }
          header = true;
          continue;
        }
        Rate rate = rate(file, line, r, reporting);
        if (rate == null) {
          continue;
        }
        Long before = seen.putIfAbsent(rate.currency() + " " + rate.validFrom(), line);
        if (before != null) {
          throw bad(file, line, rate.currency() + " valid_from " + rate.validFrom() + " is given twice (also line "
              + before + ")");
        }
        rates.add(rate);
      }
    } catch (IOException | java.io.UncheckedIOException | IllegalStateException e) {
      throw new BadRatesFile("rates file " + file + ": not a CSV file: " + e.getMessage());
    }
    if (!header) {
      throw bad(file, 1, "empty file: the header " + String.join(",", HEADER) + " is missing");
    }
    return new RatesFile(file, StageLedger.sha256(text), List.copyOf(rates));
  }

  /** One data line checked; null for the reporting currency's own line (rate 1). */
  private static Rate rate(Path file, long line, CSVRecord r, String reporting) {
    if (r.size() != HEADER.size()) {
      throw bad(file, line, "expected 3 fields currency,valid_from,rate, found " + r.size());
    }
    String currency = r.get(0).trim().toUpperCase(Locale.ROOT);
    if (!currency.matches("[A-Z]{3}")) {
      throw bad(file, line, "currency '" + r.get(0) + "' is not a three-letter code");
    }
    LocalDate from;
    try {
      from = LocalDate.parse(r.get(1).trim());
    } catch (DateTimeException e) {
      throw bad(file, line, "valid_from '" + r.get(1) + "' is not a date yyyy-mm-dd");
    }
    BigDecimal rate;
    try {
      rate = new BigDecimal(r.get(2).trim());
    } catch (NumberFormatException e) {
      throw bad(file, line, "rate '" + r.get(2) + "' is not a number");
    }
    if (rate.signum() <= 0) {
      throw bad(file, line, "rate " + r.get(2) + " must be above 0");
    }
    if (rate.scale() > RATE_SCALE || rate.precision() - rate.scale() > RATE_INTEGER_DIGITS) {
      throw bad(file, line, "rate " + r.get(2) + " has more than " + RATE_SCALE + " decimals or more than "
          + RATE_INTEGER_DIGITS + " digits before the point");
    }
    if (currency.equals(reporting)) {
      if (rate.compareTo(BigDecimal.ONE) != 0) {
        throw bad(file, line, currency + " is the reporting currency: its rate is 1, cannot be " + r.get(2));
      }
      return null;
    }
    return new Rate(currency, from, rate.setScale(RATE_SCALE));
  }

  private static BadRatesFile bad(Path file, long line, String why) {
    return new BadRatesFile("rates file " + file + " line " + line + ": " + why);
  }
}
