package io.retention.generate;

import io.retention.generate.CustomerSimulator.Event;
import io.retention.generate.LineFormat.Line;
import io.retention.schema.Columns;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Bad row number {@code i}, from its own random stream (seed, i). Kinds go round-robin over
 * {@link BadKind#forFormat}, so every kind is present as soon as there are as many bad rows as kinds; the
 * variant within a kind goes round-robin too. Every row has exactly one defect (see {@link #describe}):
 * <ul>
 *   <li>a CSV {@code malformed_record} is an unterminated quote, which runs to the end of the file: it is the
 *       last line of its file and there is at most one per file (surplus ones become
 *       {@code wrong_column_count});</li>
 *   <li>{@code missing_column} rows go to {@code missing-column.csv}, whose header lacks {@code amount};</li>
 *   <li>{@code conflicting_duplicate} rows reuse the order id of a customer's first purchase with one field
 *       changed, and {@code duplicate_replay} rows copy one of a customer's lines byte for byte; both land in
 *       the file of the original, after it.</li>
 * </ul>
 */
final class BadRows implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String BAD_ROWS_FILE = "bad-rows";
  static final String MISSING_COLUMN_FILE = "missing-column";
  static final String REPLAY_NOTE = "exact copy of a valid line";

  private final GeneratorOptions o;
  private final CustomerSimulator sim;
  private final List<BadKind> kinds;
  private final long malformedFiles;

  BadRows(GeneratorOptions o, CustomerSimulator sim) {
    this.o = o;
    this.sim = sim;
    this.kinds = BadKind.forFormat(o.csv());
    this.malformedFiles = Math.min(slots(BadKind.MALFORMED_RECORD), o.badRowsFile() ? 1 : o.days());
  }

  /** How many bad rows the options ask for: {@code badRows × orders}, but at least one of each kind. */
  static long count(GeneratorOptions o) {
    if (o.badRows() == 0) {
      return 0;
    }
    return Math.max(BadKind.forFormat(o.csv()).size(), Math.round(o.badRows() * o.orders()));
  }

  /** How many rows are assigned {@code kind} by the round-robin. */
  long slots(BadKind kind) {
    int ix = kinds.indexOf(kind);
    long n = count(o);
    return ix < 0 || n <= ix ? 0 : (n - ix + kinds.size() - 1) / kinds.size();
  }

  Line row(long i) {
    BadKind kind = kinds.get((int) (i % kinds.size()));
    long j = i / kinds.size();
    if (kind == BadKind.MALFORMED_RECORD && o.csv() && j >= malformedFiles) {
      kind = BadKind.WRONG_COLUMN_COUNT;
    }
    SplittableRandom rng = Rng.of(o.seed(), Rng.BAD_ROWS, i);
    long customer = rng.nextLong(o.customers());
    if (kind == BadKind.CONFLICTING_DUPLICATE) {
      // distinct customers for distinct j (the multiplier is prime), so no two conflicts are alike
      customer = Math.floorMod(j * 2_654_435_761L + o.seed(), o.customers());
    }
    if (kind == BadKind.DUPLICATE_REPLAY || kind == BadKind.CONFLICTING_DUPLICATE) {
      return copy(kind, (int) (j % 3), rng, sim.events(customer));
    }
    int day = kind == BadKind.MALFORMED_RECORD && o.csv()
        ? (int) (j * o.days() / malformedFiles) : rng.nextInt(o.days());
    long epoch = sim.startEpoch() + 86_400L * day + Seasonality.secondOfDay(rng);
    int country = rng.nextInt(CustomerSimulator.COUNTRIES.length);
    String[] f = {"O" + CustomerSimulator.pad(customer, 7) + "-B" + i, CustomerSimulator.customerId(customer),
        LineFormat.utc(epoch), LineFormat.money(500 + rng.nextInt(20_000)), CustomerSimulator.CURRENCIES[country],
        Integer.toString(1 + rng.nextInt(3)), Columns.KIND_PURCHASE, CustomerSimulator.COUNTRIES[country],
        CustomerSimulator.CHANNELS[rng.nextInt(CustomerSimulator.CHANNELS.length)]};
    String note = describe(kind, (int) j, f, epoch);
    String file = kind == BadKind.MISSING_COLUMN ? MISSING_COLUMN_FILE : fileOf(day);
    int rank = kind == BadKind.MALFORMED_RECORD && o.csv() ? 2 : 1;
    return new Line(file, rank, epoch, kind.code(), note, LineFormat.bytes(render(kind, (int) j, f)));
  }

  private Line copy(BadKind kind, int variant, SplittableRandom rng, List<Event> events) {
    if (kind == BadKind.DUPLICATE_REPLAY) {
      Event e = events.get(rng.nextInt(events.size()));
      return new Line(fileOf(e.day()), 1, e.epochSecond(), kind.code(), REPLAY_NOTE,
          LineFormat.bytes(LineFormat.line(o.csv(), e.fields())));
    }
    Event first = events.get(0);
    String[] f = first.fields().clone();
    String note;
    if (variant == 0) {
      f[LineFormat.AMOUNT] = new BigDecimal(f[LineFormat.AMOUNT]).add(BigDecimal.ONE).toPlainString();
      note = "order id of a valid order, amount 1.00 higher";
    } else if (variant == 1) {
      f[LineFormat.QUANTITY] = Integer.toString(Integer.parseInt(f[LineFormat.QUANTITY]) + 1);
      note = "order id of a valid order, quantity 1 higher";
    } else {
      f[LineFormat.CHANNEL_IX] = f[LineFormat.CHANNEL_IX].startsWith("store") ? "web" : "store";
      note = "order id of a valid order, other channel";
    }
    return new Line(fileOf(first.day()), 1, first.epochSecond(), kind.code(), note,
        LineFormat.bytes(LineFormat.line(o.csv(), f)));
  }

  private String fileOf(int day) {
    return o.badRowsFile() ? BAD_ROWS_FILE : sim.fileOf(day);
  }

  /** Applies the defect of {@code kind} (variant {@code j}) to {@code f} and says what it is. */
  String describe(BadKind kind, int j, String[] f, long epoch) {
    return switch (kind) {
      case INVALID_ENCODING -> set(j, f, LineFormat.COUNTRY_IX, "Espa" + LineFormat.BAD_BYTE + "a",
          LineFormat.CHANNEL_IX, "peque" + LineFormat.BAD_BYTE + "a-tienda");
      case MISSING_ORDER_ID -> set(j, f, LineFormat.ORDER_ID, "", LineFormat.ORDER_ID, null);
      case MISSING_CUSTOMER_ID -> set(j, f, LineFormat.CUSTOMER_ID, "", LineFormat.CUSTOMER_ID, null);
      case INVALID_TIMESTAMP -> set(j, f, LineFormat.ORDER_TS, "", LineFormat.ORDER_TS, "2024-13-45T25:61:00Z",
          LineFormat.ORDER_TS, "yesterday");
      case FUTURE_TIMESTAMP -> set(0, f, LineFormat.ORDER_TS, LineFormat.iso(
          LocalDateTime.ofEpochSecond(epoch, 0, ZoneOffset.UTC).withYear(2099)) + "Z");
      case INVALID_AMOUNT -> set(j, f, LineFormat.AMOUNT, "NaN", LineFormat.AMOUNT, "Infinity",
          LineFormat.AMOUNT, "abc", LineFormat.AMOUNT, "-25.00", LineFormat.AMOUNT, "", LineFormat.AMOUNT,
          "-Infinity");
      case AMOUNT_OUT_OF_RANGE -> j % 3 == 2
          ? set(0, withKind(f, Columns.KIND_REFUND), LineFormat.AMOUNT, "-2500000.00")
          : set(j, f, LineFormat.AMOUNT, "1500000.00", LineFormat.AMOUNT, "1000000.01");
      case INVALID_QUANTITY -> set(j, f, LineFormat.QUANTITY, "two", LineFormat.QUANTITY, "n/a");
      case CURRENCY_NOT_ALLOWED -> set(j, f, LineFormat.CURRENCY, "JPY", LineFormat.CURRENCY, "CHF",
          LineFormat.CURRENCY, "SEK");
      case INVALID_KIND -> set(j, f, LineFormat.KIND, "return", LineFormat.KIND, "gift",
          LineFormat.KIND, "chargeback");
      case MALFORMED_RECORD -> !o.csv() ? (j % 2 == 0 ? "truncated JSON object" : "a JSON array, not an object")
          : "unterminated quote before the amount (last line of its file)";
      case WRONG_COLUMN_COUNT -> j % 2 == 0 ? "8 fields: channel missing" : "10 fields: one extra";
      case MISSING_COLUMN -> "file header lacks amount";
      default -> throw new IllegalArgumentException("not a fresh bad row: " + kind);
    };
  }

  private static String[] withKind(String[] f, String kind) {
    f[LineFormat.KIND] = kind;
    return f;
  }

  /**
   * Sets one field: variant {@code k = j mod n} of the n (field index, value) pairs; a null value means "key
   * absent" in JSON and an empty field in CSV. Returns what was done, e.g. {@code amount NaN}.
   */
  private String set(int j, String[] f, Object... pairs) {
    int k = j % (pairs.length / 2);
    int ix = (Integer) pairs[2 * k];
    String value = (String) pairs[2 * k + 1];
    if (value == null && o.csv()) {
      value = "";
    }
    f[ix] = value;
    String shown = value == null ? "absent" : value.isEmpty() ? "empty"
        : value.replace(String.valueOf(LineFormat.BAD_BYTE), "\\xF1");
    boolean negative = ix == LineFormat.AMOUNT && value != null && value.matches("-\\d.*");
    return LineFormat.COLUMNS.get(ix) + " " + shown + (negative ? " on a " + f[LineFormat.KIND] : "");
  }

  /** The line of a fresh bad row whose fields already carry the defect. */
  String render(BadKind kind, int j, String[] f) {
    boolean csv = o.csv();
    switch (kind) {
      case MALFORMED_RECORD:
        if (csv) {
          return LineFormat.csv(Arrays.copyOf(f, LineFormat.AMOUNT)) + ",\""
              + LineFormat.csv(Arrays.copyOfRange(f, LineFormat.AMOUNT, f.length));
        }
        String json = LineFormat.json(f);
        if (j % 2 == 0) {
          return json.substring(0, json.length() - 20);
        }
        StringBuilder array = new StringBuilder("[");
        for (String v : f) {
          LineFormat.jsonString(array.length() > 1 ? array.append(',') : array, v);
        }
        return array.append(']').toString();
      case WRONG_COLUMN_COUNT:
        String[] g = j % 2 == 0 ? Arrays.copyOf(f, f.length - 1) : Arrays.copyOf(f, f.length + 1);
        if (g.length > f.length) {
          g[f.length] = "extra";
        }
        return LineFormat.csv(g);
      case MISSING_COLUMN:
        String[] h = new String[f.length - 1];
        System.arraycopy(f, 0, h, 0, LineFormat.AMOUNT);
        System.arraycopy(f, LineFormat.AMOUNT + 1, h, LineFormat.AMOUNT, f.length - LineFormat.AMOUNT - 1);
        return LineFormat.csv(h);
      default:
        return LineFormat.line(csv, f);
    }
  }
}
