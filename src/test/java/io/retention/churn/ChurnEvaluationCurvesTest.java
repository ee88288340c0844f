package io.retention.churn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.ChurnColumns;
import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The curves of gold.churn_evaluation against hand-computed values on 10 customers. */
class ChurnEvaluationCurvesTest {
  private static final StructType SCHEMA = Schemas.struct(Schemas.field(Columns.CUSTOMER_ID, DataTypes.StringType),
      Schemas.field("score", DataTypes.DoubleType), Schemas.field(ChurnColumns.LABEL, DataTypes.IntegerType));

  /** Scores 0.95 .. 0.10 (distinct) with labels 1 1 0 1 0 0 1 0 0 0: 4 churners, 6 stayers. */
  static Dataset<Row> ten() {
    double[] s = {0.95, 0.85, 0.80, 0.70, 0.60, 0.50, 0.40, 0.30, 0.20, 0.10};
    int[] y = {1, 1, 0, 1, 0, 0, 1, 0, 0, 0};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < s.length; i++) {
      rows.add(RowFactory.create("c" + i, s[i], y[i]));
    }
    return SharedSpark.get().createDataFrame(rows, SCHEMA).repartition(3);
  }

  @Test
  void rocPointsAreTheHandComputedTprFprAtEveryThreshold() {
    List<double[]> roc = ChurnEvaluation.roc(ten(), "score", ChurnEvaluation.ROC_THRESHOLDS);
    // flagged = score >= t for t = 0.95, 0.85, ..., 0.10: (FP/6, TP/4)
    double[][] expected = {{0, 0}, {0, 0.25}, {0, 0.5}, {1 / 6.0, 0.5}, {1 / 6.0, 0.75}, {2 / 6.0, 0.75},
        {3 / 6.0, 0.75}, {3 / 6.0, 1}, {4 / 6.0, 1}, {5 / 6.0, 1}, {1, 1}};
    assertThat(roc).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(roc.get(i)[0]).as("FPR of point " + i).isCloseTo(expected[i][0], within(1e-12));
      assertThat(roc.get(i)[1]).as("TPR of point " + i).isCloseTo(expected[i][1], within(1e-12));
    }
    // the trapezoid area is the Mann-Whitney AUC: 20 of the 24 (churner, stayer) pairs are ordered right
    double area = 0;
    for (int i = 1; i < roc.size(); i++) {
      area += (roc.get(i)[0] - roc.get(i - 1)[0]) * (roc.get(i)[1] + roc.get(i - 1)[1]) / 2;
    }
    assertThat(area).isCloseTo(20 / 24.0, within(1e-12));
  }

  @Test
  void prAucLiftAndBrierOfTheTenCustomersAreHandComputed() {
    ChurnEvaluation.Metrics m = ChurnEvaluation.evaluate("m", ten(), "score", true);
    // PR points (recall, precision) at each threshold, from (0, 1): (.25, 1) (.5, 1) (.5, 2/3) (.75, .75)
    // (.75, .6) (.75, .5) (1, 4/7) (1, .5) (1, 4/9) (1, .4); trapezoids .25 + .25 + .25 (2/3 + .75) / 2
    // + .25 (.5 + 4/7) / 2 = 0.8110119047619047 (independently in python3)
    assertThat(m.prAuc()).isCloseTo(0.8110119047619047, within(1e-12));
    // top 10 %: score >= the 0.9 quantile holds only churners; 1 / (4 / 10)
    assertThat(m.topDecileLift()).isCloseTo(2.5, within(1e-12));
    // mean of (s - y)^2: (.05^2 + .15^2 + .8^2 + .3^2 + .6^2 + .5^2 + .6^2 + .3^2 + .2^2 + .1^2) / 10
    assertThat(m.brier()).isCloseTo(0.1865, within(1e-12));
    assertThat(m.rocAuc()).isCloseTo(20 / 24.0, within(1e-12));
  }

  @Test
  void tiedScoresMoveTogetherOnTheRocCurve() {
    List<Row> rows = List.of(RowFactory.create("a", 5.0, 1), RowFactory.create("b", 5.0, 0),
        RowFactory.create("c", 1.0, 1), RowFactory.create("d", 1.0, 0));
    List<double[]> roc = ChurnEvaluation.roc(SharedSpark.get().createDataFrame(rows, SCHEMA), "score", 100);
    assertThat(roc).extracting(p -> List.of(p[0], p[1]))
        .containsExactly(List.of(0.0, 0.0), List.of(0.5, 0.5), List.of(1.0, 1.0));
  }

  @Test
  void liftByDecileIsTheChurnRateOfEachTenthOverTheBaseRate() {
    List<double[]> lift = ChurnEvaluation.liftByDecile(ten(), "score");
    // one customer per decile, base rate 4/10: a churner's decile has lift 1 / 0.4 = 2.5, a stayer's 0
    double[] expected = {2.5, 2.5, 0, 2.5, 0, 0, 2.5, 0, 0, 0};
    assertThat(lift).hasSize(10);
    for (int d = 0; d < 10; d++) {
      assertThat(lift.get(d)[0]).isEqualTo(d + 1);
      assertThat(lift.get(d)[1]).as("lift of decile " + (d + 1)).isCloseTo(expected[d], within(1e-12));
      assertThat(lift.get(d)[2]).isEqualTo(1);
    }
  }

  @Test
  void liftWithTiesIsDeterministicAndCountsEveryone() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      rows.add(RowFactory.create("t" + i, (double) (i % 3), i % 2));
    }
    Dataset<Row> df = SharedSpark.get().createDataFrame(rows, SCHEMA);
    List<double[]> a = ChurnEvaluation.liftByDecile(df, "score");
    List<double[]> b = ChurnEvaluation.liftByDecile(df.repartition(4), "score");
    assertThat(a.stream().mapToDouble(d -> d[2]).sum()).isEqualTo(25);
    // decile sizes floor-split 25 ranks: 3 2 3 2 3 2 3 2 3 2
    assertThat(a).extracting(d -> d[2]).containsExactly(3.0, 2.0, 3.0, 2.0, 3.0, 2.0, 3.0, 2.0, 3.0, 2.0);
    assertThat(b).extracting(d -> List.of(d[0], d[1], d[2])).isEqualTo(a.stream().map(d -> List.of(d[0], d[1], d[2]))
        .toList());
  }

  @Test
  void curvesAreWrittenPerModelVersionAndARerunReplacesThem() {
    Dataset<Row> df = ten();
    ChurnEvaluation.Metrics prob = ChurnEvaluation.evaluate("m", df, "score", true);
    ChurnEvaluation.Metrics rank = ChurnEvaluation.evaluate("r", df, "score", false);
    List<ChurnEvaluation.CurvePoint> pts = ChurnEvaluation.curves(List.of(
        new ChurnEvaluation.Scored("logistic", df, "score", prob),
        new ChurnEvaluation.Scored("recency", df, "score", rank)), "logistic");
    assertThat(pts.stream().filter(p -> p.curve().equals("calibration") && p.scorer().equals("recency"))).isEmpty();
    assertThat(pts.stream().filter(p -> p.curve().equals("roc_auc")).map(ChurnEvaluation.CurvePoint::y))
        .allSatisfy(v -> assertThat(v).isCloseTo(20 / 24.0, within(1e-9)));
    assertThat(pts.stream().filter(p -> p.curve().equals("brier")).map(ChurnEvaluation.CurvePoint::scorer))
        .containsExactly("logistic");
    // calibration of 0.1-wide bins: e.g. [0.8, 0.9) holds 0.85 (churned) and 0.80 (stayed)
    assertThat(pts.stream().filter(p -> p.curve().equals("calibration") && p.x() != null
        && Math.abs(p.x() - 0.825) < 1e-9).map(p -> List.of(p.y(), p.n()))).containsExactly(List.of(0.5, 2L));

    DeltaTables t = new DeltaTables(SharedSpark.get(), SharedSpark.tempDir("churn-eval").toString());
    ChurnEvaluation.write(t, "v1", pts);
    ChurnEvaluation.write(t, "v2", pts.subList(0, 3));
    long v1 = t.read(Table.CHURN_EVALUATION).where("model_version = 'v1'").count();
    assertThat(v1).isEqualTo(pts.size());
    List<Row> before = t.read(Table.CHURN_EVALUATION).orderBy("model_version", "scorer", "curve", "point")
        .collectAsList();
    ChurnEvaluation.write(t, "v1", pts);
    assertThat(t.read(Table.CHURN_EVALUATION).orderBy("model_version", "scorer", "curve", "point").collectAsList())
        .isEqualTo(before);
    assertThat(t.read(Table.CHURN_EVALUATION).schema()).isEqualTo(ChurnEvaluation.SCHEMA);
    Row chosenRoc = t.read(Table.CHURN_EVALUATION)
        .where("model_version = 'v1' AND scorer = 'logistic' AND curve = 'roc' AND point = 1").first();
    assertThat(chosenRoc.<Boolean>getAs("chosen")).isTrue();
    assertThat(chosenRoc.<Double>getAs("y")).isEqualTo(0.25);
    assertThat(chosenRoc.isNullAt(chosenRoc.fieldIndex("n"))).isTrue();
    assertThatThrownBy(() -> ChurnEvaluation.write(t, "v' OR 1=1", pts))
        .hasMessage("churn evaluation: model version must be letters, digits and ._:+-, cannot be: v' OR 1=1");
  }
}
