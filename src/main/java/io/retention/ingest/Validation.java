package io.retention.ingest;

import io.retention.schema.Columns;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Currency;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks one record's source fields against a profile and the rules, and types them. The first failing check
 * decides the quarantine reason, in this order: ids, timestamp, quantity, amount, currency, amount decimals,
 * kind.
 *
 * <ul>
 *   <li>Ids are normalised ({@link Ids}: NFC, trimmed) and refused with control or format characters or when too
 *       long ({@code invalid_id}).</li>
 *   <li>Timestamps are read strictly ({@link StrictTimestamps}); orders before the earliest order date are
 *       {@code timestamp_too_old}, after now + tolerance {@code future_timestamp}.</li>
 *   <li>An amount must be a whole number of its currency's minor units (2 decimals for EUR, GBP, USD): 1.10,
 *       1.100, 1E+2 pass; 1.001 and 1e-400 are {@code invalid_amount}. Nothing is rounded. Unit prices of a
 *       profile that sums lines per order are exact and the order's sum is rounded half-up to cents once.</li>
 * </ul>
 */
final class Validation {
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d{1,3})?");
  private static final int MINOR_UNIT_DEFAULT = 2;

  /** A typed order line (amount exact, rounded to cents only after lines are summed). */
  record Line(String orderId, String customerId, Instant ts, LocalDate orderDate, BigDecimal amount,
      String currency, long quantity, String kind, Map<String, String> attributes) {}

  /** A typed line or the reason it was rejected. */
  record Outcome(Line line, Reason reason, String detail) {
    static Outcome reject(Reason r, String detail) {
      return new Outcome(null, r, detail);
    }
  }

  /** The parts of a record read so far; {@code rejected} set at the first failing check. */
  private static final class Draft {
    String orderId;
    String customerId;
    Instant ts;
    long quantity = 1;
    BigDecimal amount;
    String currency;
    Outcome rejected;

    boolean reject(Reason r, String detail) {
      rejected = Outcome.reject(r, detail);
      return false;
    }
  }

  private final SourceProfile profile;
  private final ValidationRules rules;
  private final ZoneId businessZone;
  private final StrictTimestamps timestamps;
  private final Instant notBefore;
  private final Map<String, Integer> minorUnits = new HashMap<>();

  Validation(SourceProfile profile, ValidationRules rules) {
    this.profile = profile;
    this.rules = rules;
    this.businessZone = ZoneId.of(rules.businessZone());
    ZoneId sourceZone = profile.timezone().isEmpty() ? businessZone : ZoneId.of(profile.timezone());
    this.timestamps = new StrictTimestamps(profile.timestampFormats(), sourceZone);
    this.notBefore = rules.earliestOrderDate().atStartOfDay(businessZone).toInstant();
    for (String c : rules.allowedCurrencies()) {
      minorUnits.put(c, minorUnit(c));
    }
  }

  Outcome check(Map<String, String> fields) {
    Draft d = new Draft();
    boolean ok = ids(fields, d) && timestamp(fields, d) && quantity(fields, d) && amount(fields, d)
        && currency(fields, d);
    if (!ok) {
      return d.rejected;
    }
    String kindText = value(fields, Columns.KIND);
    String kind;
    if (kindText == null) {
      kind = d.amount.signum() < 0 ? Columns.KIND_REFUND : Columns.KIND_PURCHASE;
    } else {
      kind = kindText.toLowerCase(Locale.ROOT);
      if (!kind.equals(Columns.KIND_PURCHASE) && !kind.equals(Columns.KIND_REFUND)) {
        return Outcome.reject(Reason.INVALID_KIND, "kind '" + kindText + "' is neither purchase nor refund");
      }
      if (kind.equals(Columns.KIND_PURCHASE) && d.amount.signum() < 0) {
        return Outcome.reject(Reason.INVALID_AMOUNT, "a purchase cannot have a negative amount");
      }
      if (kind.equals(Columns.KIND_REFUND)) {
        d.amount = d.amount.abs().negate(); // refunds are stored as negative amounts
      }
    }
    LocalDate date = d.ts.atZone(businessZone).toLocalDate();
    return new Outcome(new Line(d.orderId, d.customerId, d.ts, date, d.amount, d.currency, d.quantity, kind,
        attributes(fields)), null, null);
  }

  private boolean ids(Map<String, String> fields, Draft d) {
    String orderId = normalised(value(fields, Columns.ORDER_ID));
    if (profile.deriveOrderId().isEmpty() && orderId == null) {
      return d.reject(Reason.MISSING_ORDER_ID, "no " + profile.column(Columns.ORDER_ID));
    }
    String customer = CustomerIds.of(profile, value(fields, Columns.CUSTOMER_ID));
    if (customer == null) {
      return d.reject(Reason.MISSING_CUSTOMER_ID, "no " + profile.column(Columns.CUSTOMER_ID));
    }
    String problem = Ids.problem(customer, "customer id", rules.maxIdLength());
    if (problem == null && orderId != null) {
      problem = Ids.problem(orderId, "order id", rules.maxIdLength());
    }
    if (problem != null) {
      return d.reject(Reason.INVALID_ID, problem);
    }
    d.orderId = orderId;
    d.customerId = customer;
    return true;
  }

  private static String normalised(String v) {
    String n = v == null ? null : Ids.normalise(v);
    return n == null || n.isEmpty() ? null : n;
  }

  private boolean timestamp(Map<String, String> fields, Draft d) {
    String tsText = value(fields, Columns.ORDER_TS);
    d.ts = tsText == null ? null : timestamps.parse(tsText);
    if (d.ts == null) {
      return d.reject(Reason.INVALID_TIMESTAMP, tsText == null ? "empty timestamp"
          : "cannot read timestamp '" + tsText + "' (or it is no valid date and time)");
    }
    if (d.ts.isBefore(notBefore)) {
      return d.reject(Reason.TIMESTAMP_TOO_OLD, "timestamp " + d.ts + " is before ingest.earliestOrderDate "
          + rules.earliestOrderDate());
    }
    if (d.ts.isAfter(rules.notAfter())) {
      return d.reject(Reason.FUTURE_TIMESTAMP, "timestamp " + d.ts
          + " is in the future (later than the ingest time + ingest.futureToleranceDays)");
    }
    return true;
  }

  private boolean quantity(Map<String, String> fields, Draft d) {
    String qText = value(fields, Columns.QUANTITY);
    if (qText != null) {
      Long q = parseLong(qText);
      if (q == null) {
        return d.reject(Reason.INVALID_QUANTITY, "quantity '" + qText + "' is not a whole number");
      }
      d.quantity = q;
    }
    return true;
  }

  private boolean amount(Map<String, String> fields, Draft d) {
    if (profile.aggregateLines()) {
      String p = value(fields, "unit_price");
      BigDecimal price = parseExact(p);
      if (price == null) {
        return d.reject(Reason.INVALID_AMOUNT, "unit price '" + p + "' is not a number");
      }
      d.amount = scaled(price).multiply(BigDecimal.valueOf(d.quantity));
    } else {
      String a = value(fields, Columns.AMOUNT);
      d.amount = parseExact(a);
      if (d.amount == null) {
        return d.reject(Reason.INVALID_AMOUNT, a == null ? "empty amount" : "amount '" + a
            + "' is not a finite number");
      }
    }
    if (d.amount.abs().doubleValue() > rules.maxAbsAmount()) {
      return d.reject(Reason.AMOUNT_OUT_OF_RANGE,
          "|amount| " + d.amount.stripTrailingZeros().toPlainString() + " exceeds " + BigDecimal.valueOf(
              rules.maxAbsAmount()).stripTrailingZeros().toPlainString());
    }
    return true;
  }

  /** The currency is allowed, and the amount is a whole number of its minor units (then scaled exactly). */
  private boolean currency(Map<String, String> fields, Draft d) {
    String currency = value(fields, Columns.CURRENCY);
    d.currency = currency == null ? defaultCurrency() : currency.toUpperCase(Locale.ROOT);
    Integer digits = minorUnits.get(d.currency);
    if (digits == null) {
      return d.reject(Reason.CURRENCY_NOT_ALLOWED,
          "currency '" + d.currency + "' is not one of " + rules.allowedCurrencies());
    }
    if (!profile.aggregateLines()) {
      if (decimals(d.amount) > digits) {
        return d.reject(Reason.INVALID_AMOUNT, "amount " + d.amount.toString() + " has more decimals than "
            + d.currency + " allows (" + digits + ")");
      }
      d.amount = scaled(d.amount);
    }
    return true;
  }

  /** Decimals the value needs (1.100 needs 1, 1E+2 none). */
  static int decimals(BigDecimal d) {
    return d.scale() <= 0 ? 0 : d.stripTrailingZeros().scale();
  }

  private static int minorUnit(String currency) {
    try {
      int digits = Currency.getInstance(currency).getDefaultFractionDigits();
      return digits < 0 ? MINOR_UNIT_DEFAULT : digits;
    } catch (IllegalArgumentException e) {
      return MINOR_UNIT_DEFAULT; // not an ISO 4217 code
    }
  }

  private String defaultCurrency() {
    return profile.defaultCurrency().isEmpty() ? rules.defaultCurrency() : profile.defaultCurrency();
  }

  /** Trimmed value of a canonical field, null when the profile has no such column or it is empty. */
  private String value(Map<String, String> fields, String canonical) {
    String col = profile.column(canonical);
    String v = col == null ? null : fields.get(col);
    if (v == null) {
      return null;
    }
    v = v.strip();
    return v.isEmpty() ? null : v;
  }

  private Map<String, String> attributes(Map<String, String> fields) {
    Map<String, String> out = new TreeMap<>();
    var mapped = profile.columns().values();
    for (var e : fields.entrySet()) {
      boolean keep = profile.keepAttributes().isEmpty()
          ? !mapped.contains(e.getKey()) : profile.keepAttributes().contains(e.getKey());
      if (keep && e.getValue() != null && !e.getValue().isEmpty()) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  Instant parseTimestamp(String s) {
    return timestamps.parse(s);
  }

  /** The exact decimal value, or null for anything but a plain decimal (NaN, Infinity, hex, separators). */
  static BigDecimal parseExact(String s) {
    return s == null || !DECIMAL.matcher(s).matches() ? null : new BigDecimal(s);
  }

  /** At least 2 and at most 6 decimals (the exact line amount column), rounded half-up beyond 6. */
  private static BigDecimal scaled(BigDecimal d) {
    return d.setScale(Math.max(2, Math.min(6, d.scale())), RoundingMode.HALF_UP);
  }

  private static Long parseLong(String s) {
    try {
      return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
