package io.retention.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.churn.ReasonCodes;
import io.retention.schema.ChurnColumns;
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
    for (int i = 4; i <= 6; i++) {
      out.add(r.get(i).isEmpty() ? null : new BigDecimal(r.get(i)));
    }
    out.add(Integer.parseInt(r.get(7)));
    out.add(r.get(8).isEmpty() ? null : Double.parseDouble(r.get(8)));
    for (int i = 9; i <= 14; i++) {
      out.add(i == 11 ? (r.get(i).isEmpty() ? null : Integer.valueOf(r.get(i))) : r.get(i).isEmpty() ? null : r.get(i));
    }
    return out;
  }

  private static List<Object> typed(Row r) {
    List<Object> out = new ArrayList<>();
    out.add(r.getString(0));
    out.add(r.getDouble(1));
    out.add(r.getString(2));
    out.add(r.getString(3));
    for (int i = 4; i <= 6; i++) {
      out.add(r.isNullAt(i) ? null : r.getDecimal(i));
    }
    out.add(r.getInt(7));
    out.add(r.isNullAt(8) ? null : r.getDouble(8));
    out.add(r.getDate(9).toString());
    out.add(r.isNullAt(10) ? null : r.getDate(10).toString());
    out.add(r.isNullAt(11) ? null : r.getInt(11));
    for (int i = 12; i <= 14; i++) {
      out.add(r.getString(i));
    }
    return out;
  }

  /**
   * Scans every exported row for contradictions: "no warning signs" only in band low with no action, band low
   * never gets an action (nor a segment action), no percentage written as 0% or 100%, the group is treatment or
   * control.
   */
  public static void assertNoContradictions(List<CSVRecord> rows) {
    for (CSVRecord r : rows) {
      String band = r.get(ChurnColumns.RISK_BAND);
      String reasons = r.get(ChurnColumns.TOP_REASONS);
      String action = r.get(ChurnColumns.SUGGESTED_ACTION);
      if (reasons.equals(ReasonCodes.NONE)) {
        assertThat(band).as("band of a no-warning row %s", r).isEqualTo(ChurnColumns.BAND_LOW);
      }
      assertThat(action.equals(AtRiskExport.NO_ACTION)).as("action of %s", r)
          .isEqualTo(band.equals(ChurnColumns.BAND_LOW));
      assertThat(reasons).as("percentages of %s", r).doesNotContainPattern("(^|[^0-9.<>])0%")
          .doesNotContain("100%");
      assertThat(r.get(ChurnColumns.GROUP)).isIn(ControlGroup.TREATMENT, ControlGroup.CONTROL);
      if (r.isMapped(ChurnColumns.SEGMENT_ACTION) && band.equals(ChurnColumns.BAND_LOW)) {
        assertThat(r.get(ChurnColumns.SEGMENT_ACTION)).as("segment action of %s", r).isEqualTo(AtRiskExport.NO_ACTION);
      }
    }
  }
}
