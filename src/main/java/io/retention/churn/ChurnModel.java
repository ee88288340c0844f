package io.retention.churn;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;

import io.retention.schema.ChurnColumns;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.IsotonicRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A registered churn scorer: a raw scorer and a calibrator, both Spark ML {@link PipelineModel}s so that the
 * registry saves and loads them with MLlib's own persistence.
 *
 * <ul>
 *   <li>The raw scorer adds {@link #RAW_SCORE} (higher = more likely to churn): a trained classifier's
 *       P(churned = 1), or for a baseline a {@link SQLTransformer} ({@code days_since_last}, or
 *       {@code 1 - p_alive}) that needs no training.</li>
 *   <li>The calibrator maps {@link #RAW_SCORE} to {@link ChurnTrainer#SCORE}, a probability: {@code none}
 *       (the raw probability as it is), {@code platt} (a logistic fit of the label on the raw score, or on its
 *       logit for probabilities, stored as a SQL expression with the two fitted numbers) or {@code isotonic}
 *       (MLlib's {@link IsotonicRegression}, a monotone step function).</li>
 * </ul>
 *
 * <p>Calibrators are fitted on scores the classifier did not train on (out-of-fold scores, see
 * {@link ChurnTrainer}): scores on the training rows themselves are over-confident (a model is always surer
 * about the rows it fitted), and a calibrator fitted on them makes held-out probabilities worse.
 * Everything runs on the executors; the Platt fit sends only its two coefficients to the driver.
 */
public record ChurnModel(PipelineModel raw, PipelineModel calibrator) {
  /** The uncalibrated score column. */
  public static final String RAW_SCORE = "raw_score";
  public static final String CALIBRATION_NONE = "none";
  public static final String CALIBRATION_PLATT = "platt";
  public static final String CALIBRATION_ISOTONIC = "isotonic";
  private static final String PROBABILITY = "probability";
  private static final double EPS = 1e-6;

  /** Adds {@link #RAW_SCORE} and the calibrated {@link ChurnTrainer#SCORE} to {@code features}. */
  public Dataset<Row> score(Dataset<Row> features) {
    return calibrator.transform(rawScores(raw, features));
  }

  /** Adds {@link #RAW_SCORE} (a classifier's P(churned = 1) or a baseline's score) and drops model internals. */
  public static Dataset<Row> rawScores(PipelineModel raw, Dataset<Row> features) {
    List<String> before = List.of(features.columns());
    Dataset<Row> t = raw.transform(features);
    if (List.of(t.columns()).contains(PROBABILITY) && !before.contains(PROBABILITY)) {
      t = t.withColumn(RAW_SCORE, vector_to_array(col(PROBABILITY), "float64").getItem(1));
    }
    List<String> drop = new ArrayList<>();
    for (String c : t.columns()) {
      if (!before.contains(c) && !c.equals(RAW_SCORE)) {
        drop.add(c);
      }
    }
    return t.drop(drop.toArray(new String[0]));
  }

  /** A baseline that needs no training, as a saveable raw scorer: {@code expression} AS raw_score. */
  public static PipelineModel baseline(String expression, Dataset<Row> schemaOf) {
    SQLTransformer sql = new SQLTransformer().setStatement("SELECT *, " + expression + " AS " + RAW_SCORE
        + " FROM __THIS__");
    return new Pipeline().setStages(new PipelineStage[] {sql}).fit(schemaOf);
  }

  /**
   * Fits the calibrator {@code method} on {@code heldOut} ({@link #RAW_SCORE} and the label of rows the raw
   * scorer did not train on). {@code probability} says whether the raw score is already a probability.
   */
  public static PipelineModel calibrator(String method, Dataset<Row> heldOut, boolean probability) {
    switch (method) {
      case CALIBRATION_NONE:
        return sql(heldOut, RAW_SCORE);
      case CALIBRATION_ISOTONIC:
        return new Pipeline().setStages(new PipelineStage[] {new IsotonicRegression().setIsotonic(true)
            .setFeaturesCol(RAW_SCORE).setLabelCol(ChurnColumns.LABEL).setPredictionCol(ChurnTrainer.SCORE)})
            .fit(heldOut);
      case CALIBRATION_PLATT:
        return platt(heldOut, probability);
      default:
        throw new IllegalArgumentException("churn calibration: unknown method, cannot be: " + method);
    }
  }

  /** Platt scaling: P = 1 / (1 + exp(-(a + b x))), x = the raw score or, for probabilities, its logit. */
  static PipelineModel platt(Dataset<Row> heldOut, boolean probability) {
    String x = probability ? String.format(Locale.ROOT, "ln(greatest(least(%s, %s), %s) / (1 - greatest(least(%s, "
        + "%s), %s)))", RAW_SCORE, 1 - EPS, EPS, RAW_SCORE, 1 - EPS, EPS) : RAW_SCORE;
    String input = "platt_x";
    Dataset<Row> d = new SQLTransformer().setStatement("SELECT *, " + x + " AS " + input + " FROM __THIS__")
        .transform(heldOut);
    Dataset<Row> v = new VectorAssembler().setInputCols(new String[] {input}).setOutputCol("platt_v").transform(d);
    LogisticRegressionModel lr = new LogisticRegression().setRegParam(0.0).setMaxIter(100)
        .setFeaturesCol("platt_v").setLabelCol(ChurnColumns.LABEL).fit(v);
    double a = lr.intercept();
    double b = lr.coefficients().apply(0);
    String p = String.format(Locale.ROOT, "1D / (1D + exp(-((%s) + (%s) * (%s))))", Double.toString(a),
        Double.toString(b), x);
    return sql(heldOut, p);
  }

  private static PipelineModel sql(Dataset<Row> schemaOf, String expression) {
    return new Pipeline().setStages(new PipelineStage[] {new SQLTransformer().setStatement("SELECT *, "
        + expression + " AS " + ChurnTrainer.SCORE + " FROM __THIS__")}).fit(schemaOf);
  }
}
