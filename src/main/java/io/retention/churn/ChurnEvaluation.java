package io.retention.churn;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;

import io.retention.schema.ChurnColumns;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Out-of-time metrics of one score column against {@link ChurnColumns#LABEL}: ROC-AUC, PR-AUC, top-decile
 * lift and, for probabilities, the Brier score and a 10-bin calibration table. Everything is aggregated on
 * the cluster; only a few numbers and at most 10 calibration rows reach the driver.
 */
public final class ChurnEvaluation {
  private ChurnEvaluation() {}

  /** One calibration bin: scores in [lower, lower + 0.1). */
  public record Bin(double lower, long count, double meanScore, double churnRate) {}

  /** Metrics of one scorer; brier is NaN and calibration empty for scores that are not probabilities. */
  public record Metrics(String name, double rocAuc, double prAuc, double topDecileLift, double brier,
      List<Bin> calibration) {
    public Map<String, Object> asMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("roc_auc", rocAuc);
      m.put("pr_auc", prAuc);
      m.put("top_decile_lift", topDecileLift);
      if (!Double.isNaN(brier)) {
        m.put("brier", brier);
      }
      List<Map<String, Object>> bins = new ArrayList<>();
      for (Bin b : calibration) {
        bins.add(Map.of("lower", b.lower(), "count", b.count(), "mean_score", b.meanScore(),
            "churn_rate", b.churnRate()));
      }
      if (!bins.isEmpty()) {
        m.put("calibration", bins);
      }
      return m;
    }

    public String describe() {
      return String.format(java.util.Locale.ROOT, "%-22s ROC-AUC %.4f  PR-AUC %.4f  top-decile lift %.2f%s", name,
          rocAuc, prAuc, topDecileLift, Double.isNaN(brier) ? "" : String.format(java.util.Locale.ROOT,
              "  Brier %.4f", brier));
    }
  }

  /** Metrics of {@code scoreCol} (higher = more likely to churn) in {@code df}. */
  public static Metrics evaluate(String name, Dataset<Row> df, String scoreCol, boolean probability) {
    BinaryClassificationEvaluator e = new BinaryClassificationEvaluator().setLabelCol(ChurnColumns.LABEL)
        .setRawPredictionCol(scoreCol);
    double roc = e.setMetricName("areaUnderROC").evaluate(df);
    double pr = e.setMetricName("areaUnderPR").evaluate(df);
    double lift = topDecileLift(df, scoreCol);
    double brier = Double.NaN;
    List<Bin> bins = List.of();
    if (probability) {
      brier = df.agg(avg(pow(col(scoreCol).minus(col(ChurnColumns.LABEL)), 2))).first().getDouble(0);
      bins = calibration(df, scoreCol);
    }
    return new Metrics(name, roc, pr, lift, brier, bins);
  }

  /** Churn rate among the top 10% of scores divided by the overall churn rate (ties at the edge included). */
  static double topDecileLift(Dataset<Row> df, String scoreCol) {
    double[] q = df.stat().approxQuantile(scoreCol, new double[] {0.9}, 0.001);
    Row all = df.agg(avg(col(ChurnColumns.LABEL))).first();
    Row top = df.where(col(scoreCol).geq(lit(q[0]))).agg(avg(col(ChurnColumns.LABEL))).first();
    if (all.isNullAt(0) || top.isNullAt(0) || all.getDouble(0) == 0) {
      return Double.NaN;
    }
    return top.getDouble(0) / all.getDouble(0);
  }

  static List<Bin> calibration(Dataset<Row> df, String scoreCol) {
    List<Row> rows = df.groupBy(least(floor(col(scoreCol).multiply(10)), lit(9L)).as("bin"))
        .agg(count(lit(1)), avg(col(scoreCol)), avg(col(ChurnColumns.LABEL))).orderBy(col("bin")).collectAsList();
    List<Bin> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(new Bin(r.getLong(0) / 10.0, r.getLong(1), r.getDouble(2), r.getDouble(3)));
    }
    return out;
  }
}
