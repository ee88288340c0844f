package io.retention.export;

import java.util.ArrayList;
import java.util.List;

/**
 * The records and cells of an RFC 4180 CSV text as the export writes it ({@code "} quotes, doubled inside a
 * quoted cell, {@code \n} line ends; a quoted cell may hold commas and line breaks). Each record keeps its exact
 * text and line end, so a file rewritten without some records is otherwise byte for byte the same.
 */
final class CsvRecords {
  private CsvRecords() {}

  /** The records of {@code text}, each with its line end (the last one may lack it). */
  static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\n' && !quoted) {
        out.add(text.substring(start, i + 1));
        start = i + 1;
      }
    }
    if (start < text.length()) {
      out.add(text.substring(start));
    }
    return out;
  }

  /** The cells of one record (quotes removed, doubled quotes undone, the line end dropped). */
  static List<String> fields(String record) {
    String r = record.endsWith("\r\n") ? record.substring(0, record.length() - 2)
        : record.endsWith("\n") ? record.substring(0, record.length() - 1) : record;
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < r.length(); i++) {
      char c = r.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < r.length() && r.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    cells.add(cell.toString());
    return cells;
  }
}
