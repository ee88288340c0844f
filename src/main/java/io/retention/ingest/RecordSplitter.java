package io.retention.ingest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a file's bytes into records: one per physical line, except that a CSV record whose quoted field holds
 * line breaks spans several lines. Each line is decoded as strict UTF-8; a line that is not valid UTF-8 marks
 * its record. A UTF-8 byte-order mark at the start of the file is dropped. Blank lines are counted, not
 * returned. {@link #countLines(byte[])} counts lines without any of this logic, so the caller can check that
 * every line was accounted for.
 */
final class RecordSplitter {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  /** A logical record: its first line number (1-based), how many lines it spans, its text. */
  record RawRecord(long lineNumber, int lineCount, String text, boolean badEncoding) {}

  /** All records of a file and its blank lines. */
  record Split(List<RawRecord> records, long blankLines) {}

  private RecordSplitter() {}

  /** Physical lines: the number of line feeds, plus one for a last line without one. */
  static long countLines(byte[] bytes) {
    long n = 0;
    for (byte b : bytes) {
      if (b == '\n') {
        n++;
      }
    }
    return bytes.length > 0 && bytes[bytes.length - 1] != '\n' ? n + 1 : n;
  }

  static Split split(byte[] bytes, boolean csvQuotes) {
    List<RawRecord> out = new ArrayList<>();
    long blank = 0;
    int start = startsWith(bytes, BOM) ? BOM.length : 0;
    long lineNo = 0;
    StringBuilder pending = null;
    long pendingStart = 0;
    int pendingLines = 0;
    boolean pendingBad = false;
    while (start < bytes.length) {
      int end = indexOf(bytes, (byte) '\n', start);
      int next = end < 0 ? bytes.length : end + 1;
      int stop = end < 0 ? bytes.length : end;
      if (stop > start && bytes[stop - 1] == '\r') {
        stop--;
      }
      lineNo++;
      String text = decode(bytes, start, stop);
      boolean bad = text == null;
      if (bad) {
        text = new String(bytes, start, stop - start, StandardCharsets.UTF_8);
      }
      start = next;
      if (pending == null) {
        if (text.isBlank()) {
          blank++;
          continue;
        }
        pending = new StringBuilder(text);
        pendingStart = lineNo;
        pendingLines = 1;
        pendingBad = bad;
      } else {
        pending.append('\n').append(text);
        pendingLines++;
        pendingBad |= bad;
      }
      if (!csvQuotes || quotesBalanced(pending)) {
        out.add(new RawRecord(pendingStart, pendingLines, pending.toString(), pendingBad));
        pending = null;
      }
    }
    if (pending != null) { // unterminated quote: the rest of the file is one (malformed) record
      out.add(new RawRecord(pendingStart, pendingLines, pending.toString(), pendingBad));
    }
    return new Split(out, blank);
  }

  private static boolean quotesBalanced(CharSequence s) {
    int q = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '"') {
        q++;
      }
    }
    return q % 2 == 0;
  }

  private static String decode(byte[] bytes, int from, int to) {
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer cb = d.decode(ByteBuffer.wrap(bytes, from, to - from));
      return cb.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] b, byte v, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }
}
