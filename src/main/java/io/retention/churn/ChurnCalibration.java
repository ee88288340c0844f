package io.retention.churn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import io.retention.pipeline.Progress;
import io.retention.schema.ChurnColumns;
import io.retention.schema.Columns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calibration of the kept churn scorer (see {@link ChurnTrainer}): out-of-fold raw scores of the training
 * customers, and the choice between none, Platt and isotonic by Brier score on the out-of-time validation.
 */
final class ChurnCalibration {
  private static final Logger LOG = LoggerFactory.getLogger(ChurnCalibration.class);
  private static final String SCORE = ChurnTrainer.SCORE;

  private ChurnCalibration() {}

  /** The calibration kept for a raw scorer, its validation metrics and those of every method tried. */
  record Calibrated(ChurnModel model, String method, ChurnEvaluation.Metrics kept,
      List<ChurnEvaluation.Metrics> tried) {}

  /**
   * Fits Platt and isotonic calibrators on {@code heldOut} raw scores (plus "none" for probabilities) and
   * keeps the one with the lowest Brier score on the out-of-time validation rows.
   */
  static Calibrated calibrate(String name, PipelineModel raw, boolean probability, Dataset<Row> heldOut,
      Dataset<Row> validSet) {
    List<String> methods = new ArrayList<>();
    if (probability) {
      methods.add(ChurnModel.CALIBRATION_NONE);
    }
    methods.add(ChurnModel.CALIBRATION_PLATT);
    methods.add(ChurnModel.CALIBRATION_ISOTONIC);
    Calibrated best = null;
    List<ChurnEvaluation.Metrics> tried = new ArrayList<>();
    for (String m : methods) {
      ChurnModel cm = new ChurnModel(raw, ChurnModel.calibrator(m, heldOut, probability));
      ChurnEvaluation.Metrics v = ChurnEvaluation.evaluate(name + "+" + m, cm.score(validSet), SCORE, true);
      tried.add(v);
      LOG.info("churn calibration on the out-of-time validation: {}", v.describe());
      if (best == null || v.brier() < best.kept().brier()) {
        best = new Calibrated(cm, m, v, tried);
      }
    }
    return new Calibrated(best.model(), best.method(), best.kept(), List.copyOf(tried));
  }

  /**
   * Out-of-fold raw scores on the training rows: customers are split into {@code calibrationFolds} folds by
   * a seeded hash of their id; each fold is scored by the pipeline fitted on the other folds, so no row is
   * scored by a model that saw it. One extra fit per fold.
   */
  static Dataset<Row> outOfFold(Pipeline p, Dataset<Row> trainSet, ChurnTrainer.Options o) {
    Column fold = pmod(xxhash64(col(Columns.CUSTOMER_ID), lit(o.seed())), lit(o.calibrationFolds()));
    Dataset<Row> out = null;
    for (int k = 0; k < o.calibrationFolds(); k++) {
      Progress.step("out-of-fold calibration fits, folds done", k, o.calibrationFolds());
      PipelineModel m = p.fit(trainSet.where(fold.notEqual(k)));
      Dataset<Row> s = ChurnModel.rawScores(m, trainSet.where(fold.equalTo(k)))
          .select(col(Columns.CUSTOMER_ID), col(ChurnColumns.LABEL), col(ChurnModel.RAW_SCORE));
      out = out == null ? s : out.union(s);
    }
    return out;
  }
}
