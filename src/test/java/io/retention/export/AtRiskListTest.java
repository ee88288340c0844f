package io.retention.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.churn.ChurnScorer;
import io.retention.schema.ChurnColumns;
import io.retention.schema.ClvColumns;
import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** Who is on the list, in which order, with which action, in which group: rule by rule. */
class AtRiskListTest {
  private static final LocalDate AS_OF = LocalDate.parse("2025-11-04");
  private static final double[][] RISKS = {{0.9, 0}, {0.65, 0}, {0.45, 1}, {0.31, 1}, {0.2, 2}, {0.05, 2}};
  private static final String[] BANDS = {ChurnColumns.BAND_HIGH, ChurnColumns.BAND_MEDIUM, ChurnColumns.BAND_LOW};
  private static final String[] CLVS = {null, "-5.00", "50.00", "199.99", "200.00", "1000.00"};

  private static Dataset<Row> scores(List<Object[]> rows) {
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) {
      out.add(RowFactory.create(r[0], Date.valueOf(AS_OF), r[1], r[2], "a reason", "v1", 30.0, 20.0,
          Date.valueOf("2025-10-05"), Date.valueOf("2025-10-25"), 10));
    }
    return SharedSpark.get().createDataFrame(out, ChurnScorer.SCHEMA);
  }

  private static Dataset<Row> clv(List<Object[]> rows) {
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) {
      out.add(RowFactory.create(r[0], r[3] == null ? null : new BigDecimal((String) r[3])));
    }
    return SharedSpark.get().createDataFrame(out, Schemas.struct(
        Schemas.field(Columns.CUSTOMER_ID, DataTypes.StringType),
        Schemas.field(ClvColumns.PREDICTED_CLV, Schemas.MONEY)));
  }

  /** Every band x risk x CLV combination: 36 customers. */
  private static List<Object[]> grid() {
    List<Object[]> rows = new ArrayList<>();
    for (double[] rb : RISKS) {
      for (String c : CLVS) {
        rows.add(new Object[] {"r" + rb[0] + "-clv" + c, rb[0], BANDS[(int) rb[1]], c});
      }
    }
    return rows;
  }

  private static AtRiskExport.Options options(AtRiskExport.Rules rules, ListPolicy policy, Integer top) {
    return new AtRiskExport.Options(AS_OF, "x", top, null, null, rules, policy, ControlGroup.defaults(null));
  }

  private static boolean contact(Row r) {
    return Set.of(ChurnColumns.BAND_HIGH, ChurnColumns.BAND_MEDIUM).contains(r.<String>getAs(ChurnColumns.RISK_BAND));
  }

  private static boolean vipValue(Row r, AtRiskExport.Rules rules) {
    BigDecimal clv = r.getAs(ClvColumns.PREDICTED_CLV);
    return clv != null && clv.doubleValue() >= rules.vipMinClv();
  }

  @Test
  void everyActionsRuleHoldsForEveryRowThatGetsIt() {
    for (AtRiskExport.Rules rules : List.of(AtRiskExport.Rules.defaults(), new AtRiskExport.Rules(150, 0.7))) {
      List<Row> rows = AtRiskExport.compute(scores(grid()), clv(grid()), options(rules, ListPolicy.everyone(), null))
          .collectAsList();
      assertThat(rows).hasSize(36);
      Set<String> seen = new TreeSet<>();
      for (Row r : rows) {
        String action = r.getAs(ChurnColumns.SUGGESTED_ACTION);
        double risk = r.getAs(ChurnColumns.CHURN_RISK);
        seen.add(action);
        switch (action) {
          case AtRiskExport.NO_ACTION -> assertThat(contact(r)).as("no action: band low " + r).isFalse();
          case AtRiskExport.VIP_CALL -> assertThat(contact(r) && vipValue(r, rules)).as("VIP " + r).isTrue();
          case AtRiskExport.WIN_BACK -> assertThat(contact(r) && !vipValue(r, rules)
              && risk >= rules.winBackMinRisk()).as("win-back " + r).isTrue();
          case AtRiskExport.CHECK_IN -> assertThat(contact(r) && !vipValue(r, rules)
              && risk < rules.winBackMinRisk()).as("check-in " + r).isTrue();
          default -> throw new AssertionError("unknown action " + action);
        }
      }
      assertThat(seen).containsExactlyInAnyOrder(AtRiskExport.NO_ACTION, AtRiskExport.VIP_CALL,
          AtRiskExport.WIN_BACK, AtRiskExport.CHECK_IN);
    }
  }

  /** a, 42, f, g, e worth contacting; c is band low, d has a negative CLV. Save rate 0.5. */
  private static List<Object[]> ranked() {
    return List.of(new Object[] {"a", 0.9, "high", "100.00"}, new Object[] {"42", 0.45, "medium", "1000.00"},
        new Object[] {"c", 0.2, "low", "5000.00"}, new Object[] {"d", 0.65, "high", "-5.00"},
        new Object[] {"e", 0.31, "medium", null}, new Object[] {"f", 0.7, "high", "300.00"},
        new Object[] {"g", 0.5, "medium", "180.00"});
  }

  private static List<String> ids(ListPolicy policy, Integer top) {
    return AtRiskExport.compute(scores(ranked()), clv(ranked()), options(AtRiskExport.Rules.defaults(), policy, top))
        .collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  @Test
  void theDefaultListHoldsOnlyCustomersWorthContactingRankedByExpectedValueSaved() {
    ListPolicy half = new ListPolicy("medium", 0.0, 0.5);
    List<Row> rows = AtRiskExport.compute(scores(ranked()), clv(ranked()),
        options(AtRiskExport.Rules.defaults(), half, null)).collectAsList();
    // expected value saved = risk x CLV x 0.5: 42 225.00, f 105.00, a 45.00 (risk 0.9), g 45.00 (0.5), e unknown
    assertThat(rows).extracting(r -> r.getString(0)).containsExactly("42", "f", "a", "g", "e");
    assertThat(rows).extracting(r -> r.getAs(ChurnColumns.EXPECTED_VALUE_SAVED)).containsExactly(
        new BigDecimal("225.00"), new BigDecimal("105.00"), new BigDecimal("45.00"), new BigDecimal("45.00"), null);
    assertThat(rows).extracting(r -> r.getAs(ChurnColumns.VALUE_AT_RISK)).containsExactly(
        new BigDecimal("450.00"), new BigDecimal("210.00"), new BigDecimal("90.00"), new BigDecimal("90.00"), null);
    assertThat(ids(half, 3)).containsExactly("42", "f", "a");
    assertThat(ids(new ListPolicy("medium", 50.0, 0.5), null)).containsExactly("42", "f");
    assertThat(ids(new ListPolicy("high", 0.0, 1.0), null)).containsExactly("f", "a");
    assertThat(ids(ListPolicy.everyone(), null)).containsExactly("c", "42", "f", "a", "g", "d", "e");
    assertThat(ids(ListPolicy.defaults(), null)).containsExactly("42", "f", "a", "g", "e");
  }

  @Test
  void controlIsMarkedInsideTheTopNByTheRealIdAndStaysOnRerun() {
    // buckets (python3, fallback key, period 2025-11): 42 763, f 404, g 825 < 1,000: control; a 9643, e 7397
    List<Row> plain = AtRiskExport.compute(scores(ranked()), clv(ranked()),
        options(AtRiskExport.Rules.defaults(), ListPolicy.defaults(), null)).collectAsList();
    assertThat(plain).extracting(r -> r.getString(0) + ":" + r.getAs(ChurnColumns.GROUP)).containsExactly(
        "42:control", "f:control", "a:treatment", "g:control", "e:treatment");
    byte[] key = "0123456789abcdef-test-key".getBytes(StandardCharsets.UTF_8);
    List<Row> pseudo = AtRiskExport.compute(scores(ranked()), clv(ranked()), new AtRiskExport.Options(AS_OF, "x",
        null, null, key, AtRiskExport.Rules.defaults(), ListPolicy.defaults(), ControlGroup.defaults(null)))
        .collectAsList();
    assertThat(pseudo).extracting(r -> r.getAs(ChurnColumns.GROUP)).containsExactly("control", "control",
        "treatment", "control", "treatment");
    assertThat(pseudo.get(0).getString(0)).isEqualTo(CsvSafety.pseudonym(key, "42"));
    AtRiskExport.Options share0 = new AtRiskExport.Options(AS_OF, "x", null, null, null,
        AtRiskExport.Rules.defaults(), ListPolicy.defaults(), new ControlGroup(0, ControlGroup.keyOf(null), "month"));
    assertThat(AtRiskExport.compute(scores(ranked()), clv(ranked()), share0).collectAsList())
        .extracting(r -> r.getAs(ChurnColumns.GROUP)).containsOnly(ControlGroup.TREATMENT);
  }

  @Test
  void theNextPurchaseInWords() {
    assertThat(AtRiskExport.nextPurchase(Date.valueOf("2025-11-04"), 23))
        .isEqualTo("expected by 2025-11-04, 23 days overdue");
    assertThat(AtRiskExport.nextPurchase(Date.valueOf("2025-11-04"), 1)).isEqualTo("expected by 2025-11-04, 1 day overdue");
    assertThat(AtRiskExport.nextPurchase(Date.valueOf("2025-12-01"), 0)).isEqualTo("expected by 2025-12-01");
    assertThat(AtRiskExport.nextPurchase(null, null)).isNull();
    List<Row> rows = AtRiskExport.compute(scores(ranked()), clv(ranked()),
        options(AtRiskExport.Rules.defaults(), ListPolicy.defaults(), 1)).collectAsList();
    assertThat(rows.get(0).<String>getAs(ChurnColumns.NEXT_PURCHASE)).isEqualTo("expected by 2025-10-25, 10 days overdue");
  }
}
