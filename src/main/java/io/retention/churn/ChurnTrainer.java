package io.retention.churn;

import static io.retention.churn.ChurnSelection.NAMES;
import static io.retention.churn.ChurnSelection.SCORERS;
import static io.retention.churn.ChurnSelection.baselineColumn;
import static io.retention.schema.ChurnColumns.LABEL;
import static io.retention.schema.ChurnColumns.P_NO_PURCHASE;
import static io.retention.schema.ChurnColumns.RECENCY_DAYS;
import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;

import io.retention.metrics.CustomerActivity;
import io.retention.pipeline.Progress;
import io.retention.schema.ChurnColumns;
import io.retention.schema.Columns;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the churn classifier out of time: features and labels at c &minus; H (stacked with those at
 * {@code trainingCutoffs - 1} earlier cutoffs, every {@code trainingCutoffStepDays}; each cutoff's labels end
 * by c) train a logistic regression and gradient-boosted trees (MLlib) on the features, the skewed ones
 * log-scaled ({@link ChurnColumns#LOG_SCALED}); both are validated on features at c with labels observed in (c, c + H],
 * next to two baselines that need no training (days since last purchase; the BG/NBD probability of no
 * purchase in the horizon from the fit at c). Every candidate gets ROC-AUC, PR-AUC, top-decile lift and Brier
 * (recency's after Platt scaling fitted at c &minus; H). {@link ChurnSelection} picks the kept scorer: the
 * better classifier when it beats both baselines by at least {@code minimumGain} ROC-AUC, else the best
 * baseline (saved as a {@link org.apache.spark.ml.feature.SQLTransformer} raw scorer plus its calibrator, so
 * scoring and export work unchanged), and a loud warning says so (log, metadata, ops.runs).
 *
 * <p>Calibration (churn_risk is a probability): the kept scorer's raw scores are calibrated on out-of-fold
 * scores of the training customers ({@code calibrationFolds} folds by a seeded hash of the customer id; each
 * fold is scored by the pipeline fitted on the others), never on scores of rows the classifier trained on.
 * Three calibrations are compared on the out-of-time validation rows by Brier score and the one with the
 * lowest is kept: none (the raw probability), Platt (logistic on the logit of the raw score) and isotonic.
 * An isotonic fit on in-sample training scores was tried before and made CDNOW worse: in-sample scores are
 * over-confident, so the step function learnt from them maps held-out scores to the wrong churn rates.
 * Which method wins depends on the data (the validation Brier of each is in the metadata; the figures of the
 * CDNOW and UCI tests are in docs/models.md); keeping "none" when neither calibrator helps is deliberate.
 *
 * <p>Cost: two feature/label aggregations per training cutoff plus two for validation (one shuffle each), two
 * fits on the training rows plus one per calibration fold for the kept model, a handful of metric
 * aggregations. Only metrics, calibrator coefficients and BG/NBD patterns reach the driver.
 */
public final class ChurnTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(ChurnTrainer.class);
  public static final String SCORE = "score";
  static final String FEATURE_VECTOR = "features_vector";

  /** Cutoff c (validation labels at c need data up to c + H), MLlib settings, code version for metadata. */
  public record Options(LocalDate cutoff, int horizonDays, int lookbackDays, double penalizer, long seed,
      int lrMaxIter, double lrRegParam, int gbtMaxIter, int gbtMaxDepth, int calibrationFolds, String codeVersion,
      List<String> categoricals, int trainingCutoffs, int trainingCutoffStepDays, double minimumGain) {
    public static final int LR_MAX_ITER_DEFAULT = 50;
    public static final double LR_REG_PARAM_DEFAULT = 0.01;
    public static final int GBT_MAX_ITER_DEFAULT = 20;
    public static final int GBT_MAX_DEPTH_DEFAULT = 4;
    public static final int CALIBRATION_FOLDS_DEFAULT = 3;
    public static final int TRAINING_CUTOFFS_DEFAULT = 3;
    public static final int TRAINING_CUTOFF_STEP_DAYS_DEFAULT = 30;
    /** ROC-AUC a classifier must gain over the best baseline to be kept (churn.minimumGain). */
    public static final double MINIMUM_GAIN_DEFAULT = 0.01;

    /** The default minimum gain. */
    public Options(LocalDate cutoff, int horizonDays, int lookbackDays, double penalizer, long seed, int lrMaxIter,
        double lrRegParam, int gbtMaxIter, int gbtMaxDepth, int calibrationFolds, String codeVersion,
        List<String> categoricals, int trainingCutoffs, int trainingCutoffStepDays) {
      this(cutoff, horizonDays, lookbackDays, penalizer, seed, lrMaxIter, lrRegParam, gbtMaxIter, gbtMaxDepth,
          calibrationFolds, codeVersion, categoricals, trainingCutoffs, trainingCutoffStepDays, MINIMUM_GAIN_DEFAULT);
    }

    /** One training cutoff (c &minus; H), as before stacking. */
    public Options(LocalDate cutoff, int horizonDays, int lookbackDays, double penalizer, long seed, int lrMaxIter,
        double lrRegParam, int gbtMaxIter, int gbtMaxDepth, int calibrationFolds, String codeVersion,
        List<String> categoricals) {
      this(cutoff, horizonDays, lookbackDays, penalizer, seed, lrMaxIter, lrRegParam, gbtMaxIter, gbtMaxDepth,
          calibrationFolds, codeVersion, categoricals, 1, TRAINING_CUTOFF_STEP_DAYS_DEFAULT, MINIMUM_GAIN_DEFAULT);
    }

    public Options {
      if (trainingCutoffs < 1 || trainingCutoffStepDays < 1) {
        throw new IllegalArgumentException("churn trainer: training cutoffs and their step must be at least 1, "
            + "cannot be: " + trainingCutoffs + ", " + trainingCutoffStepDays);
      }
      new ChurnLabels.Options(cutoff, horizonDays, lookbackDays);
      categoricals = new ChurnFeatures.Options(cutoff, lookbackDays, horizonDays, 0.0, categoricals).categoricals();
      if (lrMaxIter < 1 || gbtMaxIter < 1 || gbtMaxDepth < 1) {
        throw new IllegalArgumentException("churn trainer: iterations and depth must be at least 1, cannot be: "
            + lrMaxIter + ", " + gbtMaxIter + ", " + gbtMaxDepth);
      }
      if (!(minimumGain >= 0 && minimumGain < 1)) {
        throw new IllegalArgumentException("churn trainer: the minimum ROC-AUC gain must be in [0, 1), cannot be: "
            + minimumGain);
      }
      if (calibrationFolds < 2) {
        throw new IllegalArgumentException("churn trainer: calibration folds must be at least 2, cannot be: "
            + calibrationFolds);
      }
    }

    public static Options defaults(LocalDate cutoff, int horizonDays, int lookbackDays, long seed) {
      return new Options(cutoff, horizonDays, lookbackDays, 0.0, seed, LR_MAX_ITER_DEFAULT, LR_REG_PARAM_DEFAULT,
          GBT_MAX_ITER_DEFAULT, GBT_MAX_DEPTH_DEFAULT, CALIBRATION_FOLDS_DEFAULT, "dev", List.of(),
          TRAINING_CUTOFFS_DEFAULT, TRAINING_CUTOFF_STEP_DAYS_DEFAULT, MINIMUM_GAIN_DEFAULT);
    }

    LocalDate trainCutoff() {
      return cutoff.minusDays(horizonDays);
    }

    /**
     * The training cutoffs c &minus; H, c &minus; H &minus; step, ...: each one's labels end by c, so no
     * training row sees the validation window.
     */
    List<LocalDate> trainCutoffs() {
      List<LocalDate> out = new ArrayList<>();
      for (int k = 0; k < trainingCutoffs; k++) {
        out.add(trainCutoff().minusDays((long) k * trainingCutoffStepDays));
      }
      return out;
    }
  }

  /**
   * The kept scorer (raw scorer + calibrator), its calibration method, the kept scorer's calibrated
   * validation metrics, the raw validation metrics of the four candidates (logistic regression, GBT,
   * recency, BG/NBD P(no purchase), in that order), the validation metrics of each calibration tried on the
   * kept scorer, whether it beat both baselines, the warning (null when none), the row counts, and the
   * validation curves of every scorer for gold.churn_evaluation (the kept one with its calibrated risk).
   */
  public record Result(ChurnModel model, String modelType, String calibration, ChurnEvaluation.Metrics kept,
      List<ChurnEvaluation.Metrics> all, List<ChurnEvaluation.Metrics> calibrations, boolean beatsBaselines,
      String warning, long trainRows, long validationRows, List<ChurnEvaluation.CurvePoint> curves) {}


  private ChurnTrainer() {}

  /** Pure training on silver.purchases rows (no writes): on their per-customer state ({@link #fromState}). */
  public static Result train(Dataset<Row> purchases, Options o) {
    Dataset<Row> state = CustomerActivity.state(purchases, false).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return fromState(state, o.categoricals().isEmpty() ? null : purchases, o);
    } finally {
      state.unpersist();
    }
  }

  /**
   * Pure training on the per-customer state (gold.customer_activity): features and labels at both cutoffs from
   * its entries; {@code purchases} only for the categorical attributes (null when there are none).
   */
  public static Result fromState(Dataset<Row> state, Dataset<Row> purchases, Options o) {
    Dataset<Row> trainSet = stacked(state, purchases, o).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> validSet = labelled(state, purchases, o, o.cutoff()).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long trainRows = trainSet.count();
      long validRows = validSet.count();
      if (trainRows == 0 || validRows == 0) {
        throw new IllegalStateException("train-churn: no labelled customers at " + o.trainCutoff() + " or "
            + o.cutoff() + " (lookback " + o.lookbackDays() + " days): pick another --cutoff");
      }
      Pipeline lrp = pipeline(new LogisticRegression().setMaxIter(o.lrMaxIter()).setRegParam(o.lrRegParam()),
          o.categoricals());
      Pipeline gbtp = pipeline(new GBTClassifier().setMaxIter(o.gbtMaxIter()).setMaxDepth(o.gbtMaxDepth())
          .setSeed(o.seed()), o.categoricals());
      Progress.step("fitting logistic regression, classifiers done", 0, 2);
      PipelineModel lr = lrp.fit(trainSet);
      Progress.step("fitting gradient-boosted trees, classifiers done", 1, 2);
      PipelineModel gbt = gbtp.fit(trainSet);
      Progress.step("evaluating the scorers on the validation set", 0, 0);
      List<ChurnEvaluation.Metrics> classifiers = List.of(
          ChurnEvaluation.evaluate(NAMES.get(0), score(lr, validSet), SCORE, true),
          ChurnEvaluation.evaluate(NAMES.get(1), score(gbt, validSet), SCORE, true));
      List<ChurnEvaluation.Metrics> baselines = List.of(recencyMetrics(trainSet, validSet),
          ChurnEvaluation.evaluate(NAMES.get(3), validSet, P_NO_PURCHASE, true));
      ChurnSelection.Selection sel = ChurnSelection.select(classifiers, baselines, o.minimumGain());
      if (sel.warning() != null) {
        LOG.warn("!!! {} !!!", sel.warning());
      }
      List<ChurnEvaluation.Metrics> all = ChurnSelection.all(classifiers, baselines);
      List<ChurnEvaluation.Scored> scored = new ArrayList<>(List.of(
          new ChurnEvaluation.Scored(SCORERS.get(0), score(lr, validSet), SCORE, all.get(0)),
          new ChurnEvaluation.Scored(SCORERS.get(1), score(gbt, validSet), SCORE, all.get(1)),
          new ChurnEvaluation.Scored(SCORERS.get(2), validSet, RECENCY_DAYS, all.get(2)),
          new ChurnEvaluation.Scored(SCORERS.get(3), validSet, P_NO_PURCHASE, all.get(3))));
      int k = sel.chosen();
      Dataset<Row> heldOut = (k < ChurnSelection.CLASSIFIERS ? ChurnCalibration.outOfFold(k == 0 ? lrp : gbtp, trainSet, o)
          : baselineScores(k, trainSet)).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        PipelineModel raw = k == 0 ? lr : k == 1 ? gbt : ChurnModel.baseline(baselineColumn(k), trainSet);
        Progress.step("calibrating the kept scorer", 0, 0);
        ChurnCalibration.Calibrated c = ChurnCalibration.calibrate(all.get(k).name(), raw, ChurnSelection.probability(k), heldOut, validSet);
        // gold.churn_evaluation: ROC, lift by decile and calibration of every scorer (bounded, aggregated);
        // the kept scorer with the calibrated risk that score-churn writes
        scored.set(k, new ChurnEvaluation.Scored(SCORERS.get(k), c.model().score(validSet), SCORE, c.kept()));
        return new Result(c.model(), all.get(k).name(), c.method(), c.kept(), all, c.tried(), sel.beats(),
            sel.warning(), trainRows, validRows, ChurnEvaluation.curves(scored, SCORERS.get(k)));
      } finally {
        heldOut.unpersist();
      }
    } finally {
      Progress.endStep();
      trainSet.unpersist();
      validSet.unpersist();
    }
  }

  /** A baseline's raw scores on the training rows: it never trained, so they are held out as they are. */
  private static Dataset<Row> baselineScores(int index, Dataset<Row> trainSet) {
    return ChurnModel.rawScores(ChurnModel.baseline(baselineColumn(index), trainSet), trainSet)
        .select(col(Columns.CUSTOMER_ID), col(LABEL), col(ChurnModel.RAW_SCORE));
  }

  /**
   * Recency's ranking metrics, with the Brier score and calibration bins of its Platt scaling fitted at the
   * training cutoff (days are not a probability; this is what keeping recency would score).
   */
  static ChurnEvaluation.Metrics recencyMetrics(Dataset<Row> trainSet, Dataset<Row> validSet) {
    ChurnEvaluation.Metrics raw = ChurnEvaluation.evaluate(NAMES.get(2), validSet, RECENCY_DAYS, false);
    ChurnModel platt = new ChurnModel(ChurnModel.baseline(RECENCY_DAYS, trainSet), ChurnModel.calibrator(
        ChurnModel.CALIBRATION_PLATT, baselineScores(ChurnSelection.RECENCY, trainSet), false));
    Dataset<Row> calibrated = platt.score(validSet);
    double brier = ChurnEvaluation.brier(calibrated, SCORE);
    return new ChurnEvaluation.Metrics(raw.name(), raw.rocAuc(), raw.prAuc(), raw.topDecileLift(), brier,
        ChurnEvaluation.calibration(calibrated, SCORE));
  }

  /**
   * The training rows: features and labels at each training cutoff, stacked (a customer may appear once per
   * cutoff). An earlier cutoff where the BG/NBD model cannot be fitted (no customer with two purchase days by
   * then, e.g. before the data starts), where its fit is unusable, or where nobody is labelled adds nothing.
   */
  static Dataset<Row> stacked(Dataset<Row> state, Dataset<Row> purchases, Options o) {
    Dataset<Row> out = labelled(state, purchases, o, o.trainCutoff());
    for (LocalDate at : o.trainCutoffs().subList(1, o.trainCutoffs().size())) {
      // two cheap existence checks instead of a failing BG/NBD fit
      boolean fittable = !state.where(size(CustomerActivity.purchaseDaysUpTo(at)).geq(2)).isEmpty();
      if (fittable && !ChurnLabels.fromState(state, new ChurnLabels.Options(at, o.horizonDays(), o.lookbackDays()))
          .isEmpty()) {
        try {
          out = out.unionByName(labelled(state, purchases, o, at, true));
        } catch (ChurnFeatures.UnusableFit e) { // the fit runs eagerly, so a short history shows here
          LOG.info("churn training: stacked cutoff {} skipped: {}", at, e.getMessage());
        }
      } else {
        LOG.info("churn training: no rows at the stacked cutoff {} (nobody labelled or no repeat buyer yet)", at);
      }
    }
    return out;
  }

  /** Features at {@code at} joined with the labels at {@code at}. */
  static Dataset<Row> labelled(Dataset<Row> state, Dataset<Row> purchases, Options o, LocalDate at) {
    return labelled(state, purchases, o, at, false);
  }

  /** As above; {@code stackedCutoff}: an earlier cutoff, skipped by the caller when its BG/NBD fit is unusable. */
  private static Dataset<Row> labelled(Dataset<Row> state, Dataset<Row> purchases, Options o, LocalDate at,
      boolean stackedCutoff) {
    Dataset<Row> f = ChurnFeatures.fromState(state, purchases,
        new ChurnFeatures.Options(at, o.lookbackDays(), o.horizonDays(), o.penalizer(), o.categoricals()),
        stackedCutoff);
    Dataset<Row> l = ChurnLabels.fromState(state, new ChurnLabels.Options(at, o.horizonDays(), o.lookbackDays()));
    return f.join(l, Columns.CUSTOMER_ID);
  }

  static Pipeline pipeline(PipelineStage classifier) {
    return pipeline(classifier, List.of());
  }

  /**
   * The numeric features, plus for each categorical attribute a StringIndexer and a OneHotEncoder (both with
   * handleInvalid = keep: NULL and values unseen in training go to an extra "unknown" slot), assembled into
   * one vector for {@code classifier}.
   */
  static Pipeline pipeline(PipelineStage classifier, List<String> categoricals) {
    List<PipelineStage> stages = new ArrayList<>();
    stages.add(logScale());
    List<String> inputs = new ArrayList<>();
    ChurnColumns.FEATURES.forEach(f -> inputs.add(ChurnColumns.LOG_SCALED.contains(f) ? LOG_PREFIX + f : f));
    if (!categoricals.isEmpty()) {
      String[] raw = categoricals.stream().map(ChurnColumns::attribute).toArray(String[]::new);
      String[] idx = categoricals.stream().map(a -> ChurnColumns.attribute(a) + "_idx").toArray(String[]::new);
      String[] hot = categoricals.stream().map(a -> ChurnColumns.attribute(a) + "_vec").toArray(String[]::new);
      stages.add(new StringIndexer().setInputCols(raw).setOutputCols(idx).setHandleInvalid("keep")
          .setStringOrderType("frequencyDesc"));
      stages.add(new OneHotEncoder().setInputCols(idx).setOutputCols(hot).setHandleInvalid("keep"));
      inputs.addAll(List.of(hot));
    }
    VectorAssembler assembler = new VectorAssembler()
        .setInputCols(inputs.toArray(new String[0])).setOutputCol(FEATURE_VECTOR);
    stages.add(assembler);
    classifier.set(classifier.getParam("featuresCol"), assembler.getOutputCol());
    classifier.set(classifier.getParam("labelCol"), ChurnColumns.LABEL);
    stages.add(classifier);
    return new Pipeline().setStages(stages.toArray(new PipelineStage[0]));
  }

  static final String LOG_PREFIX = "log_";

  /** Adds log_&lt;f&gt; = log(1 + max(0, f)) for each feature of {@link ChurnColumns#LOG_SCALED}. */
  static SQLTransformer logScale() {
    StringBuilder sql = new StringBuilder("SELECT *");
    for (String f : ChurnColumns.LOG_SCALED) {
      sql.append(", log1p(greatest(").append(f).append(", 0D)) AS ").append(LOG_PREFIX).append(f);
    }
    return new SQLTransformer().setStatement(sql.append(" FROM __THIS__").toString());
  }

  /** Adds {@link #SCORE} = P(churned = 1) from the model's probability vector. */
  public static Dataset<Row> score(PipelineModel model, Dataset<Row> features) {
    return model.transform(features).withColumn(SCORE, vector_to_array(col("probability"), "float64").getItem(1));
  }

  /** A sortable version name: {@code yyyyMMdd'T'HHmmss'Z'} of the training time. */
  public static String version(Instant at) {
    return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(at);
  }

  /** The registry metadata of a training result. */
  public static Map<String, Object> metadata(String version, Result r, Options o, Instant at) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", version);
    m.put("model_type", r.modelType());
    m.put("calibration", r.calibration());
    List<Map<String, Object>> features = new ArrayList<>();
    for (String f : ChurnColumns.FEATURES) {
      features.add(Map.of("name", f, "type", "double"));
    }
    for (String a : o.categoricals()) {
      features.add(Map.of("name", ChurnColumns.attribute(a), "type", "string"));
    }
    m.put("features", features);
    m.put("label", ChurnColumns.LABEL);
    m.put("training", Map.of("train_cutoff", o.trainCutoff().toString(), "train_cutoffs",
        o.trainCutoffs().stream().map(LocalDate::toString).toList(), "validation_cutoff",
        o.cutoff().toString(), "horizon_days", o.horizonDays(), "lookback_days", o.lookbackDays(),
        "train_rows", r.trainRows(), "validation_rows", r.validationRows(), "seed", o.seed(),
        "calibration_folds", o.calibrationFolds(), "minimum_gain", o.minimumGain()));
    Map<String, Object> metrics = new LinkedHashMap<>();
    r.all().forEach(x -> metrics.put(x.name(), x.asMap()));
    m.put("metrics", metrics);
    Map<String, Object> calibrations = new LinkedHashMap<>();
    r.calibrations().forEach(x -> calibrations.put(x.name(), x.asMap()));
    m.put("calibrations", calibrations);
    m.put("kept_metrics", r.kept().asMap());
    m.put("beats_baselines", r.beatsBaselines());
    m.put("selection", Map.of("chosen", r.modelType(), "kind", r.modelType().startsWith("baseline_") ? "baseline"
        : "classifier", "reason", r.warning() != null ? r.warning() : "the better classifier beats both baselines "
        + "(recency, BG/NBD P(no purchase)) on out-of-time ROC-AUC by at least churn.minimumGain "
        + o.minimumGain()));
    if (r.warning() != null) {
      m.put("warning", r.warning());
    }
    m.put("code_version", o.codeVersion());
    m.put("created_at", at.toString());
    return m;
  }
}
