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
 * line breaks spans several lines.
 *
 * <ul>
 *   <li>A line ends at LF, CRLF or a lone CR (old Mac files), in any mix: {@code a\rb\r\nc\nd} is four lines.</li>
 *   <li>Each line is decoded as strict UTF-8; a line that is not valid UTF-8 marks its record. A UTF-8
 *       byte-order mark at the start of the file is dropped. Blank lines are counted, not returned.</li>
 *   <li>An unbalanced quote costs only its own record where the line structure allows: while a quoted field is
 *       open, a following line that on its own is a complete CSV record with the first record's number of
 *       fields starts a new record, and the open record ends (malformed) before it. Without such a line the
 *       open record runs on, to the end of the file at worst.</li>
 * </ul>
 * {@link #countLines(byte[])} counts line ends without any of this logic, so the caller can check that every
 * line was accounted for.
 */
final class RecordSplitter {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  /** A logical record: its first line number (1-based), how many lines it spans, its text. */
  record RawRecord(long lineNumber, int lineCount, String text, boolean badEncoding) {}

  /** All records of a file and its blank lines. */
  record Split(List<RawRecord> records, long blankLines) {}

  private RecordSplitter() {}

  /** Physical lines: the number of line ends (LF, CRLF or CR), plus one for a last line without one. */
  static long countLines(byte[] bytes) {
    long n = 0;
    for (int i = 0; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '\n' || b == '\r' && (i + 1 == bytes.length || bytes[i + 1] != '\n')) {
        n++;
      }
    }
    return bytes.length > 0 && !isEnd(bytes[bytes.length - 1]) ? n + 1 : n;
  }

  static Split split(byte[] bytes, boolean csvQuotes) {
    return new Splitter(bytes, csvQuotes).run();
  }

  /** The state of one file's split. */
  private static final class Splitter {
    private final byte[] bytes;
    private final boolean csvQuotes;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final List<RawRecord> out = new ArrayList<>();
    private long blank;
    private int fields = -1; // the first record's number of CSV fields
    private StringBuilder pending; // an open record (unbalanced quotes)
    private long pendingStart;
    private int pendingLines;
    private boolean pendingBad;
    private int pendingQuotes;

    Splitter(byte[] bytes, boolean csvQuotes) {
      this.bytes = bytes;
      this.csvQuotes = csvQuotes;
    }

    Split run() {
      int start = startsWith(bytes, BOM) ? BOM.length : 0;
      long lineNo = 0;
      while (start < bytes.length) {
        int end = lineEnd(bytes, start);
        int stop = end < 0 ? bytes.length : end;
        lineNo++;
        String text = decode(start, stop);
        boolean bad = text == null;
        line(lineNo, bad ? new String(bytes, start, stop - start, StandardCharsets.UTF_8) : text, bad);
        start = end < 0 ? bytes.length : nextLine(bytes, end);
      }
      if (lineNo == 0 && bytes.length > 0) {
        blank++; // a file holding only a byte-order mark: one (blank) line
      }
      if (pending != null) { // an unterminated quote: the rest of the file is one (malformed) record
        flush();
      }
      return new Split(out, blank);
    }

    private void line(long lineNo, String text, boolean bad) {
      int quotes = csvQuotes ? quotes(text) : 0;
      if (pending != null && quotes % 2 == 0 && startsRecord(text)) {
        flush(); // the open record ends at its own lines; this line is a record of its own
      }
      if (pending != null) {
        pending.append('\n').append(text);
        pendingLines++;
        pendingBad |= bad;
        pendingQuotes += quotes;
        if (pendingQuotes % 2 == 0) {
          flush();
        }
      } else if (text.isBlank()) {
        blank++;
      } else if (quotes % 2 == 0) { // the common case: a one-line record, no copy
        if (fields < 0 && csvQuotes) {
          List<String> v = FieldParser.csvValues(text);
          fields = v == null ? 0 : v.size();
        }
        out.add(new RawRecord(lineNo, 1, text, bad));
      } else {
        pending = new StringBuilder(text);
        pendingStart = lineNo;
        pendingLines = 1;
        pendingBad = bad;
        pendingQuotes = quotes;
      }
    }

    /** While a quote is open: a line (balanced quotes) that is a record with the expected number of fields. */
    private boolean startsRecord(String text) {
      if (fields <= 1) {
        return false;
      }
      List<String> v = FieldParser.csvValues(text);
      return v != null && v.size() == fields;
    }

    private void flush() {
      out.add(new RawRecord(pendingStart, pendingLines, pending.toString(), pendingBad));
      pending = null;
    }

    private String decode(int from, int to) {
      try {
        CharBuffer cb = decoder.reset().decode(ByteBuffer.wrap(bytes, from, to - from));
        return cb.toString();
      } catch (CharacterCodingException e) {
        return null;
      }
    }
  }

  private static boolean isEnd(byte b) {
    return b == '\n' || b == '\r';
  }

  /** Index of the next line end (LF or CR) at or after {@code from}, or -1. */
  private static int lineEnd(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (isEnd(b[i])) {
        return i;
      }
    }
    return -1;
  }

  /** Where the line after the line end at {@code end} starts (CRLF is one line end). */
  private static int nextLine(byte[] b, int end) {
    return b[end] == '\r' && end + 1 < b.length && b[end + 1] == '\n' ? end + 2 : end + 1;
  }

  private static int quotes(String s) {
    int q = 0;
    for (int i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) {
      q++;
    }
    return q;
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
}
