package io.retention.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.churn.ChurnScorer;
import io.retention.churn.ChurnTrainer;
import io.retention.churn.ModelRegistry;
import io.retention.lake.DeltaTables;
import io.retention.lake.LatestPurchase;
import io.retention.lake.Table;
import io.retention.metrics.RfmSegments;
import io.retention.metrics.SegmentRules;
import io.retention.report.ReportData;
import io.retention.report.ReportModel;
import io.retention.schema.ChurnColumns;
import io.retention.schema.MetricsColumns;
import io.retention.testing.SampleWarehouse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled samples (data-samples/landing) through ingest, metrics, clv, train-churn and score-churn, then
 * every scored customer exported and scanned for contradictions ({@link ExportCsv#assertNoContradictions}),
 * and the default list checked: only bands medium and high, ranked by expected value saved.
 */
class SampleExportCoherenceTest {
  @TempDir
  Path work;

  @Test
  void noExportedRowOfTheSamplesContradictsItself() throws Exception {
    DeltaTables t = SampleWarehouse.build(work.resolve("warehouse"));
    Dataset<Row> purchases = t.read(Table.PURCHASES);
    LocalDate last = LatestPurchase.day(purchases).orElseThrow();
    ChurnTrainer.Options o = ChurnTrainer.Options.defaults(last.minusDays(90), 90, 365, 42);
    ChurnTrainer.Result r = ChurnTrainer.train(purchases, o);
    ModelRegistry registry = ModelRegistry.under(work.resolve("warehouse").toString());
    registry.save("s1", r.model(), ChurnTrainer.metadata("s1", r, o, Instant.EPOCH));
    new ChurnScorer(t, registry, new ChurnScorer.Options(null, 365, 90, 0.0, 0.6, 0.3, null)).run();
    Dataset<Row> scores = t.read(Table.CHURN_SCORES);
    Dataset<Row> clv = t.read(Table.CUSTOMER_CLV);

    Path all = work.resolve("all");
    List<CSVRecord> everyone = ExportCsv.read(ExportWriter.write(AtRiskExport.compute(scores, clv,
        new AtRiskExport.Options(last, all.toString(), null, null, null, AtRiskExport.Rules.defaults())), all, last,
        "s1").localFile());
    assertThat((long) everyone.size()).isEqualTo(scores.count());
    ExportCsv.assertNoContradictions(everyone);

    Path list = work.resolve("list");
    AtRiskExport.Options listOptions = new AtRiskExport.Options(last, list.toString(), 500, null, null,
        AtRiskExport.Rules.defaults(), ListPolicy.defaults(), ControlGroup.defaults(null));
    List<CSVRecord> rows = ExportCsv.read(ExportWriter.write(AtRiskExport.compute(scores, clv, listOptions), list,
        last, "s1").localFile());
    // the report's at-risk table is the head of that CSV: same customers, same order
    List<String> reported = new ReportData(t).load(new ReportData.Options(last, 90, null, listOptions)).churn()
        .top().stream().map(ReportModel.AtRisk::customerId).toList();
    assertThat(reported).isNotEmpty().isEqualTo(rows.stream().limit(reported.size())
        .map(x -> x.get(io.retention.schema.Columns.CUSTOMER_ID)).toList());
    assertThat(reported.size()).isEqualTo(Math.min(15, rows.size()));
    ExportCsv.assertNoContradictions(rows);
    assertThat(rows).allSatisfy(x -> assertThat(x.get(ChurnColumns.RISK_BAND)).isIn("high", "medium"));
    for (int i = 1; i < rows.size(); i++) {
      String a = rows.get(i - 1).get(ChurnColumns.EXPECTED_VALUE_SAVED);
      String b = rows.get(i).get(ChurnColumns.EXPECTED_VALUE_SAVED);
      assertThat(b.isEmpty() || !a.isEmpty() && new java.math.BigDecimal(a).compareTo(new java.math.BigDecimal(b)) >= 0)
          .as("ranked by expected value saved at row %d", i).isTrue();
    }

    // with the CRM columns as export builds them: each row's segment is gold.customers' (metrics ran as of `last`)
    Dataset<Row> crm = CrmColumns.at(t.read(Table.CUSTOMER_ACTIVITY), purchases, last, 90,
        SegmentRules.defaults(), null);
    Path segmented = work.resolve("segmented");
    List<CSVRecord> withSegments = ExportCsv.read(ExportWriter.write(AtRiskExport.compute(scores, clv, crm,
        listOptions), segmented, last, "s1").localFile());
    java.util.Map<String, String> gold = new java.util.HashMap<>();
    t.read(Table.CUSTOMERS).select(io.retention.schema.Columns.CUSTOMER_ID, MetricsColumns.SEGMENT).collectAsList()
        .forEach(g -> gold.put(g.getString(0), g.getString(1)));
    assertThat(withSegments).hasSameSizeAs(rows).allSatisfy(x -> assertThat(x.get(MetricsColumns.SEGMENT))
        .isNotEmpty().isEqualTo(gold.get(x.get(io.retention.schema.Columns.CUSTOMER_ID))));
    ExportCsv.assertNoContradictions(withSegments);

    // export reads those segments from gold.customers: metrics wrote it for this date, window, rules and state
    SegmentRules rules = SegmentRules.defaults();
    Dataset<Row> written = RfmSegments.written(t, last, 90, rules).orElseThrow();
    Dataset<Row> computed = RfmSegments.at(t.read(Table.CUSTOMER_ACTIVITY), last, 90, rules);
    assertThat(written.count()).isEqualTo(computed.count()).isEqualTo(gold.size());
    assertThat(written.exceptAll(computed).isEmpty() && computed.exceptAll(written).isEmpty()).isTrue();
    assertThat(CrmColumns.at(t, last, 90, rules, null).exceptAll(crm).isEmpty()).isTrue();
    // anything else is computed again: another date, window or rules, or a state changed since
    assertThat(RfmSegments.written(t, last.minusDays(1), 90, rules)).isEmpty();
    assertThat(RfmSegments.written(t, last, 60, rules)).isEmpty();
    assertThat(RfmSegments.written(t, last, 90, new SegmentRules(rules.rules(), "other"))).isEmpty();
    t.setProperty(Table.CUSTOMER_ACTIVITY, "test.touched", "true");
    assertThat(RfmSegments.written(t, last, 90, rules)).isEmpty();
    System.out.printf("samples: %d scored, %d on the default list, %d control%n", everyone.size(), rows.size(),
        rows.stream().filter(x -> x.get(ChurnColumns.GROUP).equals(ControlGroup.CONTROL)).count());
  }
}
