package io.retention.export;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Cells a spreadsheet or CRM import cannot mistake for formulas (OWASP "CSV Injection"): a text cell that
 * starts with {@code = + - @}, a tab or a carriage return gets a leading single quote. Numeric columns are
 * never passed through here, so negative numbers stay numbers. Quotes, commas and newlines are left to the
 * CSV writer's quoting (RFC 4180: a quoted field, inner quotes doubled).
 *
 * <pre>{@code
 * CsvSafety.neutralise("=HYPERLINK(\"http://x\")")  -> "'=HYPERLINK(\"http://x\")"
 * CsvSafety.neutralise("Anna")                      -> "Anna"
 * }</pre>
 */
public final class CsvSafety {
  private CsvSafety() {}

  private static final String TRIGGERS = "=+-@\t\r";

  public static String neutralise(String cell) {
    if (cell == null || cell.isEmpty()) {
      return cell;
    }
    return TRIGGERS.indexOf(cell.charAt(0)) >= 0 ? "'" + cell : cell;
  }

  /** Lower-case hex HMAC-SHA256 of the id under {@code key} (a stable pseudonym; the key never leaves memory). */
  public static String pseudonym(byte[] key, String id) {
    if (id == null) {
      return null;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(id.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available: " + e.getMessage(), e);
    }
  }
}
