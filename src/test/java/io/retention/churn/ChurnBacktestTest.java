package io.retention.churn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.BacktestColumns;
import io.retention.schema.GoldSchemas;
import io.retention.testing.SharedSpark;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backtest on a fixture whose outcome is known by hand. Horizon H = 30 days, score dates d1 = 2024-03-01
 * (window (03-01, 03-31]) and d2 = 2024-04-01, as-of 2024-04-15: d1 is due, d2 (d2 + H = 05-01) is not.
 *
 * <pre>
 * customer risk  band    hub purchase days            churned (no purchase day in (03-01, 03-31])
 * c01      0.95  high    02-10                        yes
 * c02      0.90  high    03-01 (= d, outside)         yes
 * c03      0.85  high    03-31 (= d + H, inside)      no
 * c04      0.70  medium  01-05                        yes
 * c05      0.60  medium  04-01 (= d + H + 1, outside) yes
 * c06      0.50  medium  03-10 (2 purchases)          no
 * c07      0.30  low     03-15 refund only (0)        yes (a refund-only day is no purchase)
 * c08      0.20  low     03-02                        no
 * c09      0.10  low     03-20                        no
 * c10      0.05  low     (not in the hub)             yes
 * </pre>
 *
 * Overall 10 customers, 6 churned (0.6), mean risk 5.15 / 10 = 0.515. High: 3, 2 churned (2/3), mean 0.9;
 * medium: 3, 2 (2/3), mean 0.6; low: 4, 2 (0.5), mean 0.65 / 4 = 0.1625. Deciles (1 = highest risk): one
 * customer each, churned 1,1,0,1,1,0,1,0,0,1.
 *
 * <p>The list of d1: c01 (treatment), c02 (control), c03 (treatment), c04 (treatment), c05 (control): 5 rows, 4
 * churned (c01, c02, c04, c05), so precision 4/5 = 0.8, recall 4/6 = 0.6667, mean risk 4.0 / 5 = 0.8.
 * Reactivated: treatment 1 of 3 (c03) = 0.3333, control 0 of 2 = 0; diff 0.3333.
 *
 * <p>Newcombe's hybrid score interval by hand, z = 1.959964, z² = 3.841459:
 * <pre>
 * Wilson(1/3): denom = 1 + z²/3 = 2.280486; centre = (1/3 + z²/6) / denom = 0.973576 / 2.280486 = 0.426916
 *              half = z·sqrt((1/3)(2/3)/3 + z²/36) / denom = 1.959964·sqrt(0.180781) / 2.280486 = 0.365424
 *              → l1 = 0.061492, u1 = 0.792340
 * Wilson(0/2): denom = 1 + z²/2 = 2.920730; centre = (z²/4) / denom = 0.328810; half = z·sqrt(z²/16) / denom
 *              = 0.328810 → l2 = 0, u2 = 0.657620
 * low  = 0.333333 − sqrt((0.333333 − 0.061492)² + (0.657620 − 0)²) = 0.333333 − sqrt(0.073898 + 0.432464)
 *      = 0.333333 − 0.711591 = −0.378258
 * high = 0.333333 + sqrt((0.792340 − 0.333333)² + (0 − 0)²) = 0.792340
 * </pre>
 */
class ChurnBacktestTest {
  private static final LocalDate D1 = LocalDate.parse("2024-03-01");
  private static final LocalDate D2 = LocalDate.parse("2024-04-01");
  private static final LocalDate AS_OF = LocalDate.parse("2024-04-15");
  private static final int H = 30;
  private static final double[] RISK = {0.95, 0.90, 0.85, 0.70, 0.60, 0.50, 0.30, 0.20, 0.10, 0.05};
  private static DeltaTables tables;

  private static String id(int i) {
    return String.format("c%02d", i + 1);
  }

  private static String band(double r) {
    return r >= 0.8 ? "high" : r >= 0.5 ? "medium" : "low";
  }

  private static Row entry(String day, long purchases, String net) {
    BigDecimal v = new BigDecimal(net);
    return RowFactory.create(Date.valueOf(day), purchases, v, v.max(BigDecimal.ZERO.setScale(2)));
  }

  private static Row customer(String id, Row... entries) {
    return RowFactory.create(id, Arrays.asList(entries), null, null);
  }

  private static Row score(String id, LocalDate d, double risk) {
    return RowFactory.create(id, Date.valueOf(d), risk, band(risk), "reasons", "m1", 10.0, 20.0, null, null, 0);
  }

  private static Row member(LocalDate d, String id, int rank, String group, double risk) {
    return RowFactory.create(Date.valueOf(d), id, rank, group, risk, band(risk), null, null, "m1");
  }

  @BeforeAll
  static void fixture() {
    var spark = SharedSpark.get();
    tables = new DeltaTables(spark, SharedSpark.tempDir("backtest").toString());
    List<Row> hub = List.of(
        customer("c01", entry("2024-02-10", 1, "10.00")),
        customer("c02", entry("2024-03-01", 1, "10.00")),
        customer("c03", entry("2024-03-31", 1, "10.00")),
        customer("c04", entry("2024-01-05", 1, "10.00")),
        customer("c05", entry("2024-01-05", 1, "10.00"), entry("2024-04-01", 1, "10.00")),
        customer("c06", entry("2024-02-01", 1, "10.00"), entry("2024-03-10", 2, "25.00")),
        customer("c07", entry("2024-02-01", 1, "10.00"), entry("2024-03-15", 0, "-10.00")),
        customer("c08", entry("2024-03-02", 1, "10.00")),
        customer("c09", entry("2024-03-20", 1, "10.00")));
    tables.overwrite(Table.CUSTOMER_ACTIVITY, spark.createDataFrame(hub, GoldSchemas.CUSTOMER_ACTIVITY));
    List<Row> scores = new ArrayList<>();
    for (int i = 0; i < RISK.length; i++) {
      scores.add(score(id(i), D1, RISK[i]));
    }
    scores.add(score("c01", D2, 0.9));
    scores.add(score("c08", D2, 0.4));
    tables.overwrite(Table.CHURN_SCORES, spark.createDataFrame(scores, ChurnScorer.SCHEMA));
    List<Row> lists = List.of(member(D1, "c01", 1, "treatment", 0.95), member(D1, "c02", 2, "control", 0.90),
        member(D1, "c03", 3, "treatment", 0.85), member(D1, "c04", 4, "treatment", 0.70),
        member(D1, "c05", 5, "control", 0.60), member(D2, "c01", 1, "treatment", 0.9));
    tables.overwrite(Table.AT_RISK_LISTS, spark.createDataFrame(lists, GoldSchemas.AT_RISK_LISTS));
  }

  /** kind/key -> the row read back from gold.churn_backtest for {@code d}. */
  private static Map<String, Row> written(LocalDate d) {
    return tables.read(Table.CHURN_BACKTEST).where("score_date = DATE'" + d + "'")
        .select(GoldSchemas.CHURN_BACKTEST.fieldNames()[0], Arrays.copyOfRange(GoldSchemas.CHURN_BACKTEST.fieldNames(),
            1, GoldSchemas.CHURN_BACKTEST.fieldNames().length))
        .collectAsList().stream().collect(Collectors.toMap(r -> r.getString(4) + "/" + r.getString(5), r -> r));
  }

  private static void counts(Row r, long customers, long churned, double meanRisk, double observed) {
    assertThat(r.getLong(r.fieldIndex(BacktestColumns.CUSTOMERS))).isEqualTo(customers);
    assertThat(r.getLong(r.fieldIndex(BacktestColumns.CHURNED))).isEqualTo(churned);
    assertThat(r.getDouble(r.fieldIndex(BacktestColumns.MEAN_RISK))).isCloseTo(meanRisk, within(1e-9));
    assertThat(r.getDouble(r.fieldIndex(BacktestColumns.OBSERVED_CHURN))).isCloseTo(observed, within(1e-9));
  }

  private static double dbl(Row r, String column) {
    return r.getDouble(r.fieldIndex(column));
  }

  @Test
  void onlyClosedScoreDatesAreDueAndTheFixtureGivesTheHandComputedRows() {
    assertThat(ChurnBacktest.due(tables, AS_OF, H, true)).containsExactly(D1);
    ChurnBacktest.Evaluated e = ChurnBacktest.run(tables, D1, H);
    assertThat(e.customers()).isEqualTo(10);
    assertThat(e.withList()).isTrue();
    assertThat(ChurnBacktest.due(tables, AS_OF, H, false)).as("evaluated once: no longer due").isEmpty();
    assertThat(ChurnBacktest.due(tables, AS_OF, H, true)).containsExactly(D1);
    assertThat(ChurnBacktest.due(tables, D2.plusDays(H), H, false)).as("d2 closes on 05-01").containsExactly(D2);

    Map<String, Row> rows = written(D1);
    assertThat(rows).hasSize(1 + 3 + 10 + 2);
    Row overall = rows.get("overall/all");
    counts(overall, 10, 6, 0.515, 0.6);
    assertThat(overall.getDate(overall.fieldIndex(BacktestColumns.OUTCOME_UNTIL))).isEqualTo(Date.valueOf("2024-03-31"));
    assertThat(overall.getInt(overall.fieldIndex(BacktestColumns.HORIZON_DAYS))).isEqualTo(30);
    assertThat(overall.getString(overall.fieldIndex("model_version"))).isEqualTo("m1");
    counts(rows.get("band/high"), 3, 2, 0.9, 2.0 / 3);
    counts(rows.get("band/medium"), 3, 2, 0.6, 2.0 / 3);
    counts(rows.get("band/low"), 4, 2, 0.1625, 0.5);
    int[] churned = {1, 1, 0, 1, 1, 0, 1, 0, 0, 1};
    for (int k = 1; k <= 10; k++) {
      counts(rows.get("decile/" + k), 1, churned[k - 1], RISK[k - 1], churned[k - 1]);
    }

    Row list = rows.get("list/all");
    counts(list, 5, 4, 0.8, 0.8);
    assertThat(dbl(list, BacktestColumns.PRECISION)).isCloseTo(0.8, within(1e-9));
    assertThat(dbl(list, BacktestColumns.RECALL)).isCloseTo(4.0 / 6, within(1e-9));
    assertThat(list.getLong(list.fieldIndex(BacktestColumns.TREATMENT_CUSTOMERS))).isEqualTo(3);
    assertThat(list.getLong(list.fieldIndex(BacktestColumns.CONTROL_CUSTOMERS))).isEqualTo(2);

    Row uplift = rows.get("uplift/treatment-control");
    assertThat(dbl(uplift, BacktestColumns.RATE_TREATMENT)).isCloseTo(1.0 / 3, within(1e-9));
    assertThat(dbl(uplift, BacktestColumns.RATE_CONTROL)).isCloseTo(0.0, within(1e-9));
    assertThat(dbl(uplift, BacktestColumns.DIFF)).isCloseTo(1.0 / 3, within(1e-9));
    assertThat(dbl(uplift, BacktestColumns.CI_LOW)).isCloseTo(-0.378258, within(1e-6));
    assertThat(dbl(uplift, BacktestColumns.CI_HIGH)).isCloseTo(0.792340, within(1e-6));
    assertThat(written(D2)).as("d2 + H > as-of: not evaluated").isEmpty();
  }

  @Test
  void aRerunReplacesTheDatesRowsInOneCommitAndGivesTheSameTable() {
    ChurnBacktest.run(tables, D1, H);
    List<String> first = tables.read(Table.CHURN_BACKTEST).orderBy("score_date", "kind", "key").collectAsList()
        .stream().map(Row::toString).toList();
    long version = tables.version(Table.CHURN_BACKTEST);
    ChurnBacktest.run(tables, D1, H);
    assertThat(tables.version(Table.CHURN_BACKTEST)).isEqualTo(version + 1);
    assertThat(tables.read(Table.CHURN_BACKTEST).orderBy("score_date", "kind", "key").collectAsList().stream()
        .map(Row::toString).toList()).isEqualTo(first).hasSize(16);
  }

  @Test
  void aScoreDateWithoutAListIsEvaluatedOnTheScoresAlone() {
    List<Row> rows = ChurnBacktest.evaluate(tables.read(Table.CHURN_SCORES), tables.read(Table.CUSTOMER_ACTIVITY),
        null, D1, H);
    assertThat(rows.stream().map(r -> r.getString(4)).distinct().toList())
        .containsExactly("overall", "band", "decile");
  }

  /** Newcombe (1998), Statistics in Medicine 17:873, Table II, example 56/70 − 48/80: method 10 gives 0.0524 to 0.3339. */
  @Test
  void theIntervalMatchesNewcombesPublishedExample() {
    ChurnBacktest.Interval i = ChurnBacktest.newcombe(56, 70, 48, 80, ChurnBacktest.Z95);
    assertThat(i.diff()).isCloseTo(0.2, within(1e-12));
    assertThat(i.low()).isCloseTo(0.0524, within(5e-5));
    assertThat(i.high()).isCloseTo(0.3339, within(5e-5));
  }
}
