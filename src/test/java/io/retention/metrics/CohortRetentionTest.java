package io.retention.metrics;

import static io.retention.metrics.Fixtures.order;
import static io.retention.metrics.Fixtures.purchase;
import static io.retention.metrics.Fixtures.purchases;
import static io.retention.metrics.Fixtures.refund;
import static io.retention.metrics.Fixtures.table;
import static io.retention.schema.MetricsColumns.*;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CohortRetentionTest {
  static final StructType COHORT_TABLE = Fixtures.schema(GRAIN, StringType, COHORT, DateType, PERIOD_INDEX,
      IntegerType, PERIOD_START, DateType, COHORT_SIZE, LongType, ACTIVE_CUSTOMERS, LongType, RETENTION_RATE,
      DoubleType, UNBOUNDED_RETENTION_RATE, DoubleType, REVENUE, Schemas.MONEY, CUMULATIVE_REVENUE_PER_CUSTOMER,
      Schemas.MONEY, IS_COMPLETE, BooleanType, NET_REVENUE_RETENTION, DoubleType, CAPPED_REVENUE_RETENTION,
      DoubleType);

  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SharedSpark.get();
  }

  /**
   * A: two orders on the same day in January, back in March. B: January, then only a February refund.
   * C: only a refund (no cohort). D: February and March. E: after the as-of date (ignored). As of 2024-03-15,
   * so March is incomplete.
   */
  static Dataset<Row> monthlyFixture() {
    return purchases(
        purchase("A", "2024-01-05", "10.00"), purchase("A", "2024-01-05", "5.00"), purchase("A", "2024-03-10", "20.00"),
        purchase("B", "2024-01-20", "30.00"), refund("B", "2024-02-03", "-10.00"),
        refund("C", "2024-02-10", "-7.00"),
        purchase("D", "2024-02-28", "8.00"), purchase("D", "2024-03-01", "4.00"),
        purchase("E", "2024-03-16", "99.00"));
  }

  @Test
  void monthlyCohortsWithSameDayOrdersRefundsAndAnIncompleteLastPeriod() {
    Dataset<Row> actual = CohortRetention.compute(monthlyFixture(), Fixtures.options(Grain.MONTH, "2024-03-15"));
    Dataset<Row> expected = table(COHORT_TABLE,
        // January base: A 15 + B 30 = 45; capped: B's February -10 counts 0, A's March 20 is capped at its 15.
        new Object[] {"month", "2024-01-01", 0, "2024-01-01", 2, 2, 1.0, 1.0, "45.00", "22.50", true, 1.0, 1.0},
        new Object[] {"month", "2024-01-01", 1, "2024-02-01", 2, 0, 0.0, 0.5, "-10.00", "17.50", true,
            -10.0 / 45, 0.0},
        new Object[] {"month", "2024-01-01", 2, "2024-03-01", 2, 1, 0.5, 0.5, "20.00", "27.50", false,
            20.0 / 45, 15.0 / 45},
        // February: D 8 then 4 (4 < 8, not capped).
        new Object[] {"month", "2024-02-01", 0, "2024-02-01", 1, 1, 1.0, 1.0, "8.00", "8.00", true, 1.0, 1.0},
        new Object[] {"month", "2024-02-01", 1, "2024-03-01", 1, 1, 1.0, 1.0, "4.00", "12.00", false, 4.0 / 8,
            4.0 / 8});
    SharedSpark.assertSameRows(expected, actual);
  }

  /**
   * F: a January refund before the first purchase (counts in period 0), then in February a purchase, a refund
   * and another purchase (active once), nothing in March. Its cohort is February: revenue 12 - 1 + 3 - 2 = 12.
   */
  @Test
  void refundBeforeTheFirstPurchaseAndARefundBetweenPurchasesOfOnePeriod() {
    Dataset<Row> in = purchases(refund("F", "2024-01-03", "-2.00"), purchase("F", "2024-02-04", "12.00"),
        refund("F", "2024-02-20", "-1.00"), purchase("F", "2024-02-21", "3.00"));
    Dataset<Row> expected = table(COHORT_TABLE,
        new Object[] {"month", "2024-02-01", 0, "2024-02-01", 1, 1, 1.0, 1.0, "12.00", "12.00", true, 1.0, 1.0},
        new Object[] {"month", "2024-02-01", 1, "2024-03-01", 1, 0, 0.0, 0.0, "0.00", "12.00", false, 0.0, 0.0});
    SharedSpark.assertSameRows(expected,
        CohortRetention.compute(in, Fixtures.options(Grain.MONTH, "2024-03-15")));
  }

  @Test
  void defaultAsOfIsTheLatestPurchaseDay() {
    Dataset<Row> in = purchases(purchase("A", "2024-01-05", "10.00"), purchase("A", "2024-02-29", "1.00"),
        refund("A", "2024-03-02", "-1.00"));
    MetricsStage.Options o = MetricsStage.Options.defaults();
    Dataset<Row> expected = table(COHORT_TABLE,
        new Object[] {"month", "2024-01-01", 0, "2024-01-01", 1, 1, 1.0, 1.0, "10.00", "10.00", true, 1.0, 1.0},
        new Object[] {"month", "2024-01-01", 1, "2024-02-01", 1, 1, 1.0, 1.0, "1.00", "11.00", true, 1.0 / 10,
            1.0 / 10});
    SharedSpark.assertSameRows(expected, CohortRetention.compute(in, o));
  }

  /** 2024-12-31 (Tue) and 2025-01-05 (Sun) are in the ISO week starting Monday 2024-12-30. */
  @Test
  void isoWeeksAcrossAYearEnd() {
    Dataset<Row> in = purchases(purchase("H", "2024-12-31", "10.00"), purchase("H", "2025-01-06", "20.00"),
        purchase("I", "2025-01-05", "5.00"));
    Dataset<Row> expected = table(COHORT_TABLE,
        // base H 10 + I 5 = 15; week 1: H's 20, capped at its 10.
        new Object[] {"week", "2024-12-30", 0, "2024-12-30", 2, 2, 1.0, 1.0, "15.00", "7.50", true, 1.0, 1.0},
        new Object[] {"week", "2024-12-30", 1, "2025-01-06", 2, 1, 0.5, 0.5, "20.00", "17.50", false,
            20.0 / 15, 10.0 / 15});
    SharedSpark.assertSameRows(expected,
        CohortRetention.compute(in, Fixtures.options(Grain.WEEK, "2025-01-06")));
  }

  /**
   * Orders near midnight: F at 2024-01-31 23:30 UTC is 1 February in Berlin, G at 2024-03-01 02:00 UTC is
   * 29 February in New York. Cohorts follow order_date (the business day), whatever the session time zone.
   */
  @Test
  void cohortsAtPeriodBoundariesFollowTheBusinessDayInAnySessionTimeZone() {
    Dataset<Row> in = purchases(
        order("F", "2024-01-31T23:30:00Z", "2024-02-01", "3.00", Columns.KIND_PURCHASE, Map.of()),
        order("G", "2024-03-01T02:00:00Z", "2024-02-29", "4.00", Columns.KIND_PURCHASE, Map.of()),
        order("G", "2024-03-31T23:00:00Z", "2024-04-01", "6.00", Columns.KIND_PURCHASE, Map.of()));
    Dataset<Row> expected = table(COHORT_TABLE,
        // base F 3 + G 4 = 7; Q2: G's 6, capped at its 4.
        new Object[] {"quarter", "2024-01-01", 0, "2024-01-01", 2, 2, 1.0, 1.0, "7.00", "3.50", true, 1.0, 1.0},
        new Object[] {"quarter", "2024-01-01", 1, "2024-04-01", 2, 1, 0.5, 0.5, "6.00", "6.50", false, 6.0 / 7,
            4.0 / 7});
    String zone = spark.conf().get("spark.sql.session.timeZone");
    try {
      for (String tz : new String[] {"UTC", "Pacific/Kiritimati", "America/Los_Angeles"}) {
        spark.conf().set("spark.sql.session.timeZone", tz);
        SharedSpark.assertSameRows(expected, CohortRetention.compute(in, Fixtures.options(Grain.QUARTER, "2024-04-01")));
      }
    } finally {
      spark.conf().set("spark.sql.session.timeZone", zone);
    }
  }

  /** The breakdown value is the attribute of the customer's first purchase (not of later orders). */
  @Test
  void breakdownByTheFirstPurchaseAttribute() {
    Dataset<Row> in = purchases(
        order("A", "2024-01-05T10:00:00Z", "2024-01-05", "10.00", Columns.KIND_PURCHASE, Map.of("Country", "UK")),
        order("A", "2024-02-05T10:00:00Z", "2024-02-05", "10.00", Columns.KIND_PURCHASE, Map.of("Country", "FR")),
        order("B", "2024-01-06T10:00:00Z", "2024-01-06", "6.00", Columns.KIND_PURCHASE, Map.of("Country", "FR")),
        order("C", "2024-01-07T10:00:00Z", "2024-01-07", "2.00", Columns.KIND_PURCHASE, Map.of()));
    StructType schema = Fixtures.schema(GRAIN, StringType, BREAKDOWN, StringType, COHORT, DateType, PERIOD_INDEX,
        IntegerType, PERIOD_START, DateType, COHORT_SIZE, LongType, ACTIVE_CUSTOMERS, LongType, RETENTION_RATE,
        DoubleType, UNBOUNDED_RETENTION_RATE, DoubleType, REVENUE, Schemas.MONEY, CUMULATIVE_REVENUE_PER_CUSTOMER,
        Schemas.MONEY, IS_COMPLETE, BooleanType, NET_REVENUE_RETENTION, DoubleType, CAPPED_REVENUE_RETENTION,
        DoubleType);
    Dataset<Row> expected = table(schema,
        new Object[] {"month", "UK", "2024-01-01", 0, "2024-01-01", 1, 1, 1.0, 1.0, "10.00", "10.00", true, 1.0, 1.0},
        new Object[] {"month", "UK", "2024-01-01", 1, "2024-02-01", 1, 1, 1.0, 1.0, "10.00", "20.00", false, 1.0,
            1.0},
        new Object[] {"month", "FR", "2024-01-01", 0, "2024-01-01", 1, 1, 1.0, 1.0, "6.00", "6.00", true, 1.0, 1.0},
        new Object[] {"month", "FR", "2024-01-01", 1, "2024-02-01", 1, 0, 0.0, 0.0, "0.00", "6.00", false, 0.0,
            0.0},
        new Object[] {"month", null, "2024-01-01", 0, "2024-01-01", 1, 1, 1.0, 1.0, "2.00", "2.00", true, 1.0, 1.0},
        new Object[] {"month", null, "2024-01-01", 1, "2024-02-01", 1, 0, 0.0, 0.0, "0.00", "2.00", false, 0.0,
            0.0});
    SharedSpark.assertSameRows(expected,
        CohortRetention.compute(in, Fixtures.options(Grain.MONTH, "2024-02-05").withBreakdown("Country")));
  }
}
