package io.retention.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Named landing-zone fixtures: a folder of small files covering every accepted and rejected case. */
final class IngestFixtures {
  static final ValidationRules RULES = new ValidationRules("UTC", "EUR", List.of("EUR", "GBP", "USD"), 1_000_000,
      Instant.parse("2026-01-02T00:00:00Z"), false);

  /** day1.csv: BOM, CRLF, every record-level reason, a quoted newline, a blank line, an exact replay. */
  static final String DAY1 = "\uFEFForder_id,customer_id,order_ts,amount,currency,quantity,kind,channel\r\n"
      + "A1,c1,2024-03-01T10:00:00Z,10.00,EUR,1,purchase,web\r\n"            // 2 ok
      + "A2,c1,2024-03-01 12:30:00,5.5,,2,,\"shop, Berlin\"\r\n"             // 3 ok, defaults
      + "A3,c2,2024-03-02T09:00:00+02:00,-4.00,GBP,1,refund,web\r\n"         // 4 ok refund
      + "A4,c2,2024-03-03T09:00:00Z,0,USD,1,purchase,\"multi\r\nline\"\r\n"  // 5-6 ok, two lines
      + "\r\n"                                                                // 7 blank
      + ",c3,2024-03-01T10:00:00Z,1.00,EUR,1,purchase,web\r\n"               // 8 missing_order_id
      + "B2,,2024-03-01T10:00:00Z,1.00,EUR,1,purchase,web\r\n"               // 9 missing_customer_id
      + "B3,c3,yesterday,1.00,EUR,1,purchase,web\r\n"                        // 10 invalid_timestamp
      + "B4,c3,2999-01-01T00:00:00Z,1.00,EUR,1,purchase,web\r\n"             // 11 future_timestamp
      + "B5,c3,2024-03-01T10:00:00Z,NaN,EUR,1,purchase,web\r\n"              // 12 invalid_amount
      + "B6,c3,2024-03-01T10:00:00Z,2000000,EUR,1,purchase,web\r\n"          // 13 amount_out_of_range
      + "B7,c3,2024-03-01T10:00:00Z,1.00,EUR,x,purchase,web\r\n"             // 14 invalid_quantity
      + "B8,c3,2024-03-01T10:00:00Z,1.00,JPY,1,purchase,web\r\n"             // 15 currency_not_allowed
      + "B9,c3,2024-03-01T10:00:00Z,1.00,EUR,1,gift,web\r\n"                 // 16 invalid_kind
      + "B10,c3,2024-03-01T10:00:00Z,1.00,EUR,1\r\n"                         // 17 wrong_column_count
      + "A1,c1,2024-03-01T10:00:00Z,10.00,EUR,1,purchase,web\r\n"            // 18 duplicate (replay)
      + "A2,c9,2024-03-01T10:00:00Z,1.00,EUR,1,purchase,web\r\n";            // 19 conflicting_duplicate

  /** day2.csv: a non-UTF-8 line, then an unterminated quote followed by a complete record (C4). */
  static final byte[] DAY2 = concat(
      "order_id,customer_id,order_ts,amount,currency,quantity,kind,channel\n"
          + "C1,c4,2024-03-04T10:00:00Z,7.25,EUR,3,purchase,app\n"                     // 2 ok
          + "C2,c4,2024-03-04T11:00:00Z,1.00,EUR,1,purchase,",
      new byte[] {(byte) 0xC3, (byte) 0x28},                                              // 3 invalid_encoding
      "\nC3,c5,\"2024-03-04T10:00:00Z,1.00,EUR,1,purchase,web\nC4,c5,2024-03-04,1,EUR,1,purchase,web\n");
                                                                  // 4 malformed_record, 5 ok

  /** noamount.csv: a header without the amount column. */
  static final String NO_AMOUNT = "order_id,customer_id,order_ts\nD1,c6,2024-03-05T10:00:00Z\n"; // 2 missing_column

  /** day3.jsonl.gz: JSON Lines, gzip. */
  static final String DAY3 = "{\"order_id\":\"J1\",\"customer_id\":\"c1\",\"order_ts\":\"2024-03-06T08:00:00Z\","
      + "\"amount\":12.5,\"currency\":\"usd\",\"channel\":\"app\"}\n"                      // 1 ok
      + "[1,2]\n"                                                                          // 2 malformed
      + "{\"order_id\":\"J3\",\"customer_id\":\"c1\",\n";                                  // 3 malformed

  private IngestFixtures() {}

  static Path landing(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("day1.csv"), DAY1, StandardCharsets.UTF_8);
      Files.write(dir.resolve("day2.csv"), DAY2);
      Files.writeString(dir.resolve("noamount.csv"), NO_AMOUNT, StandardCharsets.UTF_8);
      Files.write(dir.resolve("day3.jsonl.gz"), gzip(DAY3.getBytes(StandardCharsets.UTF_8)));
      Files.writeString(dir.resolve("_SUCCESS"), "");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(b);
    }
    return bos.toByteArray();
  }

  private static byte[] concat(Object... parts) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    for (Object p : parts) {
      byte[] b = p instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) p;
      bos.write(b, 0, b.length);
    }
    return bos.toByteArray();
  }
}
