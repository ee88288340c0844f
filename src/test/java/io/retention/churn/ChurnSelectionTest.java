package io.retention.churn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.schema.ChurnColumns;
import io.retention.schema.Columns;
import io.retention.testing.SharedSpark;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/** Model selection: a classifier only when it beats both baselines, else the best scorer, loudly. */
class ChurnSelectionTest {
  private static final LocalDate C = LocalDate.parse("2024-06-30"); // training cutoff c - H = 2024-04-01

  private static ChurnEvaluation.Metrics auc(String name, double roc) {
    return new ChurnEvaluation.Metrics(name, roc, 0.5, 1.0, Double.NaN, List.of());
  }

  @Test
  void selectKeepsAClassifierOnlyWhenItBeatsBothBaselines() {
    List<ChurnEvaluation.Metrics> base = List.of(auc("baseline_recency", 0.78),
        auc("baseline_bgnbd_p_no_purchase", 0.3));
    ChurnSelection.Selection gbt = ChurnSelection.select(List.of(auc("lr", 0.79), auc("gbt", 0.80)), base, 0.0);
    assertThat(gbt).isEqualTo(new ChurnSelection.Selection(1, true, null));
    ChurnSelection.Selection rec = ChurnSelection.select(List.of(auc("lr", 0.70), auc("gbt", 0.75)), base, 0.0);
    assertThat(rec.chosen()).isEqualTo(2);
    assertThat(rec.beats()).isFalse();
    assertThat(rec.warning()).isEqualTo("CHURN MODEL DOES NOT BEAT THE BASELINES: best classifier gbt ROC-AUC "
        + "0.7500 vs baseline_recency 0.7800, baseline_bgnbd_p_no_purchase 0.3000; keeping the baseline "
        + "baseline_recency as the churn scorer (calibrated to a probability)");
    ChurnSelection.Selection tie = ChurnSelection.select(List.of(auc("lr", 0.78), auc("gbt", 0.70)), base, 0.0);
    assertThat(tie.chosen()).isEqualTo(2); // a tie is not a win: the best baseline is kept
    assertThat(tie.beats()).isFalse();
  }

  @Test
  void aClassifierMustGainTheMinimumOverTheBetterBaseline() {
    List<ChurnEvaluation.Metrics> base = List.of(auc("baseline_recency", 0.683),
        auc("baseline_bgnbd_p_no_purchase", 0.733));
    // a win by 0.001, under the minimum of 0.01: the formula scores, and the warning says why
    ChurnSelection.Selection small = ChurnSelection.select(List.of(auc("lr", 0.734), auc("gbt", 0.718)), base, 0.01);
    assertThat(small.chosen()).isEqualTo(3);
    assertThat(small.beats()).isTrue();
    assertThat(small.warning()).isEqualTo("CHURN MODEL NOT WORTH ITS COMPLEXITY: best classifier lr ROC-AUC 0.7340 "
        + "beats the best baseline baseline_bgnbd_p_no_purchase 0.7330 by only 0.0010, less than churn.minimumGain "
        + "0.0100; keeping the baseline baseline_bgnbd_p_no_purchase as the churn scorer (calibrated to a "
        + "probability)");
    // without a minimum any win keeps the classifier
    assertThat(ChurnSelection.select(List.of(auc("lr", 0.734), auc("gbt", 0.718)), base, 0.0))
        .isEqualTo(new ChurnSelection.Selection(0, true, null));
    // a gain of exactly the minimum is enough (0.75 - 0.5 = 0.25 exactly in binary)
    assertThat(ChurnSelection.select(List.of(auc("lr", 0.3), auc("gbt", 0.75)), List.of(auc("rec", 0.5),
        auc("btyd", 0.25)), 0.25)).isEqualTo(new ChurnSelection.Selection(1, true, null));
    assertThat(ChurnSelection.select(List.of(auc("lr", 0.3), auc("gbt", 0.75)), List.of(auc("rec", 0.5),
        auc("btyd", 0.25)), 0.26).chosen()).isEqualTo(2);
    assertThatThrownBy(() -> new ChurnTrainer.Options(C, 90, 365, 0.0, 42, 20, 0.01, 5, 3, 3, "test", List.of(), 1,
        30, -0.01)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minimum ROC-AUC gain");
  }

  @Test
  void theBtydBaselineIsKeptWhenItRanksBest() {
    List<ChurnEvaluation.Metrics> base = List.of(auc("baseline_recency", 0.70),
        auc("baseline_bgnbd_p_no_purchase", 0.735));
    ChurnSelection.Selection s = ChurnSelection.select(List.of(auc("lr", 0.730), auc("gbt", 0.71)), base, 0.0);
    assertThat(s.chosen()).isEqualTo(3);
    assertThat(s.warning()).endsWith("keeping the baseline baseline_bgnbd_p_no_purchase as the churn scorer "
        + "(calibrated to a probability)");
    assertThat(ChurnSelection.baselineColumn(3)).isEqualTo(ChurnColumns.P_NO_PURCHASE);
    assertThat(ChurnSelection.probability(3)).isTrue();
    assertThat(ChurnSelection.baselineColumn(2)).isEqualTo(ChurnColumns.RECENCY_DAYS);
    assertThat(ChurnSelection.probability(2)).isFalse();
    ChurnSelection.Selection equal = ChurnSelection.select(List.of(auc("lr", 0.6)), List.of(auc("rec", 0.7),
        auc("btyd", 0.7)), 0.0);
    assertThat(equal.chosen()).isEqualTo(1); // baselines tied: the earlier, recency
  }

  /**
   * Out-of-time drift where only recency works. At c - H the churners are frequent buyers and the stayers
   * single buyers, with the same recency (so the classifiers learn "many orders = churn"). At c the churners
   * are the old frequent buyers and new single buyers who went quiet; the stayers are new frequent buyers
   * who bought recently. Recency ranks c perfectly (ROC-AUC 1); the classifiers rank frequent stayers high
   * and single churners low; 1 - P(alive) ranks single buyers (P(alive) = 1) lowest. Recency at c - H says
   * nothing (10 churners and 10 stayers share each value), so the recency calibrator fitted there maps every
   * score to the training churn rate, 0.5.
   */
  static Dataset<Row> driftFixture() {
    ChurnRows p = new ChurnRows();
    for (int j = 0; j < 10; j++) {
      LocalDate last = LocalDate.parse("2024-03-20").minusDays(j);
      for (int k = 0; k < 8; k++) {
        p.add("T1-" + j, last.minusDays(14L * k).toString(), "20"); // frequent, gone after c - H
      }
      p.add("T2-" + j, last.toString(), "20").add("T2-" + j, "2024-05-10", "20").add("T2-" + j, "2024-07-20", "20");
      p.add("V1-" + j, LocalDate.parse("2024-04-15").minusDays(j).toString(), "20"); // new single buyer, gone
      for (LocalDate d = LocalDate.parse("2024-04-05"); !d.isAfter(LocalDate.parse("2024-06-20").minusDays(j));
          d = d.plusDays(10)) {
        p.add("V2-" + j, d.toString(), "20"); // new frequent buyer, stays
      }
      p.add("V2-" + j, "2024-07-20", "20");
    }
    return p.frame();
  }

  @Test
  void aWinningBaselineIsSelectedWarnedAboutRegisteredAndScores() throws Exception {
    Dataset<Row> purchases = driftFixture().cache();
    ChurnTrainer.Options o = new ChurnTrainer.Options(C, 90, 365, 0.0, 42, 20, 0.01, 5, 3, 3, "test", List.of());
    ChurnTrainer.Result r = ChurnTrainer.train(purchases, o);
    r.all().forEach(m -> System.out.println("drift fixture: " + m.describe()));
    assertThat(r.all().get(2).rocAuc()).isEqualTo(1.0);
    assertThat(Math.max(r.all().get(0).rocAuc(), r.all().get(1).rocAuc())).isLessThan(1.0);
    assertThat(r.modelType()).isEqualTo("baseline_recency");
    assertThat(r.beatsBaselines()).isFalse();
    assertThat(r.warning()).startsWith("CHURN MODEL DOES NOT BEAT THE BASELINES")
        .endsWith("keeping the baseline baseline_recency as the churn scorer (calibrated to a probability)");
    assertThat(r.calibration()).isIn(ChurnModel.CALIBRATION_PLATT, ChurnModel.CALIBRATION_ISOTONIC);

    ModelRegistry registry = new ModelRegistry(SharedSpark.tempDir("baseline-registry"));
    Map<String, Object> meta = ChurnTrainer.metadata("b1", r, o, Instant.EPOCH);
    registry.save("b1", r.model(), meta);
    ModelRegistry.Loaded model = registry.load("b1", ModelRegistry.expectedSchema(ChurnColumns.FEATURES));
    assertThat(model.metadata()).containsEntry("model_type", "baseline_recency").containsEntry("beats_baselines",
        false).containsEntry("selection", Map.of("chosen", "baseline_recency", "kind", "baseline", "reason",
        r.warning()));
    Dataset<Row> scores = ChurnScorer.compute(purchases, model,
        new ChurnScorer.Options(C, 365, 90, 0.0, 0.6, 0.3, null));
    assertThat(scores.count()).isEqualTo(40);
    assertThat(scores.where(functions.col(ChurnColumns.CHURN_RISK).between(0.499, 0.501)
        .and(functions.col(ChurnColumns.MODEL_VERSION).equalTo("b1"))).count()).isEqualTo(40);
    Dataset<Row> features = ChurnFeatures.compute(purchases, new ChurnFeatures.Options(C, 365, 90, 0.0));
    assertThat(model.model().score(features).where(functions.col(ChurnModel.RAW_SCORE)
        .notEqual(functions.col(ChurnColumns.RECENCY_DAYS))).count()).isZero(); // the raw score is recency
    purchases.unpersist();
  }
  /** A new registry holding, as {@code version}, the BG/NBD P(no purchase) baseline kept as is (no calibration). */
  static ModelRegistry btydBaselineRegistry(Dataset<Row> features, String version) {
    org.apache.spark.ml.PipelineModel raw = ChurnModel.baseline(ChurnSelection.baselineColumn(3), features);
    ChurnModel kept = new ChurnModel(raw, ChurnModel.calibrator(ChurnModel.CALIBRATION_NONE,
        ChurnModel.rawScores(raw, features), true));
    ModelRegistry registry = new ModelRegistry(SharedSpark.tempDir("btyd-registry"));
    registry.save(version, kept, Map.of("features", ChurnColumns.FEATURES.stream().map(f -> Map.of("name", f,
        "type", "double")).toList(), "model_type", "baseline_bgnbd_p_no_purchase"));
    return registry;
  }

  @Test
  void aKeptBtydBaselineIsSavedLoadedAndScoresWithTheFormula() {
    Dataset<Row> purchases = driftFixture();
    Dataset<Row> features = ChurnFeatures.compute(purchases, new ChurnFeatures.Options(C, 365, 90, 0.0));
    ModelRegistry registry = btydBaselineRegistry(features, "btyd1");
    ModelRegistry.Loaded model = registry.load("btyd1", ModelRegistry.expectedSchema(ChurnColumns.FEATURES));
    Dataset<Row> scores = ChurnScorer.compute(purchases, model,
        new ChurnScorer.Options(C, 365, 90, 0.0, 0.6, 0.3, null));
    Dataset<Row> joined = scores.join(features, Columns.CUSTOMER_ID);
    assertThat(joined.count()).isEqualTo(40);
    // churn_risk is P(no purchase in the horizon) from the BG/NBD fit at the score date, rounded to 4 places
    assertThat(joined.where(functions.abs(functions.col(ChurnColumns.CHURN_RISK)
        .minus(functions.col(ChurnColumns.P_NO_PURCHASE))).gt(5e-5)).count()).isZero();
  }
}
