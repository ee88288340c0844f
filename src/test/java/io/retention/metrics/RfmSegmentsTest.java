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
 * conf/application.conf (docs/tables.md): cut points are the values of rank ceil(p x n), p = 0.2..0.8, over the
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
        new Object[] {"c02", 5, 1, 1, "New"},
        new Object[] {"c03", 4, 5, 5, "Loyal"},
        new Object[] {"c04", 4, 2, 1, "Potential loyalist"},
        new Object[] {"c05", 3, 3, 3, "Need attention"},
        new Object[] {"c06", 3, 2, 2, "About to sleep"},
        new Object[] {"c07", 2, 4, 4, "At risk"},
        new Object[] {"c08", 2, 2, 2, "Hibernating"},
        new Object[] {"c09", 1, 4, 4, "At risk"},
        new Object[] {"c10", 1, 1, 3, "Lost"},
        new Object[] {"c11", 1, 5, 5, "Can't lose them"},
        new Object[] {"c12", 1, 3, 1, "At risk"},
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

  @Test
  void aRuleTableMustCoverEveryScoreAndReachEveryRule() {
    assertThatThrownBy(() -> new SegmentRules(List.of(new SegmentRules.Rule("Top", 5, 5, 1, 5, 1, 5))))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("no rule covers r=1 f=1 m=1");
    assertThatThrownBy(() -> new SegmentRules(List.of(new SegmentRules.Rule("All", 1, 5, 1, 5, 1, 5),
        new SegmentRules.Rule("Never", 5, 5, 5, 5, 1, 5)))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rules[1] (Never) is never reached: the rules before it cover all of its scores");
    assertThatThrownBy(() -> new SegmentRules.Rule("x", 4, 3, 1, 5, 1, 5))
        .hasMessage("r must be a score range within 1-5 (low-high), cannot be: 4-3");
  }

  /**
   * gold.customers through the stage, as of 2024-03-31 (month grain; previous period end 2024-02-29; window 90).
   * Now: active P (1 day, 3 orders), R (26, 1), Q (35, 1), S (71, 2); T lapsed (304, 1). Days cuts 1, 26, 35, 71;
   * orders cuts 1, 1, 2, 3. P R5 F4 Champions, R R4 F1 Promising, Q R3 F1 About to sleep, S R2 F3 At risk,
   * T R1 F1 Lost. On 2024-02-29: active Q (4 days, 1 order), P (9, 2), S (40, 2); T (273, 1); R not a customer
   * yet. n = 3, ranks 1, 2, 2, 3: days cuts 4, 9, 9, 40; orders cuts 1, 2, 2, 2. Q R5 F1 New, P R4 F2 Potential
   * loyalist, S R2 F2 Hibernating, T R1 F1 Lost.
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
    assertThat(customers.select(Columns.CUSTOMER_ID, R_SCORE, F_SCORE, SEGMENT, PREVIOUS_SEGMENT)
        .orderBy(Columns.CUSTOMER_ID).collectAsList().toString()).isEqualTo("[[P,5,4,Champions,Potential loyalist], "
        + "[Q,3,1,About to sleep,New], [R,4,1,Promising,null], [S,2,3,At risk,Hibernating], [T,1,1,Lost,Lost]]");
    assertThat(RfmSegments.previousPeriodEnd(Grain.MONTH, LocalDate.parse("2024-03-31")))
        .isEqualTo(LocalDate.parse("2024-02-29"));
    assertThat(RfmSegments.previousPeriodEnd(Grain.WEEK, LocalDate.parse("2024-03-31")))
        .isEqualTo(LocalDate.parse("2024-03-24"));
  }
}
