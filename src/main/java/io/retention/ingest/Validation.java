package io.retention.ingest;

import io.retention.schema.Columns;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks one record's source fields against a profile and the rules, and types them. The first failing check
 * decides the quarantine reason, in this order: ids, timestamp, amount, quantity, currency, kind.
 */
final class Validation {
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d{1,3})?");
  private static final Pattern DECIMAL_ZERO = Pattern.compile("\\d+\\.0+");
  /** A typed order line (amount exact, rounded to cents only after lines are summed). */
  record Line(String orderId, String customerId, Instant ts, LocalDate orderDate, BigDecimal amount,
      String currency, long quantity, String kind, Map<String, String> attributes) {}

  /** A typed line or the reason it was rejected. */
  record Outcome(Line line, Reason reason, String detail) {
    static Outcome reject(Reason r, String detail) {
      return new Outcome(null, r, detail);
    }
  }

  private final SourceProfile profile;
  private final ValidationRules rules;
  private final ZoneId sourceZone;
  private final ZoneId businessZone;
  private final List<DateTimeFormatter> formats = new ArrayList<>();

  Validation(SourceProfile profile, ValidationRules rules) {
    this.profile = profile;
    this.rules = rules;
    this.businessZone = ZoneId.of(rules.businessZone());
    this.sourceZone = profile.timezone().isEmpty() ? businessZone : ZoneId.of(profile.timezone());
    for (String f : profile.timestampFormats()) {
      formats.add(DateTimeFormatter.ofPattern(f, Locale.ROOT));
    }
  }

  Outcome check(Map<String, String> fields) {
    String orderId = value(fields, Columns.ORDER_ID);
    boolean derived = !profile.deriveOrderId().isEmpty();
    if (!derived && orderId == null) {
      return Outcome.reject(Reason.MISSING_ORDER_ID, "no " + profile.column(Columns.ORDER_ID));
    }
    String customer = value(fields, Columns.CUSTOMER_ID);
    if (customer == null) {
      return Outcome.reject(Reason.MISSING_CUSTOMER_ID, "no " + profile.column(Columns.CUSTOMER_ID));
    }
    if (profile.customerIdStripDecimalZero() && DECIMAL_ZERO.matcher(customer).matches()) {
      customer = customer.substring(0, customer.indexOf('.'));
    }
    String tsText = value(fields, Columns.ORDER_TS);
    Instant ts = tsText == null ? null : parseTimestamp(tsText);
    if (ts == null) {
      return Outcome.reject(Reason.INVALID_TIMESTAMP, tsText == null ? "empty timestamp"
          : "cannot read timestamp '" + tsText + "'");
    }
    if (ts.isAfter(rules.notAfter())) {
      return Outcome.reject(Reason.FUTURE_TIMESTAMP, "timestamp " + ts
          + " is in the future (later than the ingest time + ingest.futureToleranceDays)");
    }
    Long quantity = 1L;
    String qText = value(fields, Columns.QUANTITY);
    if (qText != null) {
      quantity = parseLong(qText);
      if (quantity == null) {
        return Outcome.reject(Reason.INVALID_QUANTITY, "quantity '" + qText + "' is not a whole number");
      }
    }
    Outcome amountProblem = null;
    BigDecimal amount;
    if (profile.aggregateLines()) {
      String p = value(fields, "unit_price");
      BigDecimal price = parseAmount(p);
      amount = price == null ? null : price.multiply(BigDecimal.valueOf(quantity));
      if (amount == null) {
        amountProblem = Outcome.reject(Reason.INVALID_AMOUNT, "unit price '" + p + "' is not a number");
      }
    } else {
      String a = value(fields, Columns.AMOUNT);
      amount = parseAmount(a);
      if (amount == null) {
        amountProblem = Outcome.reject(Reason.INVALID_AMOUNT,
            a == null ? "empty amount" : "amount '" + a + "' is not a finite number");
      }
    }
    if (amountProblem != null) {
      return amountProblem;
    }
    if (amount.abs().doubleValue() > rules.maxAbsAmount()) {
      return Outcome.reject(Reason.AMOUNT_OUT_OF_RANGE,
          "|amount| " + amount.stripTrailingZeros().toPlainString() + " exceeds " + BigDecimal.valueOf(
              rules.maxAbsAmount()).stripTrailingZeros().toPlainString());
    }
    String currency = value(fields, Columns.CURRENCY);
    currency = currency == null ? defaultCurrency() : currency.toUpperCase(Locale.ROOT);
    if (!rules.allowedCurrencies().contains(currency)) {
      return Outcome.reject(Reason.CURRENCY_NOT_ALLOWED,
          "currency '" + currency + "' is not one of " + rules.allowedCurrencies());
    }
    String kindText = value(fields, Columns.KIND);
    String kind;
    if (kindText == null) {
      kind = amount.signum() < 0 ? Columns.KIND_REFUND : Columns.KIND_PURCHASE;
    } else {
      kind = kindText.toLowerCase(Locale.ROOT);
      if (!kind.equals(Columns.KIND_PURCHASE) && !kind.equals(Columns.KIND_REFUND)) {
        return Outcome.reject(Reason.INVALID_KIND, "kind '" + kindText + "' is neither purchase nor refund");
      }
      if (kind.equals(Columns.KIND_PURCHASE) && amount.signum() < 0) {
        return Outcome.reject(Reason.INVALID_AMOUNT, "a purchase cannot have a negative amount");
      }
      if (kind.equals(Columns.KIND_REFUND)) {
        amount = amount.abs().negate(); // refunds are stored as negative amounts
      }
    }
    LocalDate date = ts.atZone(businessZone).toLocalDate();
    return new Outcome(new Line(orderId, customer, ts, date, amount, currency, quantity, kind,
        attributes(fields)), null, null);
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
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
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

  static BigDecimal parseAmount(String s) {
    if (s == null || !DECIMAL.matcher(s).matches()) {
      return null; // also rejects NaN, Infinity, hex and thousands separators
    }
    BigDecimal d = new BigDecimal(s);
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
