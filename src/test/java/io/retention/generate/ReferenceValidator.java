package io.retention.generate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * An independent reading of DESIGN §9's canonical rules, for tests: it returns EVERY reason a CSV record breaks
 * (not just the first), so a test can check that each bad row breaks exactly the rule it is meant to. Required:
 * order_id, customer_id, order_ts, amount; currencies EUR/GBP/USD; |amount| ≤ 1,000,000; future = after
 * now + 1 day; kinds purchase/refund; a negative purchase is an invalid amount. Records are found by counting
 * quotes over physical lines, so an unterminated quote runs to the end of the file.
 */
final class ReferenceValidator {
  static final String DUPLICATE = BadKind.DUPLICATE_REPLAY_CODE;
  private static final Set<String> REQUIRED = Set.of("order_id", "customer_id", "order_ts", "amount");
  private static final Set<String> CURRENCIES = Set.of("EUR", "GBP", "USD");
  private static final BigDecimal MAX = new BigDecimal(1_000_000);
  private static final Instant EARLIEST = Instant.parse("1990-01-01T00:00:00Z");
  private static final int MAX_ID_LENGTH = 128;

  private final Instant futureLimit = Instant.now().plusSeconds(86_400);
  private final Map<String, String> contentById = new HashMap<>();
  private final Set<ByteBuffer> seenRecords = new HashSet<>();

  /** The records of a CSV file (header first), each as its raw bytes without the final line break. */
  static List<byte[]> records(byte[] file) {
    List<byte[]> out = new ArrayList<>();
    ByteArrayOutputStream cur = new ByteArrayOutputStream();
    int quotes = 0;
    for (int i = 0; i < file.length; i++) {
      byte c = file[i];
      if (c == '\n' && quotes % 2 == 0) {
        out.add(cur.toByteArray());
        cur.reset();
        quotes = 0;
        continue;
      }
      quotes += c == '"' ? 1 : 0;
      cur.write(c);
    }
    if (cur.size() > 0) {
      out.add(cur.toByteArray());
    }
    return out;
  }

  /** Every reason {@code raw} breaks, given the file's header; the empty set for a valid, new order. */
  Set<String> reasons(List<String> header, byte[] raw) {
    Set<String> r = new TreeSet<>();
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw)).toString();
    } catch (CharacterCodingException e) {
      r.add("invalid_encoding");
      text = new String(raw, StandardCharsets.UTF_8);
    }
    List<String> f;
    try {
      List<CSVRecord> recs = CSVFormat.RFC4180.parse(new StringReader(text)).getRecords();
      if (recs.size() != 1) {
        throw new IOException(recs.size() + " records");
      }
      f = recs.get(0).toList();
    } catch (IOException | RuntimeException e) {
      r.add("malformed_record");
      return r;
    }
    if (!header.containsAll(REQUIRED)) {
      r.add("missing_column");
      return r;
    }
    if (f.size() != header.size()) {
      r.add("wrong_column_count");
      return r;
    }
    Map<String, String> v = new HashMap<>();
    for (int i = 0; i < f.size(); i++) {
      v.put(header.get(i), f.get(i));
    }
    fieldReasons(v, r);
    if (r.isEmpty()) {
      String content = String.join("\u0001", f);
      String before = contentById.putIfAbsent(v.get("order_id"), content);
      if (!seenRecords.add(ByteBuffer.wrap(raw)) && before != null) {
        r.add(DUPLICATE);
      } else if (before != null && !before.equals(content)) {
        r.add("conflicting_duplicate");
      }
    }
    return r;
  }

  private void fieldReasons(Map<String, String> v, Set<String> r) {
    if (v.get("order_id").isEmpty()) {
      r.add("missing_order_id");
    }
    if (v.get("customer_id").isEmpty()) {
      r.add("missing_customer_id");
    }
    if (badId(v.get("order_id")) || badId(v.get("customer_id"))) {
      r.add("invalid_id");
    }
    Instant ts = parseTs(v.get("order_ts"));
    if (ts == null) {
      r.add("invalid_timestamp");
    } else if (ts.isAfter(futureLimit)) {
      r.add("future_timestamp");
    } else if (ts.isBefore(EARLIEST)) {
      r.add("timestamp_too_old");
    }
    String kind = v.getOrDefault("kind", "");
    BigDecimal amount = parseAmount(v.get("amount"));
    if (amount == null || amount.signum() < 0 && kind.equals("purchase")
        || amount.stripTrailingZeros().scale() > 2) {
      r.add("invalid_amount");
    } else if (amount.abs().compareTo(MAX) > 0) {
      r.add("amount_out_of_range");
    }
    String q = v.getOrDefault("quantity", "");
    if (!q.isEmpty() && !q.matches("-?\\d+")) {
      r.add("invalid_quantity");
    }
    String cur = v.getOrDefault("currency", "");
    if (!cur.isEmpty() && !CURRENCIES.contains(cur)) {
      r.add("currency_not_allowed");
    }
    if (!kind.isEmpty() && !kind.equals("purchase") && !kind.equals("refund")) {
      r.add("invalid_kind");
    }
  }

  /** A control or format character (Unicode Cc, Cf) or more than 128 characters. */
  private static boolean badId(String id) {
    String s = java.text.Normalizer.normalize(id, java.text.Normalizer.Form.NFC).strip();
    return s.codePointCount(0, s.length()) > MAX_ID_LENGTH || s.codePoints().anyMatch(cp ->
        Character.getType(cp) == Character.CONTROL || Character.getType(cp) == Character.FORMAT);
  }

  static Instant parseTs(String s) {
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private static BigDecimal parseAmount(String s) {
    try {
      return new BigDecimal(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
