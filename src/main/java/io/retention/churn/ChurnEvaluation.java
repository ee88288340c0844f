package io.retention.churn;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.ChurnColumns;
import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.Bucketizer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Out-of-time metrics of one score column against {@link ChurnColumns#LABEL}: ROC-AUC, PR-AUC, top-decile
 * lift and, for probabilities, the Brier score and a 10-bin calibration table. Everything is aggregated on
 * the cluster; only a few numbers and at most 10 calibration rows reach the driver.
 *
 * <p>The curves of gold.churn_evaluation ({@link #curves}): the ROC curve at up to {@value #ROC_THRESHOLDS}
 * score-quantile thresholds (one approxQuantile pass and one grouped count: at most
 * {@value #ROC_THRESHOLDS} + 2 rows reach the driver), the lift of each score decile (a distributed sort and
 * zipWithIndex, 10 rows to the driver) and the calibration bins. {@link #write} replaces one model version's
 * rows in one Delta commit.
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
      return String.format(java.util.Locale.ROOT, "%-28s ROC-AUC %.4f  PR-AUC %.4f  top-decile lift %.2f%s", name,
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
      brier = brier(df, scoreCol);
      bins = calibration(df, scoreCol);
    }
    return new Metrics(name, roc, pr, lift, brier, bins);
  }

  /** Mean squared difference between the probability {@code scoreCol} and the 0/1 label. */
  static double brier(Dataset<Row> df, String scoreCol) {
    return df.agg(avg(pow(col(scoreCol).minus(col(ChurnColumns.LABEL)), 2))).first().getDouble(0);
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

  // ---- gold.churn_evaluation -----------------------------------------------------------------------------

  public static final String MODEL_VERSION = "model_version";
  public static final String SCORER = "scorer";
  public static final String CHOSEN = "chosen";
  public static final String CURVE = "curve";
  public static final String POINT = "point";
  public static final String X = "x";
  public static final String Y = "y";
  public static final String N = "n";
  public static final String ROC = "roc";
  public static final String LIFT = "lift";
  public static final String CALIBRATION = "calibration";
  /** One-row "curves" holding the scorer's metrics in {@code y} (point 0, x null, n = validation customers). */
  public static final List<String> METRIC_CURVES = List.of("roc_auc", "pr_auc", "top_decile_lift", "brier");
  /** Thresholds of the ROC curve: the score quantiles 0, 1/100, ..., 99/100. */
  public static final int ROC_THRESHOLDS = 100;

  /** The schema of gold.churn_evaluation (its contract lives in {@link io.retention.schema.GoldSchemas}). */
  public static final StructType SCHEMA = io.retention.schema.GoldSchemas.CHURN_EVALUATION;

  /** One point of a curve: roc (x = FPR, y = TPR, n null), lift (x = decile, y = lift), calibration, metric. */
  public record CurvePoint(String scorer, boolean chosen, String curve, int point, Double x, double y, Long n) {}

  /** A validation frame scored by one scorer (higher score = more likely to churn) and its metrics. */
  public record Scored(String scorer, Dataset<Row> frame, String scoreCol, Metrics metrics) {}

  /**
   * Every curve of every scorer: roc and lift for all, calibration for probabilities (metrics with a Brier
   * score), and the metric rows. {@code chosen} names the kept scorer.
   */
  public static List<CurvePoint> curves(List<Scored> scorers, String chosen) {
    List<CurvePoint> out = new ArrayList<>();
    for (Scored s : scorers) {
      boolean c = s.scorer().equals(chosen);
      List<double[]> roc = roc(s.frame(), s.scoreCol(), ROC_THRESHOLDS);
      for (int i = 0; i < roc.size(); i++) {
        out.add(new CurvePoint(s.scorer(), c, ROC, i, roc.get(i)[0], roc.get(i)[1], null));
      }
      List<double[]> lift = liftByDecile(s.frame(), s.scoreCol());
      long customers = 0;
      for (int i = 0; i < lift.size(); i++) {
        double[] d = lift.get(i);
        customers += (long) d[2];
        out.add(new CurvePoint(s.scorer(), c, LIFT, i, d[0], d[1], (long) d[2]));
      }
      Metrics m = s.metrics();
      List<Bin> bins = m.calibration();
      for (int i = 0; i < bins.size(); i++) {
        out.add(new CurvePoint(s.scorer(), c, CALIBRATION, i, bins.get(i).meanScore(), bins.get(i).churnRate(),
            bins.get(i).count()));
      }
      double[] values = {m.rocAuc(), m.prAuc(), m.topDecileLift(), m.brier()};
      for (int i = 0; i < values.length; i++) {
        if (!Double.isNaN(values[i])) {
          out.add(new CurvePoint(s.scorer(), c, METRIC_CURVES.get(i), 0, null, values[i], customers));
        }
      }
    }
    return out;
  }

  /**
   * ROC points {fpr, tpr} in ascending order from (0, 0) to (1, 1): one point per distinct score quantile t
   * (customers flagged = score &ge; t, ties flagged together). Exact counts at approximate-quantile thresholds.
   */
  static List<double[]> roc(Dataset<Row> df, String scoreCol, int thresholds) {
    Dataset<Row> s = df.select(col(scoreCol).cast("double").as("s"), col(ChurnColumns.LABEL).cast("double").as("y"))
        .where(col("s").isNotNull().and(col("s").isNaN().unary_$bang()));
    double[] probs = new double[thresholds];
    for (int k = 0; k < thresholds; k++) {
      probs[k] = (double) k / thresholds;
    }
    TreeSet<Double> ts = new TreeSet<>();
    for (double q : s.stat().approxQuantile("s", probs, 0.001)) {
      ts.add(q);
    }
    if (ts.isEmpty()) {
      return List.of();
    }
    double[] splits = new double[ts.size() + 2];
    splits[0] = Double.NEGATIVE_INFINITY;
    int j = 1;
    for (double t : ts) {
      splits[j++] = t;
    }
    splits[j] = Double.POSITIVE_INFINITY;
    // bucket b >= 1 holds scores in [t_b, t_b+1); bucket 0 scores below the smallest threshold
    Dataset<Row> b = new Bucketizer().setInputCol("s").setOutputCol("b").setSplits(splits).transform(s);
    long[] pos = new long[splits.length - 1];
    long[] neg = new long[splits.length - 1];
    for (Row r : b.groupBy("b").agg(sum(col("y")), count(lit(1))).collectAsList()) {
      int k = (int) r.getDouble(0);
      pos[k] = Math.round(r.getDouble(1));
      neg[k] = r.getLong(2) - pos[k];
    }
    long p = 0;
    long n = 0;
    for (int k = 0; k < pos.length; k++) {
      p += pos[k];
      n += neg[k];
    }
    List<double[]> out = new ArrayList<>();
    out.add(new double[] {0, 0});
    long tp = 0;
    long fp = 0;
    for (int k = pos.length - 1; k >= 0; k--) {
      tp += pos[k];
      fp += neg[k];
      double[] pt = {n == 0 ? 0 : (double) fp / n, p == 0 ? 0 : (double) tp / p};
      double[] last = out.get(out.size() - 1);
      if (pt[0] != last[0] || pt[1] != last[1]) {
        out.add(pt);
      }
    }
    return out;
  }

  /**
   * {decile, lift, customers} for deciles 1..10 (1 = highest scores): customers ranked by score (ties broken by a
   * hash of the customer id, so reruns agree), decile = floor(rank &times; 10 / n) + 1, lift = churn rate in the
   * decile / overall churn rate. Empty when nobody churned.
   */
  static List<double[]> liftByDecile(Dataset<Row> df, String scoreCol) {
    Column tie = java.util.Arrays.asList(df.columns()).contains(Columns.CUSTOMER_ID)
        ? col(Columns.CUSTOMER_ID).cast("string") : lit("");
    Dataset<Row> s = df.select(col(scoreCol).cast("double").as("s"), col(ChurnColumns.LABEL).cast("double").as("y"),
        tie.as("t")).where(col("s").isNotNull());
    long total = s.count();
    if (total == 0) {
      return List.of();
    }
    List<Tuple2<Integer, double[]>> rows = s.orderBy(col("s").desc(), xxhash64(col("t")), col("t")).javaRDD()
        .zipWithIndex()
        .mapToPair(ri -> new Tuple2<>((int) (ri._2() * 10 / total) + 1, new double[] {ri._1().getDouble(1), 1}))
        .reduceByKey((a, c) -> new double[] {a[0] + c[0], a[1] + c[1]}).collect();
    double churners = rows.stream().mapToDouble(r -> r._2()[0]).sum();
    if (churners == 0) {
      return List.of();
    }
    double base = churners / total;
    List<double[]> out = new ArrayList<>();
    rows.stream().sorted(java.util.Comparator.comparing(Tuple2::_1)).forEach(r ->
        out.add(new double[] {r._1(), r._2()[0] / r._2()[1] / base, r._2()[1]}));
    return out;
  }

  /**
   * Replaces the rows of {@code version} in gold.churn_evaluation with {@code points} in one Delta commit
   * (creates the table on the first run); a rerun for the same version leaves the same rows.
   */
  public static void write(DeltaTables tables, String version, List<CurvePoint> points) {
    if (version == null || !version.matches("[A-Za-z0-9._:+-]+")) {
      throw new IllegalArgumentException("churn evaluation: model version must be letters, digits and ._:+-, "
          + "cannot be: " + version);
    }
    List<Row> rows = new ArrayList<>();
    for (CurvePoint p : points) {
      rows.add(RowFactory.create(version, p.scorer(), p.chosen(), p.curve(), p.point(), p.x(), p.y(), p.n()));
    }
    tables.createIfNotExists(Table.CHURN_EVALUATION, SCHEMA);
    tables.replaceWhere(Table.CHURN_EVALUATION, tables.spark().createDataFrame(rows, SCHEMA).coalesce(1),
        MODEL_VERSION + " = '" + version + "'");
  }
}
