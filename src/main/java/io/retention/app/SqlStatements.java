package io.retention.app;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into statements at {@code ;}, except inside {@code '…'}, {@code "…"} (with {@code \} escapes),
 * {@code `…`} quoted names and {@code -- …} / {@code /* … *}{@code /} comments (bracketed comments nest, as in
 * Spark). Statements holding nothing but white space and comments are dropped; the others are returned trimmed,
 * comments included (Spark's parser skips them).
 *
 * @param statements the complete statements, in order
 * @param rest the text after the last {@code ;} (an unfinished statement), or "" when it holds no SQL
 */
record SqlStatements(List<String> statements, String rest) {

  /** Every statement of a script: a last statement without {@code ;} counts too. */
  static List<String> split(String script) {
    SqlStatements s = scan(script);
    List<String> all = new ArrayList<>(s.statements());
    if (!s.rest().isEmpty()) {
      all.add(s.rest());
    }
    return all;
  }

  /** The statements ended by {@code ;} so far, and the unfinished rest (the shell waits for more lines). */
  static SqlStatements scan(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    boolean code = false; // the current statement holds something besides white space and comments
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\'' || c == '"' || c == '`') {
        i = endOfQuote(text, i, c);
        code = true;
      } else if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
        int eol = text.indexOf('\n', i);
        i = eol < 0 ? n : eol + 1;
      } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
        i = endOfComment(text, i);
      } else if (c == ';') {
        if (code) {
          out.add(text.substring(start, i).trim());
        }
        start = ++i;
        code = false;
      } else {
        code |= !Character.isWhitespace(c);
        i++;
      }
    }
    return new SqlStatements(out, code ? text.substring(start).trim() : "");
  }

  /** Index after the quote opened at {@code i} (or the end of the text when it is not closed yet). */
  private static int endOfQuote(String text, int i, char quote) {
    int j = i + 1;
    while (j < text.length()) {
      char c = text.charAt(j);
      if (c == '\\' && quote != '`') {
        j += 2;
      } else if (c == quote) {
        return j + 1; // a doubled quote ('' or ``) simply opens the next quoted part
      } else {
        j++;
      }
    }
    return text.length();
  }

  /** Index after the bracketed comment opened at {@code i}, nested ones included (or the end of the text). */
  private static int endOfComment(String text, int i) {
    int depth = 0;
    int j = i;
    while (j < text.length()) {
      if (text.startsWith("/*", j)) {
        depth++;
        j += 2;
      } else if (text.startsWith("*/", j)) {
        j += 2;
        if (--depth == 0) {
          return j;
        }
      } else {
        j++;
      }
    }
    return text.length();
  }
}
