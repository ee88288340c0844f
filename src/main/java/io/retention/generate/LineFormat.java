package io.retention.generate;

import io.retention.schema.Columns;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The canonical landing layout and how one record becomes one line: CSV (RFC 4180 quoting: a field holding a
 * comma, quote, CR or LF is quoted, quotes doubled) or JSON Lines (one object per line; amount and quantity as
 * numbers when they are numeric, every other value a string; an absent value is omitted).
 */
final class LineFormat {
  static final String COUNTRY = "country";
  static final String CHANNEL = "channel";

  /** Canonical column order of the landing files. */
  static final List<String> COLUMNS = List.of(Columns.ORDER_ID, Columns.CUSTOMER_ID, Columns.ORDER_TS,
      Columns.AMOUNT, Columns.CURRENCY, Columns.QUANTITY, Columns.KIND, COUNTRY, CHANNEL);
  static final int ORDER_ID = 0;
  static final int CUSTOMER_ID = 1;
  static final int ORDER_TS = 2;
  static final int AMOUNT = 3;
  static final int CURRENCY = 4;
  static final int QUANTITY = 5;
  static final int KIND = 6;
  static final int COUNTRY_IX = 7;
  static final int CHANNEL_IX = 8;

  /** Placeholder for one byte that is not valid UTF-8; {@link #bytes} turns it into 0xF1 (Latin-1 'ñ'). */
  static final char BAD_BYTE = '\u0000';

  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private LineFormat() {}

  /**
   * One line of output: the file it goes to (name without extension), its rank in that file (-1 header, 0 valid
   * orders, 1 bad rows, 2 a record that must come last), the instant it sorts by, what it is and its bytes.
   */
  record Line(String file, int rank, long ts, String kind, String note, byte[] bytes) {}

  static String csvHeader(List<String> columns) {
    return String.join(",", columns);
  }

  static String csv(String[] fields) {
    StringBuilder sb = new StringBuilder(96);
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      String v = fields[i] == null ? "" : fields[i];
      if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
        sb.append('"').append(v.replace("\"", "\"\"")).append('"');
      } else {
        sb.append(v);
      }
    }
    return sb.toString();
  }

  static String json(String[] fields) {
    StringBuilder sb = new StringBuilder(160).append('{');
    boolean first = true;
    for (int i = 0; i < fields.length; i++) {
      if (fields[i] == null) {
        continue;
      }
      if (!first) {
        sb.append(',');
      }
      first = false;
      sb.append('"').append(COLUMNS.get(i)).append("\":");
      boolean numeric = (i == AMOUNT || i == QUANTITY) && fields[i].matches("-?\\d+(\\.\\d+)?");
      if (numeric) {
        sb.append(fields[i]);
      } else {
        jsonString(sb, fields[i]);
      }
    }
    return sb.append('}').toString();
  }

  static void jsonString(StringBuilder sb, String v) {
    sb.append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 && c != BAD_BYTE) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /** UTF-8 bytes of a line, with each {@link #BAD_BYTE} placeholder replaced by the invalid byte 0xF1. */
  static byte[] bytes(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    if (line.indexOf(BAD_BYTE) >= 0) {
      for (int i = 0; i < b.length; i++) {
        if (b[i] == 0) {
          b[i] = (byte) 0xF1;
        }
      }
    }
    return b;
  }

  static String line(boolean csv, String[] fields) {
    return csv ? csv(fields) : json(fields);
  }

  /** ISO-8601 in UTC with a Z offset: 2024-03-05T14:22:31Z. */
  static String utc(long epochSecond) {
    return local(epochSecond, 0) + "Z";
  }

  /** The wall-clock time at {@code offsetHours} from UTC, without an offset. */
  static String local(long epochSecond, int offsetHours) {
    return LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.ofHours(offsetHours)).format(LOCAL);
  }

  static String iso(LocalDateTime t) {
    return t.format(LOCAL);
  }

  /** Cents as a signed decimal with two places: -1234 → -12.34. */
  static String money(long cents) {
    long abs = Math.abs(cents);
    String s = (abs / 100) + "." + (abs % 100 < 10 ? "0" : "") + (abs % 100);
    return cents < 0 ? "-" + s : s;
  }
}
