package io.retention.churn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.retention.schema.ChurnColumns;
import io.retention.schema.Columns;
import io.retention.testing.SharedSpark;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Labels on a hand-computed fixture, features by hand, and no leakage from after the cutoff. */
class ChurnFeaturesTest {
  private static final LocalDate CUTOFF = LocalDate.parse("2024-06-30");

  /** Edge cases around the lookback start (2023-07-01), the cutoff and c + H (2024-09-28). */
  private static ChurnRows labelFixture() {
    return new ChurnRows()
        .add("A", "2024-05-01", "10").add("A", "2024-08-01", "10")       // returns -> 0
        .add("B", "2024-06-30", "10")                                    // bought on c, never again -> 1
        .add("C", "2023-06-30", "10").add("C", "2024-07-15", "10")       // outside the lookback -> excluded
        .add("D", "2023-07-01", "10").add("D", "2024-09-28", "10")       // both boundaries included -> 0
        .add("E", "2024-01-01", "10").add("E", "2024-07-10", "-10")      // a refund is not activity -> 1
        .add("F", "2024-03-01", "10").add("F", "2024-09-29", "10")       // returns one day too late -> 1
        .add("G", "2024-02-01", "-5")                                    // only a refund -> excluded
        .add("R", "2024-02-01", "10").add("R", "2024-04-01", "10");      // a repeat buyer who stops -> 1
  }

  @Test
  void labelsFollowTheDefinition() {
    Dataset<Row> labels = ChurnLabels.compute(labelFixture().frame(), new ChurnLabels.Options(CUTOFF, 90, 365));
    Map<String, Double> got = new HashMap<>();
    labels.collectAsList().forEach(r -> got.put(r.getString(0), r.getDouble(1)));
    assertThat(got).isEqualTo(Map.of("A", 0.0, "B", 1.0, "D", 0.0, "E", 1.0, "F", 1.0, "R", 1.0));
  }

  @Test
  void featuresByHand() {
    Dataset<Row> purchases = labelFixture()
        .add("X", "2024-01-01", "100").add("X", "2024-03-01", "50").add("X", "2024-05-31", "30")
        .add("X", "2024-06-01", "-20").add("X", "2024-07-01", "999").frame();
    Row x = ChurnFeatures.compute(purchases, new ChurnFeatures.Options(CUTOFF, 365, 90, 0.0))
        .where(Columns.CUSTOMER_ID + " = 'X'").first();
    assertThat(x.<Double>getAs(ChurnColumns.RECENCY_DAYS)).isEqualTo(30.0);
    assertThat(x.<Double>getAs(ChurnColumns.PURCHASE_DAYS)).isEqualTo(3.0);
    assertThat(x.<Double>getAs(ChurnColumns.ORDERS)).isEqualTo(3.0);
    assertThat(x.<Double>getAs(ChurnColumns.NET_REVENUE)).isEqualTo(160.0);
    assertThat(x.<Double>getAs(ChurnColumns.AVG_ORDER_VALUE)).isCloseTo(160 / 3.0, within(1e-9));
    assertThat(x.<Double>getAs(ChurnColumns.TENURE_DAYS)).isEqualTo(181.0);
    assertThat(x.<Double>getAs(ChurnColumns.MEAN_GAP_DAYS)).isEqualTo(75.5);
    assertThat(x.<Double>getAs(ChurnColumns.MAX_GAP_DAYS)).isEqualTo(91.0);
    assertThat(x.<Double>getAs(ChurnColumns.GAP_STD_DAYS)).isCloseTo(15.5, within(1e-9));
    assertThat(x.<Double>getAs(ChurnColumns.OVERDUE_RATIO)).isCloseTo(30 / 75.5, within(1e-9));
    assertThat(x.<Double>getAs(ChurnColumns.ORDERS_LAST_90)).isEqualTo(1.0);
    assertThat(x.<Double>getAs(ChurnColumns.ORDERS_PREV_90)).isEqualTo(1.0);
    assertThat(x.<Double>getAs(ChurnColumns.TREND)).isEqualTo(1.0);
    assertThat(x.<Double>getAs(ChurnColumns.REFUND_SHARE)).isCloseTo(20 / 180.0, within(1e-9));
    assertThat(x.<Double>getAs(ChurnColumns.SPEND_LAST_30)).isEqualTo(-20.0); // only the refund of 06-01
    assertThat(x.<Double>getAs(ChurnColumns.P_ALIVE)).isBetween(0.0, 1.0);
    // the model pipeline's first stage: log(1 + max(0, f)) of the skewed features
    Row logged = ChurnTrainer.logScale().transform(ChurnFeatures.compute(purchases,
        new ChurnFeatures.Options(CUTOFF, 365, 90, 0.0))).where(Columns.CUSTOMER_ID + " = 'X'").first();
    assertThat(logged.<Double>getAs("log_" + ChurnColumns.RECENCY_DAYS)).isCloseTo(Math.log(31), within(1e-12));
    assertThat(logged.<Double>getAs("log_" + ChurnColumns.NET_REVENUE)).isCloseTo(Math.log(161), within(1e-12));
    assertThat(logged.<Double>getAs("log_" + ChurnColumns.SPEND_LAST_30)).isEqualTo(0.0);
    assertThat(List.of(logged.schema().fieldNames())).doesNotContain("log_" + ChurnColumns.P_ALIVE);
    assertThat(x.<Double>getAs(ChurnColumns.EXPECTED_PURCHASES)).isGreaterThanOrEqualTo(0.0);
    // the BTYD baseline from the fit on data <= c: x = 2, t_x = 151 days, T = 181 days, H = 90 days, in weeks
    io.retention.clv.BgNbd.Params fit = io.retention.clv.BgNbd.Params.of(ChurnFeatures.bgNbd(purchases,
        new ChurnFeatures.Options(CUTOFF, 365, 90, 0.0)));
    assertThat(x.<Double>getAs(ChurnColumns.P_NO_PURCHASE)).isCloseTo(
        io.retention.clv.BgNbd.pNoPurchase(fit, 90 / 7.0, 2, 151 / 7.0, 181 / 7.0), within(1e-12));
  }

  @Test
  void nextPurchaseFromTheMedianGapElseTheBgNbdExpectation() {
    Dataset<Row> purchases = labelFixture()
        .add("X", "2024-01-01", "100").add("X", "2024-03-01", "50").add("X", "2024-05-31", "30")
        .add("Y", "2024-01-01", "10").add("Y", "2024-01-11", "10").add("Y", "2024-01-31", "10")
        .add("W", "2024-04-01", "10").add("W", "2024-04-11", "10").add("W", "2024-04-14", "10")
        .add("W", "2024-05-04", "10")
        .add("Z", "2024-03-01", "10").add("Z", "2024-04-01", "10").frame();
    ChurnFeatures.Options o = new ChurnFeatures.Options(CUTOFF, 365, 90, 0.0);
    Map<String, Row> f = new HashMap<>();
    ChurnFeatures.compute(purchases, o).collectAsList().forEach(r -> f.put(r.getString(0), r));
    // X: gaps 60, 91 -> median 75.5 -> 76 days after 2024-05-31 = 2024-08-15, not overdue at 2024-06-30
    assertNext(f.get("X"), "2024-08-15", 0);
    // Y: gaps 10, 20 -> 15 days after 2024-01-31 = 2024-02-15; 2024-02-15 -> 2024-06-30 = 136 days
    assertNext(f.get("Y"), "2024-02-15", 136);
    // W: gaps 10, 3, 20 -> median 10 -> 2024-05-14; 47 days overdue
    assertNext(f.get("W"), "2024-05-14", 47);
    // Z: one gap: the BG/NBD expected inter-purchase time (alpha + T) / (r + x) weeks, x = 1, T = 121 days
    io.retention.clv.BgNbd.Params p = io.retention.clv.BgNbd.Params.of(ChurnFeatures.bgNbd(purchases, o));
    long days = Math.round(7 * (p.alpha() + 121 / 7.0) / (p.r() + 1));
    LocalDate z = LocalDate.parse("2024-04-01").plusDays(days);
    assertNext(f.get("Z"), z.toString(), (int) Math.max(0, CUTOFF.toEpochDay() - z.toEpochDay()));
  }

  /**
   * V (c = 2024-06-30, H = 90): purchases 2023-08-01 (40),
   * 2024-01-15 (60), 2024-04-15 (20), 2024-06-10 (30), a refund of 10 on 2024-06-20, and 500 after c.
   * Windows (c - n, c]: 30 days from 2024-05-31, 90 from 2024-04-01, 180 from 2024-01-02.
   */
  @Test
  void windowsSeasonAndOverdueByHand() {
    Dataset<Row> purchases = labelFixture()
        .add("V", "2023-08-01", "40").add("V", "2024-01-15", "60").add("V", "2024-04-15", "20")
        .add("V", "2024-06-10", "30").add("V", "2024-06-20", "-10").add("V", "2024-07-05", "500")
        .add("Z", "2024-03-01", "10").add("Z", "2024-04-01", "10").frame();
    ChurnFeatures.Options o = new ChurnFeatures.Options(CUTOFF, 365, 90, 0.0);
    Map<String, Row> f = new HashMap<>();
    ChurnFeatures.compute(purchases, o).collectAsList().forEach(r -> f.put(r.getString(0), r));
    Row v = f.get("V");
    assertThat(v.<Double>getAs(ChurnColumns.ORDERS_LAST_30)).isEqualTo(1.0);
    assertThat(v.<Double>getAs(ChurnColumns.ORDERS_LAST_90)).isEqualTo(2.0);
    assertThat(v.<Double>getAs(ChurnColumns.ORDERS_LAST_180)).isEqualTo(3.0);
    assertThat(v.<Double>getAs(ChurnColumns.SPEND_LAST_30)).isEqualTo(20.0); // 30 - the refund of 10
    assertThat(v.<Double>getAs(ChurnColumns.SPEND_LAST_90)).isEqualTo(40.0);
    assertThat(v.<Double>getAs(ChurnColumns.SPEND_LAST_180)).isEqualTo(100.0);
    assertThat(v.<Double>getAs(ChurnColumns.ORDERS_RATIO_30_90)).isCloseTo(4 / 3.0, within(1e-12));
    assertThat(v.<Double>getAs(ChurnColumns.ORDERS_RATIO_90_180)).isCloseTo(5 / 4.0, within(1e-12));
    assertThat(v.<Double>getAs(ChurnColumns.SPEND_RATIO_90_180)).isCloseTo(81 / 101.0, within(1e-12));
    // gaps 167, 91, 56 -> median 91; 20 days since 2024-06-10
    assertThat(v.<Double>getAs(ChurnColumns.OVERDUE_FACTOR)).isCloseTo(20 / 91.0, within(1e-12));
    io.retention.clv.BgNbd.Params p = io.retention.clv.BgNbd.Params.of(ChurnFeatures.bgNbd(purchases, o));
    // x = 3 repeat days, T = 334 days (2023-08-01 -> 2024-06-30); rate (r + x) / (7 alpha + T) per day
    assertThat(v.<Double>getAs(ChurnColumns.OVERDUE_BTYD)).isCloseTo(20 * (p.r() + 3) / (7 * p.alpha() + 334),
        within(1e-9));
    // Z: one gap, so the usual gap is the BG/NBD one and both overdue figures agree: 90 days, x = 1, T = 121
    Row z = f.get("Z");
    double btyd = 90 * (p.r() + 1) / (7 * p.alpha() + 121);
    assertThat(z.<Double>getAs(ChurnColumns.OVERDUE_BTYD)).isCloseTo(btyd, within(1e-9));
    assertThat(z.<Double>getAs(ChurnColumns.OVERDUE_FACTOR)).isCloseTo(btyd, within(1e-9));
    // nothing after 2024-04-01 (exclusive): (2 * 0 + 1) / (20 + 1)
    assertThat(z.<Double>getAs(ChurnColumns.SPEND_RATIO_90_180)).isCloseTo(1 / 21.0, within(1e-12));
  }

  /**
   * Stacked training rows at c - 90 = 2024-04-01 and 30 days earlier, 2024-03-02 (labels in (at, at + 90]):
   * A and B have no purchase by 2024-04-01, G only a refund; S first buys after 2024-03-02; R returns on
   * 2024-04-01, inside (2024-03-02, 2024-05-31] but not after 2024-04-01; nobody else returns in time. Q is the
   * one repeat buyer by 2024-03-02 (the BG/NBD fit at that cutoff needs one).
   */
  @Test
  void stackedTrainingRowsHoldEachCutoffsOwnLabels() {
    Dataset<Row> state = io.retention.metrics.CustomerActivity.state(labelFixture()
        .add("S", "2024-03-15", "10").add("S", "2024-05-15", "10")
        .add("Q", "2024-01-10", "10").add("Q", "2024-02-10", "10").frame(), false);
    ChurnTrainer.Options two = new ChurnTrainer.Options(CUTOFF, 90, 365, 0.0, 42, 10, 0.01, 5, 3, 3, "test",
        List.of(), 2, 30);
    assertThat(rows(ChurnTrainer.stacked(state, null, two))).containsExactlyInAnyOrder(
        "C 1.0 276.0", "D 1.0 275.0", "E 1.0 91.0", "F 1.0 31.0", "R 1.0 0.0", "S 0.0 17.0", "Q 1.0 51.0",
        "C 1.0 246.0", "D 1.0 245.0", "E 1.0 61.0", "F 1.0 1.0", "R 0.0 30.0", "Q 1.0 21.0");
    // 400 days before 2024-04-01 nobody has bought yet: that cutoff adds nothing (and fits no BG/NBD)
    ChurnTrainer.Options early = new ChurnTrainer.Options(CUTOFF, 90, 365, 0.0, 42, 10, 0.01, 5, 3, 3, "test",
        List.of(), 2, 400);
    assertThat(rows(ChurnTrainer.stacked(state, null, early))).containsExactlyInAnyOrder(
        "C 1.0 276.0", "D 1.0 275.0", "E 1.0 91.0", "F 1.0 31.0", "R 1.0 0.0", "S 0.0 17.0", "Q 1.0 51.0");
    // 2024-02-01 (60 days before c - 90): C, D, E, R are labelled but nobody has two purchase days yet
    ChurnTrainer.Options noRepeat = new ChurnTrainer.Options(CUTOFF, 90, 365, 0.0, 42, 10, 0.01, 5, 3, 3, "test",
        List.of(), 2, 60);
    assertThat(rows(ChurnTrainer.stacked(io.retention.metrics.CustomerActivity.state(labelFixture().frame(), false),
        null, noRepeat))).containsExactlyInAnyOrder(
        "C 1.0 276.0", "D 1.0 275.0", "E 1.0 91.0", "F 1.0 31.0", "R 1.0 0.0");
  }

  /**
   * A stacked cutoff whose BG/NBD fit is unusable is skipped; the main cutoff is kept. At 2024-03-02 the repeat
   * buyers split into three who buy every week up to then and five who bought twice in October and not since:
   * dropout looks all-or-nothing, so the fit puts a + b near 0 (below 1) and one-time buyers' expected purchases
   * are undefined. By c - 90 = 2024-04-01 the five have bought again (2024-03-20) and the fit is usable.
   */
  @Test
  void aStackedCutoffWithAnUnusableFitIsSkipped() {
    ChurnRows p = new ChurnRows();
    for (int i = 0; i < 3; i++) {
      for (LocalDate d = LocalDate.parse("2023-10-01"); !d.isAfter(CUTOFF); d = d.plusDays(7)) {
        p.add("F" + i, d.toString(), "10");
      }
    }
    for (int i = 0; i < 5; i++) {
      p.add("O" + i, "2023-10-0" + (1 + i), "10");
      p.add("D" + i, "2023-10-0" + (1 + i), "10").add("D" + i, "2023-10-1" + (1 + i), "10")
          .add("D" + i, "2024-03-20", "10");
    }
    Dataset<Row> state = io.retention.metrics.CustomerActivity.state(p.frame(), false);
    assertThatThrownBy(() -> ChurnFeatures.fromState(state, null,
        new ChurnFeatures.Options(LocalDate.parse("2024-03-02"), 365, 90, 0.0), true))
        .isInstanceOf(ChurnFeatures.UnusableFit.class).hasMessageContaining("2024-03-02");
    ChurnTrainer.Options two = new ChurnTrainer.Options(CUTOFF, 90, 365, 0.0, 42, 10, 0.01, 5, 3, 3, "test",
        List.of(), 2, 30);
    ChurnTrainer.Options one = new ChurnTrainer.Options(CUTOFF, 90, 365, 0.0, 42, 10, 0.01, 5, 3, 3, "test",
        List.of(), 1, 30);
    List<String> main = rows(ChurnTrainer.stacked(state, null, one));
    assertThat(main).hasSize(13).contains("O0 1.0 183.0", "D0 1.0 12.0", "F0 0.0 1.0");
    assertThat(rows(ChurnTrainer.stacked(state, null, two))).containsExactlyInAnyOrderElementsOf(main);
  }

  private static List<String> rows(Dataset<Row> d) {
    return d.collectAsList().stream().map(r -> r.getString(0) + " " + r.<Double>getAs(ChurnColumns.LABEL) + " "
        + r.<Double>getAs(ChurnColumns.RECENCY_DAYS)).toList();
  }

  private static void assertNext(Row r, String expected, int overdue) {
    assertThat(r.<java.sql.Date>getAs(ChurnColumns.EXPECTED_NEXT_PURCHASE).toString()).as(r.getString(0))
        .isEqualTo(expected);
    assertThat(r.<Integer>getAs(ChurnColumns.DAYS_OVERDUE)).as(r.getString(0)).isEqualTo(overdue);
  }

  /** K: country DE, then FR at its latest purchase <= c, a later purchase without it, a US refund. */
  private static ChurnRows withCountries(ChurnRows r) {
    return r.add("K", "2024-01-01", "10", Map.of("country", "DE")).add("K", "2024-05-01", "10", Map.of("country", "FR"))
        .add("K", "2024-06-10", "10").add("K", "2024-06-20", "-5", Map.of("country", "US"));
  }

  @Test
  void movingOrAddingPurchasesAfterTheCutoffChangesNoFeature() {
    ChurnFeatures.Options o = new ChurnFeatures.Options(CUTOFF, 365, 90, 0.0, List.of("country"));
    Dataset<Row> base = ChurnFeatures.compute(withCountries(labelFixture()).frame(), o);
    ChurnRows moved = new ChurnRows()
        .add("A", "2024-05-01", "10").add("A", "2024-07-01", "500")      // moved from 08-01 to the day after c
        .add("B", "2024-06-30", "10").add("B", "2025-01-01", "10")       // a new purchase long after c
        .add("C", "2023-06-30", "10").add("C", "2024-07-15", "10")
        .add("D", "2023-07-01", "10").add("D", "2024-09-28", "10")
        .add("E", "2024-01-01", "10").add("E", "2024-07-10", "-10")
        .add("F", "2024-03-01", "10").add("F", "2024-09-29", "10").add("F", "2024-07-02", "-3")
        .add("G", "2024-02-01", "-5").add("R", "2024-02-01", "10").add("R", "2024-04-01", "10")
        .add("NEW", "2024-07-01", "10").add("NEW", "2024-08-01", "10")
        .add("A", "2024-07-02", "10", Map.of("country", "NL")) // attributes after c change nothing either
        .add("K", "2024-07-01", "10", Map.of("country", "NL"));
    Dataset<Row> after = ChurnFeatures.compute(withCountries(moved).frame(), o);
    assertThat(base.count()).isEqualTo(7); // A, B, D, E, F, R, K: the label population
    Row k = after.where("customer_id = 'K'").first();
    assertThat(k.<String>getAs(ChurnColumns.attribute("country"))).isEqualTo("FR");
    assertThat(k.<Double>getAs(ChurnColumns.COHORT_MONTHS)).isEqualTo(5.0); // 2024-01 -> 2024-06
    assertThat(after.where("customer_id = 'A'").first().<String>getAs("attr_country")).isNull();
    SharedSpark.assertSameRows(base, after);
    assertThat(after.columns()).containsAll(ChurnColumns.FEATURES);
    assertThat(List.of(after.columns())).doesNotContain(ChurnColumns.LABEL);
  }
}
