package io.retention.metrics;

import static io.retention.metrics.Fixtures.purchase;
import static io.retention.metrics.Fixtures.purchases;
import static io.retention.metrics.Fixtures.table;
import static io.retention.schema.MetricsColumns.*;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.Columns;
import io.retention.schema.GoldSchemas;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFM quintile scores and segments, every expectation worked out by hand from the rule table of
 * conf/application.conf (docs/tables.md: first match wins, else Others): cut points are the values of rank ceil(p x n), p = 0.2..0.8, over the
 * active base; F, M = 1 + #(cuts below the value), R = 5 - #(cuts below the days).
 */
class RfmSegmentsTest {
  static final StructType FIGURES = Fixtures.schema(Columns.CUSTOMER_ID, StringType, DAYS_SINCE_LAST, IntegerType,
      ORDERS, LongType, NET_REVENUE, Schemas.MONEY);
  static final StructType SCORED = Fixtures.schema(Columns.CUSTOMER_ID, StringType, R_SCORE, IntegerType, F_SCORE,
      IntegerType, M_SCORE, IntegerType, SEGMENT, StringType);

  @BeforeAll
  static void start() {
    SharedSpark.get();
  }

  /**
   * Active base (days <= 90): c01..c10. Days 5,10,20,...,90 -> cuts 10, 30, 50, 70. Orders 1,1,2,2,2,3,4,6,8,12 ->
   * cuts 1, 2, 3, 6 (ties share a score: both 1-order customers F1, all three 2-order ones F2; c07's 6 is not
   * above the cut 6, so F4). Revenue 10..100 -> cuts 20, 40, 60, 80. c11..c13 are lapsed: left out of the cuts (c11's
   * 1000 would move the M cuts), scored against them, R = 1.
   */
  @Test
  void quintileScoresAndSegmentsByHand() {
    Dataset<Row> figures = table(FIGURES,
        new Object[] {"c01", 5, 12, "100"}, new Object[] {"c02", 10, 1, "10"}, new Object[] {"c03", 20, 8, "90"},
        new Object[] {"c04", 30, 2, "20"}, new Object[] {"c05", 40, 3, "50"}, new Object[] {"c06", 50, 2, "30"},
        new Object[] {"c07", 60, 6, "80"}, new Object[] {"c08", 70, 2, "40"}, new Object[] {"c09", 80, 4, "70"},
        new Object[] {"c10", 90, 1, "60"},
        new Object[] {"c11", 200, 12, "1000"}, new Object[] {"c12", 120, 3, "5"}, new Object[] {"c13", 150, 1, "15"});
    Dataset<Row> expected = table(SCORED,
        new Object[] {"c01", 5, 5, 5, "Champions"},
        new Object[] {"c02", 5, 1, 1, "New Customers"},
        new Object[] {"c03", 4, 5, 5, "Potential Loyalist"},
        new Object[] {"c04", 4, 2, 1, "New Customers"},
        new Object[] {"c05", 3, 3, 3, "Loyal Customers"},
        new Object[] {"c06", 3, 2, 2, "Loyal Customers"},
        new Object[] {"c07", 2, 4, 4, "Can't Lose Them"},
        new Object[] {"c08", 2, 2, 2, "Loyal Customers"},
        new Object[] {"c09", 1, 4, 4, "Can't Lose Them"},
        new Object[] {"c10", 1, 1, 3, "Lost"},
        new Object[] {"c11", 1, 5, 5, "At Risk"},
        new Object[] {"c12", 1, 3, 1, "Lost"},
        new Object[] {"c13", 1, 1, 1, "Lost"});
    Dataset<Row> actual = RfmSegments.score(figures, 90, SegmentRules.defaults())
        .select(Columns.CUSTOMER_ID, R_SCORE, F_SCORE, M_SCORE, SEGMENT).orderBy(Columns.CUSTOMER_ID);
    assertThat(actual.collectAsList()).isEqualTo(expected.collectAsList());
  }

  /** The first matching rule wins, and M ranges count: a rule table that splits on M alone. */
  @Test
  void firstMatchingRuleWinsAndMCounts() {
    SegmentRules byValue = new SegmentRules(List.of(new SegmentRules.Rule("Top spend", 1, 5, 1, 5, 5, 5),
        new SegmentRules.Rule("Rest", 1, 5, 1, 5, 1, 5)));
    Dataset<Row> figures = table(FIGURES, new Object[] {"a", 1, 1, "10"}, new Object[] {"b", 2, 1, "20"},
        new Object[] {"c", 3, 1, "30"}, new Object[] {"d", 4, 1, "40"}, new Object[] {"e", 5, 1, "50"});
    // revenue 10..50, n = 5: cuts 10, 20, 30, 40; only e (50) is above all four
    assertThat(RfmSegments.score(figures, 90, byValue).where(org.apache.spark.sql.functions.col(SEGMENT)
        .equalTo("Top spend")).select(Columns.CUSTOMER_ID).collectAsList().toString()).isEqualTo("[[e]]");
  }

  /**
   * Each default rule on triples it wins (worked out by hand down the table of docs/tables.md), the precedence
   * cases where an earlier rule takes a triple a later one also covers, and triples no rule covers (Others).
   */
  @Test
  void everyDefaultRuleWinsItsHandPickedTriples() {
    String[][] cases = {
        {"555", "Champions"},
        {"554", "Potential Loyalist"}, // Champions needs M5
        {"135", "Can't Lose Them"}, // At Risk covers it too, later
        {"244", "Can't Lose Them"},
        {"155", "At Risk"}, // F5 is outside Can't Lose Them's F3-4
        {"224", "At Risk"},
        {"333", "Loyal Customers"}, // before Potential Loyalist, Promising and Need Attention
        {"222", "Loyal Customers"}, // before About To Sleep
        {"455", "Potential Loyalist"},
        {"445", "Potential Loyalist"}, // M5 is outside Loyal Customers' M2-4
        {"511", "New Customers"},
        {"413", "New Customers"}, // before Promising
        {"421", "New Customers"},
        {"313", "Promising"},
        {"325", "Promising"},
        {"133", "Need Attention"}, // before Lost
        {"253", "Need Attention"},
        {"211", "About To Sleep"},
        {"312", "About To Sleep"},
        {"231", "About To Sleep"},
        {"111", "Lost"},
        {"123", "Lost"},
        {"151", "Lost"},
        {"215", "Others"},
        {"251", "Others"},
        {"252", "Others"},
        {"441", "Others"},
        {"541", "Others"}};
    SegmentRules rules = SegmentRules.defaults();
    for (String[] c : cases) {
      int r = c[0].charAt(0) - '0';
      int f = c[0].charAt(1) - '0';
      int m = c[0].charAt(2) - '0';
      assertThat(rules.segmentOf(r, f, m)).as("R%d F%d M%d", r, f, m).isEqualTo(c[1]);
    }
    assertThat(rules.segments()).containsExactly("Champions", "Can't Lose Them", "At Risk", "Loyal Customers",
        "Potential Loyalist", "New Customers", "Promising", "Need Attention", "About To Sleep", "Lost", "Others");
    assertThat(rules.otherwise()).isEqualTo("Others");
    // all that falls through, by hand: R2 F1 M5; R2 F4-5 M1; R2 F5 M2; R3-5 F4-5 M1
    List<String> others = new java.util.ArrayList<>();
    for (int r = 1; r <= 5; r++) {
      for (int f = 1; f <= 5; f++) {
        for (int m = 1; m <= 5; m++) {
          if (rules.segmentOf(r, f, m).equals("Others")) {
            others.add(r + "" + f + m);
          }
        }
      }
    }
    assertThat(others).containsExactly("215", "241", "251", "252", "341", "351", "441", "451", "541", "551");
  }

  /** The Spark CASE column gives every one of the 125 score triples the segment segmentOf gives it. */
  @Test
  void theSegmentColumnAgreesWithSegmentOfOnEveryTriple() {
    SegmentRules rules = SegmentRules.defaults();
    StructType scores = Fixtures.schema(R_SCORE, IntegerType, F_SCORE, IntegerType, M_SCORE, IntegerType);
    List<Object[]> rows = new java.util.ArrayList<>();
    List<String> expected = new java.util.ArrayList<>();
    for (int r = 1; r <= 5; r++) {
      for (int f = 1; f <= 5; f++) {
        for (int m = 1; m <= 5; m++) {
          rows.add(new Object[] {r, f, m});
          expected.add(r + "" + f + m + " " + rules.segmentOf(r, f, m));
        }
      }
    }
    List<String> actual = table(scores, rows.toArray(new Object[0][])).withColumn(SEGMENT,
        RfmSegments.segment(rules)).orderBy(R_SCORE, F_SCORE, M_SCORE).collectAsList().stream()
        .map(x -> x.getInt(0) + "" + x.getInt(1) + x.getInt(2) + " " + x.getString(3)).toList();
    assertThat(actual).isEqualTo(expected);
    assertThat(actual).contains("215 Others", "135 Can't Lose Them", "555 Champions");
  }

  /**
   * The fallback takes every triple no rule covers and is a segment only when some triple falls through;
   * without one the rules must cover every triple; a rule covered by the rules before it is an error either way.
   */
  @Test
  void theFallbackAndTheChecksOfARuleTable() {
    SegmentRules top = new SegmentRules(List.of(new SegmentRules.Rule("Top", 5, 5, 1, 5, 1, 5)), "Rest");
    assertThat(List.of(top.segmentOf(5, 1, 1), top.segmentOf(4, 5, 5), top.segmentOf(1, 1, 1)))
        .containsExactly("Top", "Rest", "Rest");
    assertThat(top.segments()).containsExactly("Top", "Rest");
    SegmentRules covering = new SegmentRules(List.of(new SegmentRules.Rule("Top", 5, 5, 1, 5, 1, 5),
        new SegmentRules.Rule("All", 1, 5, 1, 5, 1, 5)), "Rest");
    assertThat(covering.fallbackUsed()).isFalse();
    assertThat(covering.segments()).containsExactly("Top", "All");
    assertThatThrownBy(() -> new SegmentRules(List.of(new SegmentRules.Rule("Top", 5, 5, 1, 5, 1, 5)), " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the fallback segment must be a name or null (none), cannot be blank");
    assertThatThrownBy(() -> new SegmentRules(List.of(new SegmentRules.Rule("Top", 5, 5, 1, 5, 1, 5))))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("no rule covers r=1 f=1 m=1");
    assertThatThrownBy(() -> new SegmentRules(List.of(new SegmentRules.Rule("Top", 2, 5, 1, 5, 1, 5),
        new SegmentRules.Rule("Low", 1, 1, 1, 5, 1, 4))))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("no rule covers r=1 f=1 m=5");
    // the default's At Risk put before Can't Lose Them covers all of it
    assertThatThrownBy(() -> new SegmentRules(List.of(new SegmentRules.Rule("At Risk", 1, 2, 2, 5, 4, 5),
        new SegmentRules.Rule("Can't Lose Them", 1, 2, 3, 4, 4, 5)), "Others"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rules[1] (Can't Lose Them) is never reached: the rules before it cover all of its scores");
    assertThatThrownBy(() -> new SegmentRules(List.of(new SegmentRules.Rule("All", 1, 5, 1, 5, 1, 5),
        new SegmentRules.Rule("Never", 5, 5, 5, 5, 1, 5)))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rules[1] (Never) is never reached: the rules before it cover all of its scores");
    assertThatThrownBy(() -> new SegmentRules.Rule("x", 4, 3, 1, 5, 1, 5))
        .hasMessage("r must be a score range within 1-5 (low-high), cannot be: 4-3");
  }

  /**
   * gold.customers through the stage, as of 2024-03-31 (month grain; previous period end 2024-02-29; window 90;
   * every order 10.00). Now: active P (1 day, 3 orders, 30), R (26, 1, 10), Q (35, 1, 10), S (71, 2, 20); T lapsed
   * (304, 1, 10). Days cuts 1, 26, 35, 71; orders cuts 1, 1, 2, 3; revenue cuts 10, 10, 20, 30. P R5 F4 M4
   * Potential Loyalist (Champions needs F5 M5), R R4 F1 M1 New Customers, Q R3 F1 M1 About To Sleep (Promising
   * needs M3+), S R2 F3 M3 Loyal Customers (Can't Lose Them needs M4+), T R1 F1 M1 Lost. On 2024-02-29: active
   * Q (4 days, 1 order, 10), P (9, 2, 20), S (40, 2, 20); T (273, 1, 10); R not a customer yet. n = 3, ranks 1, 2,
   * 2, 3: days cuts 4, 9, 9, 40; orders cuts 1, 2, 2, 2; revenue cuts 10, 20, 20, 20. Q R5 F1 M1 New Customers,
   * P R4 F2 M2 Loyal Customers, S R2 F2 M2 Loyal Customers, T R1 F1 M1 Lost.
   */
  @Test
  void goldCustomersCarriesTheSegmentNowAndAtThePreviousPeriodEnd() {
    DeltaTables tables = new DeltaTables(SharedSpark.get(), SharedSpark.tempDir("rfm-wh").toString());
    tables.overwrite(Table.PURCHASES, purchases(
        purchase("P", "2024-01-10", "10.00"), purchase("P", "2024-02-20", "10.00"),
        purchase("P", "2024-03-30", "10.00"),
        purchase("Q", "2024-02-25", "10.00"), purchase("R", "2024-03-05", "10.00"),
        purchase("S", "2024-01-05", "10.00"), purchase("S", "2024-01-20", "10.00"),
        purchase("T", "2023-06-01", "10.00")));
    new MetricsStage(tables, Fixtures.options(Grain.MONTH, "2024-03-31"), "run-rfm").run();
    Dataset<Row> customers = tables.read(Table.CUSTOMERS);
    assertThat(customers.columns()).containsExactly(GoldSchemas.CUSTOMERS.fieldNames());
    assertThat(customers.select(Columns.CUSTOMER_ID, R_SCORE, F_SCORE, M_SCORE, SEGMENT, PREVIOUS_SEGMENT)
        .orderBy(Columns.CUSTOMER_ID).collectAsList().toString()).isEqualTo("[[P,5,4,4,Potential Loyalist,"
        + "Loyal Customers], [Q,3,1,1,About To Sleep,New Customers], [R,4,1,1,New Customers,null], "
        + "[S,2,3,3,Loyal Customers,Loyal Customers], [T,1,1,1,Lost,Lost]]");
    assertThat(RfmSegments.previousPeriodEnd(Grain.MONTH, LocalDate.parse("2024-03-31")))
        .isEqualTo(LocalDate.parse("2024-02-29"));
    assertThat(RfmSegments.previousPeriodEnd(Grain.WEEK, LocalDate.parse("2024-03-31")))
        .isEqualTo(LocalDate.parse("2024-03-24"));
  }
}
