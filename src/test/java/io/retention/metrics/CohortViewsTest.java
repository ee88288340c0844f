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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cohort views analysts asked for, against numbers worked out by hand from small fixtures: revenue retention
 * (net and capped), the cohort-size-weighted all-cohorts rows, N-day rolling retention and the KPI breakdown.
 */
class CohortViewsTest {
  static final StructType REVENUE_VIEW = Fixtures.schema(COHORT, DateType, PERIOD_INDEX, IntegerType, ACTIVE_CUSTOMERS,
      LongType, UNBOUNDED_RETENTION_RATE, DoubleType, REVENUE, Schemas.MONEY, NET_REVENUE_RETENTION, DoubleType,
      CAPPED_REVENUE_RETENTION, DoubleType, IS_COMPLETE, BooleanType);
  static final StructType ALL = Fixtures.schema(GRAIN, StringType, PERIOD_INDEX, IntegerType, COHORTS, LongType,
      CUSTOMERS, LongType, RETENTION_RATE, DoubleType, UNBOUNDED_RETENTION_RATE, DoubleType, NET_REVENUE_RETENTION,
      DoubleType, CAPPED_REVENUE_RETENTION, DoubleType);
  static final StructType ROLLING = Fixtures.schema(GRAIN, StringType, COHORT, DateType, N_DAYS, IntegerType,
      COHORT_SIZE, LongType, RETAINED_CUSTOMERS, LongType, ROLLING_RETENTION_RATE, DoubleType, IS_COMPLETE,
      BooleanType);
  /** The KPI table with the breakdown column after grain. */
  static final StructType KPI_BY = new StructType(java.util.stream.Stream.concat(
      java.util.stream.Stream.of(RetentionKpisTest.KPI_TABLE.fields()[0], Schemas.field(BREAKDOWN, StringType)),
      java.util.Arrays.stream(RetentionKpisTest.KPI_TABLE.fields()).skip(1))
      .toArray(org.apache.spark.sql.types.StructField[]::new));
  static final MetricsStage.Options AS_OF = Fixtures.options(Grain.MONTH, "2024-04-15").withRollingDays(
      List.of(30, 7));

  @BeforeAll
  static void start() {
    SharedSpark.get();
  }

  /**
   * Month grain, as of 2024-04-15 (April unfinished). Period-0 net (the base) per customer in brackets.
   * December: S [20 - 20 = 0], back on 7 January. January: X [100] expands to 300 in February, 50 in March;
   * Y [50 - 10 = 40] never returns; Z [50] refunds 20 in February (no purchase), buys 80 on 31 March.
   * February: W [20 - 20 = 0], 15 on 11 March; T [40], 10 on 5 March. March: V [10], 5 on 10 April; U [30].
   */
  static Dataset<Row> fixture() {
    return purchases(
        purchase("S", "2023-12-05", "20.00"), refund("S", "2023-12-06", "-20.00"), purchase("S", "2024-01-07", "15.00"),
        purchase("X", "2024-01-10", "100.00"), purchase("X", "2024-02-15", "300.00"),
        purchase("X", "2024-03-05", "50.00"),
        purchase("Y", "2024-01-20", "50.00"), refund("Y", "2024-01-25", "-10.00"),
        purchase("Z", "2024-01-31", "50.00"), refund("Z", "2024-02-01", "-20.00"), purchase("Z", "2024-03-31", "80.00"),
        purchase("W", "2024-02-10", "20.00"), refund("W", "2024-02-10", "-20.00"), purchase("W", "2024-03-11", "15.00"),
        purchase("T", "2024-02-20", "40.00"), purchase("T", "2024-03-05", "10.00"),
        purchase("V", "2024-03-01", "10.00"), purchase("V", "2024-04-10", "5.00"),
        purchase("U", "2024-03-20", "30.00"));
  }

  /**
   * net = revenue(k) / revenue(0); capped = Σ min(max(net_k, 0), max(base, 0)) / Σ max(base, 0). December's
   * base is 0, so both are NULL. January (base 100 + 40 + 50 = 190): k1 net 300 - 20 = 280, capped
   * min(300, 100) + 0 (Y gone) + max(-20, 0) = 100; k2 net 50 + 80 = 130, capped min(50, 100) + min(80, 50) = 100.
   * February (base 0 + 40): k1 net 15 + 10 = 25, capped min(15, 0) + min(10, 40) = 10.
   */
  @Test
  void netAndCappedRevenueRetention() {
    Dataset<Row> expected = table(REVENUE_VIEW,
        new Object[] {"2023-12-01", 0, 1, 1.0, "0.00", null, null, true},
        new Object[] {"2023-12-01", 1, 1, 1.0, "15.00", null, null, true},
        new Object[] {"2023-12-01", 2, 0, 0.0, "0.00", null, null, true},
        new Object[] {"2023-12-01", 3, 0, 0.0, "0.00", null, null, true},
        new Object[] {"2023-12-01", 4, 0, 0.0, "0.00", null, null, false},
        new Object[] {"2024-01-01", 0, 3, 1.0, "190.00", 1.0, 1.0, true},
        new Object[] {"2024-01-01", 1, 1, 2.0 / 3, "280.00", 280.0 / 190, 100.0 / 190, true},
        new Object[] {"2024-01-01", 2, 2, 2.0 / 3, "130.00", 130.0 / 190, 100.0 / 190, true},
        new Object[] {"2024-01-01", 3, 0, 0.0, "0.00", 0.0, 0.0, false},
        new Object[] {"2024-02-01", 0, 2, 1.0, "40.00", 1.0, 1.0, true},
        new Object[] {"2024-02-01", 1, 2, 1.0, "25.00", 25.0 / 40, 10.0 / 40, true},
        new Object[] {"2024-02-01", 2, 0, 0.0, "0.00", 0.0, 0.0, false},
        new Object[] {"2024-03-01", 0, 2, 1.0, "40.00", 1.0, 1.0, true},
        new Object[] {"2024-03-01", 1, 1, 0.5, "5.00", 5.0 / 40, 5.0 / 40, false});
    Dataset<Row> actual = CohortRetention.compute(fixture(), AS_OF).select(COHORT, PERIOD_INDEX, ACTIVE_CUSTOMERS,
        UNBOUNDED_RETENTION_RATE, REVENUE, NET_REVENUE_RETENTION, CAPPED_REVENUE_RETENTION, IS_COMPLETE);
    SharedSpark.assertApproxRows(expected, actual.orderBy(COHORT, PERIOD_INDEX), 1e-12);
  }

  /**
   * Complete cells only (April is not). k0: all 4 cohorts, 1 + 3 + 2 + 2 = 8 customers; December's NULL revenue
   * rates leave it out of their weights (3 + 2 + 2). k1: December, January, February (6 customers): retention
   * (1 + 1 + 2) / 6, unbounded (1·1 + 3·2/3 + 2·1) / 6 = 5/6, net (3·280/190 + 2·25/40) / 5, capped
   * (3·100/190 + 2·10/40) / 5. k2: December, January (4): retention (0 + 2) / 4, unbounded (0 + 3·2/3) / 4,
   * revenue January's alone. k3: December alone, revenue NULL. k4: no complete cohort, no row.
   */
  @Test
  void allCohortsRowsAreWeightedByCohortSizeOverCompleteCohorts() {
    Dataset<Row> expected = table(ALL,
        new Object[] {"month", 0, 4, 8, 1.0, 1.0, 1.0, 1.0},
        new Object[] {"month", 1, 3, 6, 4.0 / 6, 5.0 / 6, (3 * 280.0 / 190 + 2 * 25.0 / 40) / 5,
            (3 * 100.0 / 190 + 2 * 10.0 / 40) / 5},
        new Object[] {"month", 2, 2, 4, 0.5, 0.5, 130.0 / 190, 100.0 / 190},
        new Object[] {"month", 3, 1, 1, 0.0, 0.0, null, null});
    Dataset<Row> cells = CohortRetention.compute(fixture(), AS_OF);
    SharedSpark.assertApproxRows(expected, CohortAverages.fromCells(cells, AS_OF).orderBy(PERIOD_INDEX), 1e-12);
  }

  /**
   * Days from the first to the last purchase day (refunds are not purchases): S 33, X 55, Y 0, Z 60, W 30 (on day 30
   * counts), T 14, V 40, U 0. Complete when the cohort's last day + N ≤ 2024-04-15: not March + 30 (30 April).
   */
  @Test
  void rollingRetentionCountsAPurchaseNOrMoreDaysAfterTheFirst() {
    Dataset<Row> expected = table(ROLLING,
        new Object[] {"month", "2023-12-01", 7, 1, 1, 1.0, true},
        new Object[] {"month", "2023-12-01", 30, 1, 1, 1.0, true},
        new Object[] {"month", "2024-01-01", 7, 3, 2, 2.0 / 3, true},
        new Object[] {"month", "2024-01-01", 30, 3, 2, 2.0 / 3, true},
        new Object[] {"month", "2024-02-01", 7, 2, 2, 1.0, true},
        new Object[] {"month", "2024-02-01", 30, 2, 1, 0.5, true},
        new Object[] {"month", "2024-03-01", 7, 2, 1, 0.5, true},
        new Object[] {"month", "2024-03-01", 30, 2, 1, 0.5, false});
    Dataset<Row> actual = RollingRetention.fromActivity(CustomerActivity.compute(fixture(), AS_OF), AS_OF);
    SharedSpark.assertApproxRows(expected, actual.orderBy(COHORT, N_DAYS), 1e-12);
  }

  @Test
  void rollingDaysAreCheckedWithTheValueInTheMessage() {
    MetricsStage.Options o = MetricsStage.Options.defaults();
    assertThatThrownBy(() -> o.withRollingDays(List.of(7, 0)))
        .hasMessage("rollingDays must be 1 to 3660, cannot be: 0");
    assertThatThrownBy(() -> o.withRollingDays(List.of(7, 7)))
        .hasMessage("rollingDays must not repeat a day count, cannot be: [7, 7]");
    assertThatThrownBy(() -> o.withRollingDays(List.of()))
        .hasMessage("rollingDays must name at least one day count, cannot be: []");
  }

  /**
   * Window 31 days, as of 2024-03-31. FR: B on 15 January; C on 20 and 22 February. UK: A on 10 February, and
   * on 5 March with an FR attribute (A stays UK: its first purchase decides). Base at d = a purchase day p ≤ d
   * with d - p ≤ 31. FR: January S 0, N 1, E 1 (B); February S 1, E 1 = C only (B is 45 days out), N 1 = C,
   * crr (1 - 1) / 1 = 0, churned 1, C buys twice (repeat 1/1, 2 orders, aov 6 / 2); March S 1, E 0 (C 38 days
   * out). UK starts in February (its first new customer): S 0, E 1; March S 1, E 1 (A 26 days), crr 1/1.
   */
  @Test
  void kpisPerBreakdownValue() {
    Dataset<Row> in = purchases(
        attributed("B", "2024-01-15", "6.00", "FR"),
        attributed("C", "2024-02-20", "4.00", "FR"), attributed("C", "2024-02-22", "2.00", "FR"),
        attributed("A", "2024-02-10", "10.00", "UK"), attributed("A", "2024-03-05", "20.00", "FR"));
    Dataset<Row> expected = table(KPI_BY,
        new Object[] {"month", "FR", "2024-01-01", "2024-01-31", true, 1 - 1, 1, 1, null, 0, 0, 0, null, 1, 0.0, 1,
            1.0, "6.00", "6.00"},
        new Object[] {"month", "FR", "2024-02-01", "2024-02-29", true, 1, 1, 1, 0.0, 0, 0, 1, 1.0, 1, 1.0, 2, 2.0,
            "3.00", "6.00"},
        new Object[] {"month", "FR", "2024-03-01", "2024-03-31", true, 1, 0, 0, 0.0, 0, 0, 1, 1.0, 0, null, 0, null,
            null, "0.00"},
        new Object[] {"month", "UK", "2024-02-01", "2024-02-29", true, 0, 1, 1, null, 0, 0, 0, null, 1, 0.0, 1, 1.0,
            "10.00", "10.00"},
        new Object[] {"month", "UK", "2024-03-01", "2024-03-31", true, 1, 0, 1, 1.0, 1, 0, 0, 0.0, 1, 0.0, 1, 1.0,
            "20.00", "20.00"});
    Dataset<Row> actual = RetentionKpis.compute(in, Fixtures.options(Grain.MONTH, "2024-03-31")
        .withActiveWindowDays(31).withBreakdown("Country"));
    SharedSpark.assertApproxRows(expected, actual.orderBy(BREAKDOWN, PERIOD_START), 1e-12);
  }

  private static Row attributed(String customer, String date, String amount, String country) {
    return order(customer, date + "T12:00:00Z", date, amount, Columns.KIND_PURCHASE, Map.of("Country", country));
  }
}
