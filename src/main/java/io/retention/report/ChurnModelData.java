package io.retention.report;

import static io.retention.churn.ChurnEvaluation.CALIBRATION;
import static io.retention.churn.ChurnEvaluation.CHOSEN;
import static io.retention.churn.ChurnEvaluation.CURVE;
import static io.retention.churn.ChurnEvaluation.LIFT;
import static io.retention.churn.ChurnEvaluation.MODEL_VERSION;
import static io.retention.churn.ChurnEvaluation.N;
import static io.retention.churn.ChurnEvaluation.POINT;
import static io.retention.churn.ChurnEvaluation.ROC;
import static io.retention.churn.ChurnEvaluation.SCORER;
import static io.retention.churn.ChurnEvaluation.X;
import static io.retention.churn.ChurnEvaluation.Y;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.report.ReportModel.ChurnModel;
import io.retention.report.ReportModel.Point;
import io.retention.report.ReportModel.Scorer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The churn model section from gold.churn_evaluation: the rows of one model version (that of the scores shown,
 * else the newest), at most a few hundred (4 scorers × ~100 ROC points + 10 deciles + 10 bins + metrics).
 */
final class ChurnModelData {
  static final int MAX_ROWS = 5000;
  private static final List<String> ORDER = List.of("logistic", "gbt", "recency", "bgnbd_no_purchase",
      "p_alive");

  private final DeltaTables tables;

  ChurnModelData(DeltaTables tables) {
    this.tables = tables;
  }

  /** The evaluation of {@code scoresVersion} (may be null), else of the newest version; null without the table. */
  ChurnModel load(String scoresVersion) {
    if (!tables.exists(Table.CHURN_EVALUATION)) {
      return null;
    }
    Dataset<Row> e = tables.read(Table.CHURN_EVALUATION);
    String version = scoresVersion;
    String note = null;
    if (version == null || e.where(col(MODEL_VERSION).equalTo(lit(version))).limit(1).count() == 0) {
      Row newest = e.agg(max(col(MODEL_VERSION))).first();
      if (newest.isNullAt(0)) {
        return null;
      }
      version = newest.getString(0);
      if (scoresVersion != null) {
        note = "The scores above come from model " + scoresVersion + ", which has no rows in "
            + Table.CHURN_EVALUATION.qualifiedName() + "; shown: the newest evaluated model, " + version + ".";
      }
    }
    List<Row> rows = e.where(col(MODEL_VERSION).equalTo(lit(version)))
        .select(col(SCORER), col(CHOSEN), col(CURVE), col(POINT), col(X), col(Y), col(N))
        .orderBy(col(SCORER), col(CURVE), col(POINT)).limit(MAX_ROWS).collectAsList();
    return new ChurnModel(version, scorers(rows), note);
  }

  static List<Scorer> scorers(List<Row> rows) {
    Map<String, List<Row>> by = new LinkedHashMap<>();
    rows.forEach(r -> by.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r));
    List<Scorer> out = new ArrayList<>();
    for (Map.Entry<String, List<Row>> en : by.entrySet()) {
      List<Row> rs = en.getValue();
      boolean chosen = rs.stream().anyMatch(r -> !r.isNullAt(1) && r.getBoolean(1));
      out.add(new Scorer(en.getKey(), chosen, points(rs, ROC), points(rs, LIFT), points(rs, CALIBRATION),
          metric(rs, "roc_auc"), metric(rs, "pr_auc"), metric(rs, "top_decile_lift"), metric(rs, "brier"),
          rs.stream().filter(r -> "roc_auc".equals(r.getString(2)) && !r.isNullAt(6)).map(r -> r.getLong(6))
              .findFirst().orElse(null)));
    }
    out.sort(Comparator.comparing((Scorer s) -> !s.chosen()).thenComparing(s -> ORDER.indexOf(s.scorer()) < 0
        ? ORDER.size() : ORDER.indexOf(s.scorer())).thenComparing(Scorer::scorer));
    return out;
  }

  private static List<Point> points(List<Row> rs, String curve) {
    return rs.stream().filter(r -> curve.equals(r.getString(2)) && !r.isNullAt(4) && !r.isNullAt(5))
        .sorted(Comparator.comparingInt(r -> r.getInt(3)))
        .map(r -> new Point(r.getDouble(4), r.getDouble(5), r.isNullAt(6) ? null : r.getLong(6))).toList();
  }

  private static Double metric(List<Row> rs, String name) {
    return rs.stream().filter(r -> name.equals(r.getString(2)) && !r.isNullAt(5)).map(r -> r.getDouble(5))
        .findFirst().orElse(null);
  }
}
