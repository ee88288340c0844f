package io.retention.churn;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import io.retention.schema.ChurnColumns;
import io.retention.schema.Columns;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the churn classifier out of time: features and labels at c &minus; H train a logistic regression and
 * gradient-boosted trees (MLlib); both are validated on features at c with labels observed in (c, c + H],
 * next to two baselines that need no training (days since last purchase; 1 &minus; P(alive)). The classifier
 * with the better ROC-AUC is kept when it beats both baselines; otherwise the best-ranking candidate is kept,
 * which may be a baseline (saved as a {@link org.apache.spark.ml.feature.SQLTransformer} raw scorer plus its
 * calibrator, so scoring and export work unchanged), and a loud warning says so (log, metadata, ops.runs).
 *
 * <p>Calibration (churn_risk is a probability): the kept scorer's raw scores are calibrated on out-of-fold
 * scores of the training customers ({@code calibrationFolds} folds by a seeded hash of the customer id; each
 * fold is scored by the pipeline fitted on the others), never on scores of rows the classifier trained on.
 * Three calibrations are compared on the out-of-time validation rows by Brier score and the one with the
 * lowest is kept: none (the raw probability), Platt (logistic on the logit of the raw score) and isotonic.
 * An isotonic fit on in-sample training scores was tried before and made CDNOW worse: in-sample scores are
 * over-confident, so the step function learnt from them maps held-out scores to the wrong churn rates.
 * Which method wins depends on the data (the validation Brier of each is in the metadata); keeping "none"
 * when neither calibrator helps is deliberate. Measured (logistic regression kept on both): CDNOW sample at
 * 1997-09-30, Brier raw 0.1110, Platt 0.1113, isotonic 0.1129, so the raw probability is kept (the calibrators
 * are fitted at c &minus; H and cannot follow the churn-rate shift to c); UCI Online Retail at 2011-09-10,
 * raw 0.2121, Platt 0.2114, isotonic 0.2112, so isotonic is kept.
 *
 * <p>Cost: four feature/label aggregations (one shuffle each), two fits on the training rows plus one per
 * calibration fold for the kept model, a handful of metric aggregations. Only metrics, calibrator
 * coefficients and BG/NBD patterns reach the driver.
 */
public final class ChurnTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(ChurnTrainer.class);
  public static final String SCORE = "score";
  static final String FEATURE_VECTOR = "features_vector";

  /** Cutoff c (validation labels at c need data up to c + H), MLlib settings, code version for metadata. */
  public record Options(LocalDate cutoff, int horizonDays, int lookbackDays, double penalizer, long seed,
      int lrMaxIter, double lrRegParam, int gbtMaxIter, int gbtMaxDepth, int calibrationFolds, String codeVersion,
      List<String> categoricals) {
    public static final int LR_MAX_ITER_DEFAULT = 50;
    public static final double LR_REG_PARAM_DEFAULT = 0.01;
    public static final int GBT_MAX_ITER_DEFAULT = 20;
    public static final int GBT_MAX_DEPTH_DEFAULT = 4;
    public static final int CALIBRATION_FOLDS_DEFAULT = 3;

    public Options {
      new ChurnLabels.Options(cutoff, horizonDays, lookbackDays);
      categoricals = new ChurnFeatures.Options(cutoff, lookbackDays, horizonDays, 0.0, categoricals).categoricals();
      if (lrMaxIter < 1 || gbtMaxIter < 1 || gbtMaxDepth < 1) {
        throw new IllegalArgumentException("churn trainer: iterations and depth must be at least 1, cannot be: "
            + lrMaxIter + ", " + gbtMaxIter + ", " + gbtMaxDepth);
      }
      if (calibrationFolds < 2) {
        throw new IllegalArgumentException("churn trainer: calibration folds must be at least 2, cannot be: "
            + calibrationFolds);
      }
    }

    public static Options defaults(LocalDate cutoff, int horizonDays, int lookbackDays, long seed) {
      return new Options(cutoff, horizonDays, lookbackDays, 0.0, seed, LR_MAX_ITER_DEFAULT, LR_REG_PARAM_DEFAULT,
          GBT_MAX_ITER_DEFAULT, GBT_MAX_DEPTH_DEFAULT, CALIBRATION_FOLDS_DEFAULT, "dev", List.of());
    }

    LocalDate trainCutoff() {
      return cutoff.minusDays(horizonDays);
    }
  }

  /**
   * The kept scorer (raw scorer + calibrator), its calibration method, the kept scorer's calibrated
   * validation metrics, the raw validation metrics of the four candidates (logistic regression, GBT,
   * recency, 1 &minus; P(alive), in that order), the validation metrics of each calibration tried on the
   * kept scorer, whether it beat both baselines, the warning (null when none), the row counts, and the
   * validation curves of every scorer for gold.churn_evaluation (the kept one with its calibrated risk).
   */
  public record Result(ChurnModel model, String modelType, String calibration, ChurnEvaluation.Metrics kept,
      List<ChurnEvaluation.Metrics> all, List<ChurnEvaluation.Metrics> calibrations, boolean beatsBaselines,
      String warning, long trainRows, long validationRows, List<ChurnEvaluation.CurvePoint> curves) {}

  /** Scorer names in gold.churn_evaluation, in candidate order (classifiers, then baselines). */
  static final List<String> SCORERS = List.of("logistic", "gbt", "recency", "p_alive");

  private ChurnTrainer() {}

  /** Pure training on silver.purchases rows (no writes). */
  public static Result train(Dataset<Row> purchases, Options o) {
    Dataset<Row> trainSet = labelled(purchases, o, o.trainCutoff()).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> validSet = labelled(purchases, o, o.cutoff()).persist(StorageLevel.MEMORY_AND_DISK());
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
      PipelineModel lr = lrp.fit(trainSet);
      PipelineModel gbt = gbtp.fit(trainSet);
      ChurnEvaluation.Metrics lrm = ChurnEvaluation.evaluate("logistic_regression", score(lr, validSet), SCORE, true);
      ChurnEvaluation.Metrics gbm = ChurnEvaluation.evaluate("gbt", score(gbt, validSet), SCORE, true);
      ChurnEvaluation.Metrics rec = ChurnEvaluation.evaluate("baseline_recency", validSet,
          ChurnColumns.RECENCY_DAYS, false);
      ChurnEvaluation.Metrics pal = ChurnEvaluation.evaluate("baseline_1_minus_p_alive",
          validSet.withColumn(SCORE, lit(1.0).minus(col(ChurnColumns.P_ALIVE))), SCORE, true);
      Selection sel = select(List.of(lrm, gbm), List.of(rec, pal));
      if (sel.warning() != null) {
        LOG.warn("!!! {} !!!", sel.warning());
      }
      Dataset<Row> heldOut;
      PipelineModel raw;
      switch (sel.chosen()) {
        case 0, 1 -> {
          raw = sel.chosen() == 0 ? lr : gbt;
          heldOut = outOfFold(sel.chosen() == 0 ? lrp : gbtp, trainSet, o);
        }
        default -> {
          raw = ChurnModel.baseline(sel.chosen() == 2 ? ChurnColumns.RECENCY_DAYS
              : "1D - " + ChurnColumns.P_ALIVE, trainSet);
          heldOut = ChurnModel.rawScores(raw, trainSet) // a baseline never trained: its training scores are held out
              .select(col(Columns.CUSTOMER_ID), col(ChurnColumns.LABEL), col(ChurnModel.RAW_SCORE));
        }
      }
      heldOut = heldOut.persist(StorageLevel.MEMORY_AND_DISK());
      List<ChurnEvaluation.Metrics> all = List.of(lrm, gbm, rec, pal);
      String name = all.get(sel.chosen()).name();
      try {
        Calibrated c = calibrate(name, raw, sel.chosen() != 2, heldOut, validSet);
        // gold.churn_evaluation: ROC, lift by decile and calibration of every scorer (bounded, aggregated);
        // the kept scorer with the calibrated risk that score-churn writes
        List<ChurnEvaluation.Scored> scored = new ArrayList<>(List.of(
            new ChurnEvaluation.Scored(SCORERS.get(0), score(lr, validSet), SCORE, lrm),
            new ChurnEvaluation.Scored(SCORERS.get(1), score(gbt, validSet), SCORE, gbm),
            new ChurnEvaluation.Scored(SCORERS.get(2), validSet, ChurnColumns.RECENCY_DAYS, rec),
            new ChurnEvaluation.Scored(SCORERS.get(3),
                validSet.withColumn(SCORE, lit(1.0).minus(col(ChurnColumns.P_ALIVE))), SCORE, pal)));
        scored.set(sel.chosen(), new ChurnEvaluation.Scored(SCORERS.get(sel.chosen()), c.model().score(validSet),
            SCORE, c.kept()));
        List<ChurnEvaluation.CurvePoint> curves = ChurnEvaluation.curves(scored, SCORERS.get(sel.chosen()));
        return new Result(c.model(), name, c.method(), c.kept(), all, c.tried(), sel.beats(), sel.warning(),
            trainRows, validRows, curves);
      } finally {
        heldOut.unpersist();
      }
    } finally {
      trainSet.unpersist();
      validSet.unpersist();
    }
  }

  /**
   * Which scorer to keep: index into classifiers followed by baselines, whether the better classifier beats
   * both baselines, and the loud warning when it does not (null otherwise).
   */
  record Selection(int chosen, boolean beats, String warning) {}

  /**
   * The better classifier (by out-of-time ROC-AUC) when it beats every baseline; otherwise the best of all
   * candidates (a tie goes to the earlier one, so to a classifier) with a warning that says so.
   */
  static Selection select(List<ChurnEvaluation.Metrics> classifiers, List<ChurnEvaluation.Metrics> baselines) {
    int best = 0;
    for (int i = 1; i < classifiers.size(); i++) {
      if (classifiers.get(i).rocAuc() > classifiers.get(best).rocAuc()) {
        best = i;
      }
    }
    ChurnEvaluation.Metrics bc = classifiers.get(best);
    if (baselines.stream().allMatch(b -> bc.rocAuc() > b.rocAuc())) {
      return new Selection(best, true, null);
    }
    List<ChurnEvaluation.Metrics> all = new ArrayList<>(classifiers);
    all.addAll(baselines);
    int chosen = best;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).rocAuc() > all.get(chosen).rocAuc()) {
        chosen = i;
      }
    }
    StringBuilder vs = new StringBuilder();
    baselines.forEach(b -> vs.append(vs.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.4f",
        b.name(), b.rocAuc())));
    String keep = chosen < classifiers.size() ? "keeping the classifier " + all.get(chosen).name()
        + " anyway (nothing ranks better) - treat its scores with caution"
        : "keeping the baseline " + all.get(chosen).name() + " as the churn scorer (calibrated to a probability)";
    String warning = String.format(Locale.ROOT, "CHURN MODEL DOES NOT BEAT THE BASELINES: best classifier %s "
        + "ROC-AUC %.4f vs %s; %s", bc.name(), bc.rocAuc(), vs, keep);
    return new Selection(chosen, false, warning);
  }

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
  static Dataset<Row> outOfFold(Pipeline p, Dataset<Row> trainSet, Options o) {
    Column fold = pmod(xxhash64(col(Columns.CUSTOMER_ID), lit(o.seed())), lit(o.calibrationFolds()));
    Dataset<Row> out = null;
    for (int k = 0; k < o.calibrationFolds(); k++) {
      PipelineModel m = p.fit(trainSet.where(fold.notEqual(k)));
      Dataset<Row> s = ChurnModel.rawScores(m, trainSet.where(fold.equalTo(k)))
          .select(col(Columns.CUSTOMER_ID), col(ChurnColumns.LABEL), col(ChurnModel.RAW_SCORE));
      out = out == null ? s : out.union(s);
    }
    return out;
  }

  /** Features at {@code at} joined with the labels at {@code at}. */
  static Dataset<Row> labelled(Dataset<Row> purchases, Options o, LocalDate at) {
    Dataset<Row> f = ChurnFeatures.compute(purchases,
        new ChurnFeatures.Options(at, o.lookbackDays(), o.horizonDays(), o.penalizer(), o.categoricals()));
    Dataset<Row> l = ChurnLabels.compute(purchases, new ChurnLabels.Options(at, o.horizonDays(), o.lookbackDays()));
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
    List<String> inputs = new ArrayList<>(ChurnColumns.FEATURES);
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
    m.put("training", Map.of("train_cutoff", o.trainCutoff().toString(), "validation_cutoff",
        o.cutoff().toString(), "horizon_days", o.horizonDays(), "lookback_days", o.lookbackDays(),
        "train_rows", r.trainRows(), "validation_rows", r.validationRows(), "seed", o.seed(),
        "calibration_folds", o.calibrationFolds()));
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
        + "on out-of-time ROC-AUC"));
    if (r.warning() != null) {
      m.put("warning", r.warning());
    }
    m.put("code_version", o.codeVersion());
    m.put("created_at", at.toString());
    return m;
  }
}
