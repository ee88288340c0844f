package io.retention.churn;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.clv.CustomerLifetimeValue;
import io.retention.clv.TimeUnit;
import io.retention.export.AtRiskExport;
import io.retention.export.ExportCsv;
import io.retention.export.ExportWriter;
import io.retention.schema.ChurnColumns;
import io.retention.testing.SharedSpark;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Out of time on CDNOW (sample, 2,357 customers): train at 1997-07-02 (stacked with 1997-06-02 and
 * 1997-05-03, the default 3 training cutoffs 30 days apart) with labels observed up to the
 * calibration end 1997-09-30, validate on features at 1997-09-30 with labels from the holdout (to 1997-12-29,
 * inside the holdout ending 1998-06-30). Skipped without ../shared/datasets.
 */
class ChurnCdnowIT {
  @Test
  void classifierIsNotWorseThanTheBetterBaseline() throws Exception {
    Dataset<Row> purchases = ChurnRows.cdnowSample().cache();
    ChurnTrainer.Result r = ChurnTrainer.train(purchases,
        ChurnTrainer.Options.defaults(LocalDate.parse("1997-09-30"), 90, 365, 42));
    r.all().forEach(m -> System.out.println("CDNOW out-of-time: " + m.describe()));
    r.calibrations().forEach(m -> System.out.println("CDNOW calibration: " + m.describe()));
    r.kept().calibration().forEach(b -> System.out.println("CDNOW kept calibration bin " + b));
    double recency = r.all().get(2).rocAuc();
    double btyd = r.all().get(3).rocAuc();
    System.out.printf("CDNOW kept %s ROC-AUC %.4f | baseline recency %.4f | baseline BG/NBD P(no purchase) %.4f%n",
        r.modelType(), r.kept().rocAuc(), recency, btyd);
    double bestClassifier = Math.max(r.all().get(0).rocAuc(), r.all().get(1).rocAuc());
    assertThat(bestClassifier).isGreaterThanOrEqualTo(Math.max(recency, btyd) - 0.01);
    assertThat(r.kept().rocAuc()).isGreaterThanOrEqualTo(Math.max(recency, btyd) - 0.01);
    assertThat(r.trainRows()).isPositive();
    // the sample's 2,357 customers all bought by 1997-03: each of the 3 stacked training cutoffs labels them all
    assertThat(r.trainRows()).isEqualTo(3 * 2_357L);
    assertThat(r.validationRows()).isEqualTo(2_357L);
    assertThat(r.kept().calibration()).isNotEmpty();
    assertThat(r.kept().brier()).isBetween(0.0, 0.25);
    // the kept calibration is the one with the lowest out-of-time Brier, never worse than the raw probability
    double rawBrier = r.all().stream().filter(m -> m.name().equals(r.modelType())).findFirst().orElseThrow().brier();
    assertThat(r.kept().brier()).isLessThanOrEqualTo(rawBrier + 1e-12);
    assertThat(r.calibrations()).extracting(ChurnEvaluation.Metrics::brier)
        .allSatisfy(b -> assertThat(b).isGreaterThanOrEqualTo(r.kept().brier()));
    exportParsesBackIntoExactlyTheScoredRows(purchases, r);
    purchases.unpersist();
  }

  /** Registry round trip, scores at the calibration end, CLV, export, and a standard CSV reader. */
  private static void exportParsesBackIntoExactlyTheScoredRows(Dataset<Row> purchases, ChurnTrainer.Result r)
      throws Exception {
    exportParsesBack("CDNOW", purchases, r, ChurnTrainer.Options.defaults(LocalDate.parse("1997-09-30"), 90, 365,
        42));
  }

  /** Registry round trip, scores at o.cutoff(), CLV, export, and a standard CSV reader (Commons CSV). */
  static void exportParsesBack(String label, Dataset<Row> purchases, ChurnTrainer.Result r, ChurnTrainer.Options o)
      throws Exception {
    LocalDate asOf = o.cutoff();
    ModelRegistry registry = new ModelRegistry(SharedSpark.tempDir(label + "-registry"));
    registry.save("v1", r.model(), ChurnTrainer.metadata("v1", r, o, Instant.EPOCH));
    ModelRegistry.Loaded model = registry.load(registry.latest().orElseThrow(),
        ModelRegistry.expectedSchema(ChurnColumns.FEATURES, o.categoricals()));
    Dataset<Row> scores = ChurnScorer.compute(purchases, model,
        new ChurnScorer.Options(asOf, 365, 90, 0.0, 0.6, 0.3, null, o.categoricals())).cache();
    Dataset<Row> clv = CustomerLifetimeValue.compute(purchases,
        new CustomerLifetimeValue.Options(asOf, TimeUnit.WEEK, 12, 0.01, 0.0, 90));
    Path out = SharedSpark.tempDir(label + "-export");
    Dataset<Row> rows = AtRiskExport.compute(scores, clv,
        new AtRiskExport.Options(asOf, out.toString(), null, 0.0, null, AtRiskExport.Rules.defaults()));
    List<Row> expected = rows.collectAsList();
    ExportWriter.Written w = ExportWriter.write(rows, out, asOf, model.version());
    List<CSVRecord> parsed = ExportCsv.read(w.localFile());
    ExportCsv.assertSameRows(expected, parsed);
    ExportCsv.assertNoContradictions(parsed);
    Map<String, Double> scored = new HashMap<>();
    scores.collectAsList().forEach(s -> scored.put(s.getString(0), s.getDouble(2)));
    Map<String, Double> exported = new HashMap<>();
    parsed.forEach(p -> exported.put(p.get(0), Double.parseDouble(p.get(1))));
    assertThat(exported).isEqualTo(scored);
    assertThat(w.rows()).isEqualTo(scored.size());
    Row top = scores.orderBy(org.apache.spark.sql.functions.col(ChurnColumns.CHURN_RISK).desc()).first();
    System.out.println(label + " highest risk " + top.getString(0) + " " + top.getDouble(2) + " "
        + top.getString(3) + ": " + top.getString(4));
    scores.unpersist();
  }
}
