package io.retention.ingest;

import java.text.Normalizer;

/**
 * The rule for customer and order ids: Unicode NFC, then trimmed (leading and trailing white space, as
 * {@link String#strip()}); refused ({@code invalid_id}) when a character of the Unicode categories Cc (control:
 * U+0000–U+001F, U+007F–U+009F) or Cf (format: U+200B, U+202E, U+FEFF, …) remains, or when longer than the
 * configured number of characters (code points).
 *
 * <p>ASCII ids (the common case) take one pass over their chars without any allocation: a string of characters
 * below U+0300 is already NFC.
 */
final class Ids {
  private static final int FIRST_COMBINING = 0x300;

  private Ids() {}

  /** The id in NFC, trimmed; the argument itself when it already is. */
  static String normalise(String id) {
    String s = id;
    if (!belowCombining(s) && !Normalizer.isNormalized(s, Normalizer.Form.NFC)) {
      s = Normalizer.normalize(s, Normalizer.Form.NFC);
    }
    return s.strip();
  }

  /** Why the (normalised) id is refused, or null when it is fine. {@code what}: "customer id" / "order id". */
  static String problem(String id, String what, int maxLength) {
    for (int i = 0; i < id.length(); ) {
      char c = id.charAt(i);
      if (c >= ' ' && c < 0x7f) { // printable ASCII
        i++;
        continue;
      }
      int cp = id.codePointAt(i);
      int type = Character.getType(cp);
      if (type == Character.CONTROL || type == Character.FORMAT) {
        return String.format("%s holds U+%04X, a %s character (at character %d)", what, cp,
            type == Character.CONTROL ? "control" : "format", id.codePointCount(0, i) + 1);
      }
      i += Character.charCount(cp);
    }
    if (id.length() > maxLength && id.codePointCount(0, id.length()) > maxLength) {
      return what + " is " + id.codePointCount(0, id.length()) + " characters long, more than "
          + "ingest.maxIdLength = " + maxLength;
    }
    return null;
  }

  private static boolean belowCombining(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= FIRST_COMBINING) {
        return false;
      }
    }
    return true;
  }
}
