package io.retention.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Row;

/** Reads an export back with commons-csv (RFC 4180) and compares it with the rows it was written from. */
public final class ExportCsv {
  private ExportCsv() {}

  public static List<CSVRecord> read(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r).getRecords();
    }
  }

  public static List<String> header(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r).getHeaderNames();
    }
  }

  /** Every parsed record equals the row at the same position, typed column by column. */
  public static void assertSameRows(List<Row> expected, List<CSVRecord> actual) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(typed(actual.get(i))).as("row %d", i).isEqualTo(typed(expected.get(i)));
    }
  }

  private static List<Object> typed(CSVRecord r) {
    List<Object> out = new ArrayList<>();
    out.add(r.get(0));
    out.add(Double.parseDouble(r.get(1)));
    out.add(r.get(2));
    out.add(r.get(3));
    out.add(r.get(4).isEmpty() ? null : new BigDecimal(r.get(4)));
    out.add(r.get(5).isEmpty() ? null : new BigDecimal(r.get(5)));
    out.add(Integer.parseInt(r.get(6)));
    out.add(r.get(7).isEmpty() ? null : Double.parseDouble(r.get(7)));
    out.add(r.get(8));
    out.add(r.get(9));
    return out;
  }

  private static List<Object> typed(Row r) {
    List<Object> out = new ArrayList<>();
    out.add(r.getString(0));
    out.add(r.getDouble(1));
    out.add(r.getString(2));
    out.add(r.getString(3));
    out.add(r.isNullAt(4) ? null : r.getDecimal(4));
    out.add(r.isNullAt(5) ? null : r.getDecimal(5));
    out.add(r.getInt(6));
    out.add(r.isNullAt(7) ? null : r.getDouble(7));
    out.add(r.getDate(8).toString());
    out.add(r.getString(9));
    return out;
  }
}
