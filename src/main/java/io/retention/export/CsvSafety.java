package io.retention.export;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Cells a spreadsheet or CRM import cannot mistake for formulas (OWASP "CSV Injection"). A text cell gets a
 * leading single quote when
 *
 * <ul>
 *   <li>it starts with a tab or a carriage return, or</li>
 *   <li>its first visible character, after skipping leading whitespace (any Unicode space, U+00A0 included) and
 *       invisible characters (Unicode categories Cc and Cf, e.g. U+200B, U+FEFF, U+202E), is {@code = + - @}
 *       or their full-width forms, unless the value from that character on is a plain decimal number
 *       ({@code -7}, {@code +3}, {@code -1.5}, {@code -2e5}), which a spreadsheet reads as a number and a CRM
 *       must see unchanged to match its ids.</li>
 * </ul>
 *
 * <p>Numeric columns are never passed through here. Quotes, commas and newlines are left to the CSV writer's
 * quoting (RFC 4180: a quoted field, inner quotes doubled).
 *
 * <pre>{@code
 * CsvSafety.neutralise("=HYPERLINK(\"http://x\")")  -> "'=HYPERLINK(\"http://x\")"
 * CsvSafety.neutralise("\u00A0=1+1")                -> "'\u00A0=1+1"
 * CsvSafety.neutralise("-7")                        -> "-7"
 * CsvSafety.neutralise("Anna")                      -> "Anna"
 * }</pre>
 */
public final class CsvSafety {
  private CsvSafety() {}

  private static final String LEADING_TRIGGERS = "\t\r";
  private static final String TRIGGERS = "=+-@\uFF1D\uFF0B\uFF0D\uFF20";
  private static final Pattern PLAIN_NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  public static String neutralise(String cell) {
    if (cell == null || cell.isEmpty()) {
      return cell;
    }
    return needsGuard(cell) ? "'" + cell : cell;
  }

  static boolean needsGuard(String cell) {
    if (LEADING_TRIGGERS.indexOf(cell.charAt(0)) >= 0) {
      return true;
    }
    int i = firstVisible(cell);
    if (i == cell.length() || TRIGGERS.indexOf(cell.charAt(i)) < 0) {
      return false;
    }
    return !PLAIN_NUMBER.matcher(cell).region(i, cell.length()).matches();
  }

  /** Index of the first code point that is neither whitespace nor a control or format character. */
  static int firstVisible(String s) {
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      if (!invisible(cp)) {
        return i;
      }
      i += Character.charCount(cp);
    }
    return i;
  }

  private static boolean invisible(int cp) {
    int type = Character.getType(cp);
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || type == Character.CONTROL
        || type == Character.FORMAT;
  }

  /** Lower-case hex HMAC-SHA256 of the id under {@code key} (a stable pseudonym; the key never leaves memory). */
  public static String pseudonym(byte[] key, String id) {
    if (id == null) {
      return null;
    }
    return HexFormat.of().formatHex(hmac(key, id));
  }

  /** The raw HMAC-SHA256 of the UTF-8 bytes of {@code text} under {@code key}. */
  public static byte[] hmac(byte[] key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available: " + e.getMessage(), e);
    }
  }
}
