package io.retention.churn;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

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
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the churn classifier out of time: features and labels at c &minus; H train a logistic regression and
 * gradient-boosted trees (MLlib); both are validated on features at c with labels observed in (c, c + H],
 * next to two baselines that need no training (days since last purchase; 1 &minus; P(alive)). The model
 * with the better ROC-AUC is kept; when it does not beat both baselines a loud warning says so.
 *
 * <p>Cost: four feature/label aggregations (one shuffle each), two fits on the training rows, a handful of
 * metric aggregations. Only metrics and BG/NBD patterns reach the driver.
 */
public final class ChurnTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(ChurnTrainer.class);
  public static final String SCORE = "score";
  static final String FEATURE_VECTOR = "features_vector";

  /** Cutoff c (validation labels at c need data up to c + H), MLlib settings, code version for metadata. */
  public record Options(LocalDate cutoff, int horizonDays, int lookbackDays, double penalizer, long seed,
      int lrMaxIter, double lrRegParam, int gbtMaxIter, int gbtMaxDepth, String codeVersion) {
    public static final int LR_MAX_ITER_DEFAULT = 50;
    public static final double LR_REG_PARAM_DEFAULT = 0.01;
    public static final int GBT_MAX_ITER_DEFAULT = 20;
    public static final int GBT_MAX_DEPTH_DEFAULT = 4;

    public Options {
      new ChurnLabels.Options(cutoff, horizonDays, lookbackDays);
      if (lrMaxIter < 1 || gbtMaxIter < 1 || gbtMaxDepth < 1) {
        throw new IllegalArgumentException("churn trainer: iterations and depth must be at least 1, cannot be: "
            + lrMaxIter + ", " + gbtMaxIter + ", " + gbtMaxDepth);
      }
    }

    public static Options defaults(LocalDate cutoff, int horizonDays, int lookbackDays, long seed) {
      return new Options(cutoff, horizonDays, lookbackDays, 0.0, seed, LR_MAX_ITER_DEFAULT, LR_REG_PARAM_DEFAULT,
          GBT_MAX_ITER_DEFAULT, GBT_MAX_DEPTH_DEFAULT, "dev");
    }

    LocalDate trainCutoff() {
      return cutoff.minusDays(horizonDays);
    }
  }

  /** The kept model, all validation metrics, whether it beat both baselines, the row counts. */
  public record Result(PipelineModel model, String modelType, ChurnEvaluation.Metrics kept,
      List<ChurnEvaluation.Metrics> all, boolean beatsBaselines, long trainRows, long validationRows,
      List<ChurnEvaluation.CurvePoint> curves) {
    /** A result without evaluation curves (for gold.churn_evaluation, see {@link ChurnEvaluation#curves}). */
    public Result(PipelineModel model, String modelType, ChurnEvaluation.Metrics kept,
        List<ChurnEvaluation.Metrics> all, boolean beatsBaselines, long trainRows, long validationRows) {
      this(model, modelType, kept, all, beatsBaselines, trainRows, validationRows, List.of());
    }
  }

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
      PipelineModel lr = pipeline(new LogisticRegression().setMaxIter(o.lrMaxIter()).setRegParam(o.lrRegParam()))
          .fit(trainSet);
      PipelineModel gbt = pipeline(new GBTClassifier().setMaxIter(o.gbtMaxIter()).setMaxDepth(o.gbtMaxDepth())
          .setSeed(o.seed())).fit(trainSet);
      ChurnEvaluation.Metrics lrm = ChurnEvaluation.evaluate("logistic_regression", score(lr, validSet), SCORE, true);
      ChurnEvaluation.Metrics gbm = ChurnEvaluation.evaluate("gbt", score(gbt, validSet), SCORE, true);
      ChurnEvaluation.Metrics rec = ChurnEvaluation.evaluate("baseline_recency", validSet,
          ChurnColumns.RECENCY_DAYS, false);
      ChurnEvaluation.Metrics pal = ChurnEvaluation.evaluate("baseline_1_minus_p_alive",
          validSet.withColumn(SCORE, lit(1.0).minus(col(ChurnColumns.P_ALIVE))), SCORE, true);
      boolean gbtBetter = gbm.rocAuc() > lrm.rocAuc();
      ChurnEvaluation.Metrics kept = gbtBetter ? gbm : lrm;
      boolean beats = kept.rocAuc() > rec.rocAuc() && kept.rocAuc() > pal.rocAuc();
      if (!beats) {
        LOG.warn("!!! CHURN MODEL DOES NOT BEAT THE BASELINES: {} ROC-AUC {} vs recency {} and 1 - P(alive) {}; "
            + "keeping it anyway (best trained model) - treat its scores with caution !!!", kept.name(),
            kept.rocAuc(), rec.rocAuc(), pal.rocAuc());
      }
      // gold.churn_evaluation: ROC, lift by decile and calibration of every scorer (bounded, aggregated)
      List<ChurnEvaluation.CurvePoint> curves = ChurnEvaluation.curves(List.of(
          new ChurnEvaluation.Scored("logistic", score(lr, validSet), SCORE, lrm),
          new ChurnEvaluation.Scored("gbt", score(gbt, validSet), SCORE, gbm),
          new ChurnEvaluation.Scored("recency", validSet, ChurnColumns.RECENCY_DAYS, rec),
          new ChurnEvaluation.Scored("p_alive", validSet.withColumn(SCORE, lit(1.0).minus(col(ChurnColumns.P_ALIVE))),
              SCORE, pal)), gbtBetter ? "gbt" : "logistic");
      return new Result(gbtBetter ? gbt : lr, kept.name(), kept, List.of(lrm, gbm, rec, pal), beats, trainRows,
          validRows, curves);
    } finally {
      trainSet.unpersist();
      validSet.unpersist();
    }
  }

  /** Features at {@code at} joined with the labels at {@code at}. */
  static Dataset<Row> labelled(Dataset<Row> purchases, Options o, LocalDate at) {
    Dataset<Row> f = ChurnFeatures.compute(purchases,
        new ChurnFeatures.Options(at, o.lookbackDays(), o.horizonDays(), o.penalizer()));
    Dataset<Row> l = ChurnLabels.compute(purchases, new ChurnLabels.Options(at, o.horizonDays(), o.lookbackDays()));
    return f.join(l, Columns.CUSTOMER_ID);
  }

  static Pipeline pipeline(PipelineStage classifier) {
    VectorAssembler assembler = new VectorAssembler()
        .setInputCols(ChurnColumns.FEATURES.toArray(new String[0])).setOutputCol(FEATURE_VECTOR);
    classifier.set(classifier.getParam("featuresCol"), assembler.getOutputCol());
    classifier.set(classifier.getParam("labelCol"), ChurnColumns.LABEL);
    return new Pipeline().setStages(new PipelineStage[] {assembler, classifier});
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
    List<Map<String, Object>> features = new ArrayList<>();
    for (String f : ChurnColumns.FEATURES) {
      features.add(Map.of("name", f, "type", "double"));
    }
    m.put("features", features);
    m.put("label", ChurnColumns.LABEL);
    m.put("training", Map.of("train_cutoff", o.trainCutoff().toString(), "validation_cutoff",
        o.cutoff().toString(), "horizon_days", o.horizonDays(), "lookback_days", o.lookbackDays(),
        "train_rows", r.trainRows(), "validation_rows", r.validationRows(), "seed", o.seed()));
    Map<String, Object> metrics = new LinkedHashMap<>();
    r.all().forEach(x -> metrics.put(x.name(), x.asMap()));
    m.put("metrics", metrics);
    m.put("beats_baselines", r.beatsBaselines());
    m.put("code_version", o.codeVersion());
    m.put("created_at", at.toString());
    return m;
  }
}
