package io.retention.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.retention.churn.ChurnScorer;
import io.retention.schema.ChurnColumns;
import io.retention.schema.Columns;
import io.retention.schema.MetricsColumns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The CRM import columns and file format: the match key's latest value, segment actions per band, the manifest's
 * columns and types, the byte order mark and the group permission, each expectation written by hand.
 */
class CrmImportTest {
  private static final LocalDate AS_OF = LocalDate.parse("2024-06-30");

  private static Row order(String id, String customer, String ts, String kind, String email) {
    Map<String, String> attrs = email == null ? Map.of() : Map.of("email", email);
    return RowFactory.create(id, customer, Timestamp.from(Instant.parse(ts)), Date.valueOf(ts.substring(0, 10)),
        new BigDecimal("10.00"), "EUR", 1L, kind, CollectionConverters.asScala(attrs), "h" + id, "f.csv", 1L, "r1");
  }

  /**
   * A: a-new (06-20) is the latest non-blank value on or before 06-30 (06-25 blank, 07-05 after the score date).
   * B: two orders at the same instant: the greater order id (o5) wins. C: never gave one: no row. D: a later
   * refund carries the newest value.
   */
  @Test
  void theMatchKeyIsTheLatestNonBlankValueOnOrBeforeTheScoreDate() {
    Dataset<Row> purchases = SharedSpark.get().createDataFrame(List.of(
        order("o1", "A", "2024-06-01T10:00:00Z", "purchase", "a-old@x"),
        order("o2", "A", "2024-06-20T10:00:00Z", "purchase", "a-new@x"),
        order("o3", "A", "2024-06-25T10:00:00Z", "purchase", " "),
        order("o9", "A", "2024-07-05T10:00:00Z", "purchase", "a-future@x"),
        order("o4", "B", "2024-06-10T10:00:00Z", "purchase", "b-4@x"),
        order("o5", "B", "2024-06-10T10:00:00Z", "purchase", "b-5@x"),
        order("o6", "C", "2024-06-10T10:00:00Z", "purchase", null),
        order("o7", "D", "2024-06-10T10:00:00Z", "purchase", "d-old@x"),
        order("o8", "D", "2024-06-12T10:00:00Z", "refund", "d-new@x")), Schemas.PURCHASES);
    assertThat(CrmColumns.matchKeys(purchases, AS_OF, "email").orderBy(Columns.CUSTOMER_ID).collectAsList()
        .toString()).isEqualTo("[[A,a-new@x], [B,b-5@x], [D,d-new@x]]");
  }

  /**
   * Band high and medium get the segment's configured play, band low and an unknown segment "no action"; rows in
   * order of expected value saved (A 450, B 50, D 35, C 1) and suggested_action unchanged by the segment.
   */
  @Test
  void segmentActionsPerSegmentAndBand() throws Exception {
    SegmentActions a = SegmentActions.defaults();
    assertThat(a.action("Champions", "high")).isEqualTo("personal call, thank-you gift");
    assertThat(a.action("Lost", "medium")).isEqualTo("newsletter only");
    assertThat(a.action("Others", "high")).isEqualTo("win-back discount");
    assertThat(a.action("Champions", "low")).isEqualTo(AtRiskExport.NO_ACTION);
    assertThat(a.action(null, "high")).isEqualTo(AtRiskExport.NO_ACTION);

    Path out = SharedSpark.tempDir("crm-actions");
    List<CSVRecord> rows = ExportCsv.read(write(out, null, ExportWriter.Format.defaults()).localFile());
    Map<String, List<String>> byId = new LinkedHashMap<>();
    for (CSVRecord r : rows) {
      byId.put(r.get(Columns.CUSTOMER_ID), List.of(r.get(ChurnColumns.RISK_BAND), r.get(MetricsColumns.SEGMENT),
          r.get(ChurnColumns.SEGMENT_ACTION), r.get(ChurnColumns.MATCH_KEY), r.get(ChurnColumns.SUGGESTED_ACTION)));
    }
    assertThat(byId).containsExactly(
        Map.entry("A", List.of("high", "Can't Lose Them", "call with the best win-back offer", "a@x", "VIP call")),
        Map.entry("B", List.of("medium", "At Risk", "renewal reminder", "", "check-in")),
        Map.entry("D", List.of("high", "", AtRiskExport.NO_ACTION, "", "win-back offer")),
        Map.entry("C", List.of("low", "Champions", AtRiskExport.NO_ACTION, "'=c@x", AtRiskExport.NO_ACTION)));
    ExportCsv.assertNoContradictions(rows);
  }

  @Test
  void theManifestListsEveryColumnWithItsType() throws Exception {
    ExportWriter.Written w = write(SharedSpark.tempDir("crm-manifest"), null, new ExportWriter.Format(false,
        false, "email"));
    Map<?, ?> manifest = new ObjectMapper().readValue(w.localFolder().resolve(ExportWriter.MANIFEST).toFile(),
        Map.class);
    List<String> columns = new ArrayList<>();
    for (Object c : (List<?>) manifest.get("columns")) {
      columns.add(((Map<?, ?>) c).get("name") + " " + ((Map<?, ?>) c).get("type"));
    }
    assertThat(columns).containsExactly("customer_id string", "churn_risk double", "risk_band string",
        "top_reasons string", "predicted_clv decimal(18,2)", "value_at_risk decimal(18,2)",
        "expected_value_saved decimal(18,2)", "days_since_last_purchase int", "usual_gap_days double",
        "last_order_date date", "expected_next_purchase date", "days_overdue int", "next_purchase string",
        "suggested_action string", "group string", "segment string", "segment_action string", "match_key string");
    assertThat(columns).extracting(c -> c.split(" ")[0]).containsExactly(AtRiskExport.COLUMNS);
    assertThat(manifest.get("match_key")).isEqualTo("email");
    assertThat(manifest.get("encoding")).isEqualTo("UTF-8");
  }

  /** EF BB BF, then the header; readers still find every column, and forget's rewrite keeps the mark. */
  @Test
  void aByteOrderMarkOnRequest() throws Exception {
    ExportWriter.Written plain = write(SharedSpark.tempDir("crm-plain"), null, ExportWriter.Format.defaults());
    assertThat(Arrays.copyOf(Files.readAllBytes(plain.localFile()), 3)).containsExactly('c', 'u', 's');
    ExportWriter.Written bom = write(SharedSpark.tempDir("crm-bom"), null, new ExportWriter.Format(true, false,
        null));
    byte[] bytes = Files.readAllBytes(bom.localFile());
    assertThat(Arrays.copyOf(bytes, 14)).containsExactly(0xEF, 0xBB, 0xBF, 'c', 'u', 's', 't', 'o', 'm', 'e',
        'r', '_', 'i', 'd');
    assertThat(bytes.length).isEqualTo(Files.size(plain.localFile()) + 3);
    assertThat(new ObjectMapper().readValue(bom.localFolder().resolve(ExportWriter.MANIFEST).toFile(), Map.class)
        .get("encoding")).isEqualTo("UTF-8 with BOM");

    assertThat(ExportWriter.rewriteWithout(new Configuration(), new org.apache.hadoop.fs.Path(
        bom.localFolder().toUri()), Set.of("B"))).isEqualTo(1);
    byte[] after = Files.readAllBytes(bom.localFile());
    assertThat(Arrays.copyOf(after, 4)).containsExactly(0xEF, 0xBB, 0xBF, 'c');
    assertThat(new String(after, java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("renewal reminder");
  }

  private static String perms(Path p) throws java.io.IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  /**
   * Owner-only by default (0600 / 0700); group read on request (0640 / 0750), kept by forget's rewrite and
   * applied to a kept folder on a rerun.
   */
  @Test
  void groupReadPermissionOnRequest() throws Exception {
    ExportWriter.Written owner = write(SharedSpark.tempDir("crm-owner"), null, ExportWriter.Format.defaults());
    assertThat(perms(owner.localFile())).isEqualTo("rw-------");
    ExportWriter.Written group = write(SharedSpark.tempDir("crm-group"), null, new ExportWriter.Format(false, true,
        null));
    assertThat(perms(group.localFile())).isEqualTo("rw-r-----");
    assertThat(perms(group.localFolder().resolve(ExportWriter.MANIFEST))).isEqualTo("rw-r-----");
    assertThat(perms(group.localFolder())).isEqualTo("rwxr-x---");
    ExportWriter.rewriteWithout(new Configuration(), new org.apache.hadoop.fs.Path(group.localFolder().toUri()),
        Set.of("A"));
    assertThat(perms(group.localFile())).isEqualTo("rw-r-----");
    assertThat(perms(group.localFolder())).isEqualTo("rwxr-x---");
    // a rerun with the same rows keeps the folder but takes the configured permission
    write(owner.localFolder().getParent().getParent(), null, new ExportWriter.Format(false, true, null));
    assertThat(perms(owner.localFile())).isEqualTo("rw-r-----");
  }

  /** A pseudonymised export pseudonymises the match key too (it identifies the customer as much as the id). */
  @Test
  void aPseudonymisedExportPseudonymisesTheMatchKey() throws Exception {
    byte[] key = "0123456789abcdef-key".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    List<CSVRecord> rows = ExportCsv.read(write(SharedSpark.tempDir("crm-pseudo"), key,
        ExportWriter.Format.defaults()).localFile());
    assertThat(rows.get(0).get(ChurnColumns.MATCH_KEY)).isEqualTo(CsvSafety.pseudonym(key, "a@x"));
    assertThat(rows.get(0).get(Columns.CUSTOMER_ID)).isEqualTo(CsvSafety.pseudonym(key, "A"));
  }

  /**
   * Four scored customers: A high 0.9 CLV 500 (VIP call), B medium 0.5 CLV 100 (check-in), C low, D high 0.7 CLV
   * 50 and no segment (no metrics for it). Match keys: A a@x, C "=c@x" (neutralised with a quote).
   */
  private static ExportWriter.Written write(Path out, byte[] key, ExportWriter.Format format) {
    Object[][] s = {{"A", 0.9, "high"}, {"B", 0.5, "medium"}, {"C", 0.1, "low"}, {"D", 0.7, "high"}};
    List<Row> scores = new ArrayList<>();
    for (Object[] r : s) {
      scores.add(RowFactory.create(r[0], Date.valueOf(AS_OF), r[1], r[2], "reason", "v1", 10.0, 20.0,
          Date.valueOf("2024-06-20"), Date.valueOf("2024-07-10"), 0));
    }
    Dataset<Row> clv = SharedSpark.get().createDataFrame(List.of(RowFactory.create("A", new BigDecimal("500.00")),
        RowFactory.create("B", new BigDecimal("100.00")), RowFactory.create("C", new BigDecimal("10.00")),
        RowFactory.create("D", new BigDecimal("50.00"))), Schemas.struct(
        Schemas.field(Columns.CUSTOMER_ID, DataTypes.StringType), Schemas.field("predicted_clv", Schemas.MONEY)));
    Dataset<Row> segments = SharedSpark.get().createDataFrame(List.of(RowFactory.create("A", "Can't Lose Them"),
        RowFactory.create("B", "At Risk"), RowFactory.create("C", "Champions")), Schemas.struct(
        Schemas.field(Columns.CUSTOMER_ID, DataTypes.StringType),
        Schemas.field(MetricsColumns.SEGMENT, DataTypes.StringType)));
    Dataset<Row> keys = SharedSpark.get().createDataFrame(List.of(RowFactory.create("A", "a@x"),
        RowFactory.create("C", "=c@x")), Schemas.struct(Schemas.field(Columns.CUSTOMER_ID, DataTypes.StringType),
        Schemas.field(ChurnColumns.MATCH_KEY, DataTypes.StringType)));
    AtRiskExport.Options o = new AtRiskExport.Options(AS_OF, out.toString(), null, null, key,
        AtRiskExport.Rules.defaults(), ListPolicy.everyone(), ControlGroup.defaults(null), SegmentActions.defaults(),
        "email");
    Dataset<Row> rows = AtRiskExport.compute(SharedSpark.get().createDataFrame(scores, ChurnScorer.SCHEMA), clv,
        CrmColumns.of(segments, keys), o);
    return ExportWriter.write(rows, out.toString(), AS_OF, "v1", format);
  }
}
