package io.retention.metrics;

import static io.retention.metrics.Fixtures.purchase;
import static io.retention.metrics.Fixtures.purchases;
import static io.retention.metrics.Fixtures.table;
import static io.retention.schema.MetricsColumns.*;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.retention.testing.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PurchaseGapsTest {
  static final StructType GAPS_TABLE = Fixtures.schema(GRAIN, StringType, COHORT, DateType, TRANSITION, StringType,
      GAPS, LongType, MEAN_DAYS, DoubleType, P25_DAYS, DoubleType, P50_DAYS, DoubleType, P75_DAYS, DoubleType,
      P90_DAYS, DoubleType);

  @BeforeAll
  static void start() {
    SharedSpark.get();
  }

  /**
   * January cohort: A gaps 2, 7, 10, 12; B gaps 4, 21; C one purchase (no gap). February cohort: D orders
   * twice on 2 Feb (one purchase day) and on 3 Feb: one gap of 1 day.
   */
  private static Dataset<Row> fixture() {
    return purchases(
        purchase("A", "2024-01-01", "1.00"), purchase("A", "2024-01-03", "1.00"), purchase("A", "2024-01-10", "1.00"),
        purchase("A", "2024-01-20", "1.00"), purchase("A", "2024-02-01", "1.00"),
        purchase("B", "2024-01-05", "1.00"), purchase("B", "2024-01-09", "1.00"), purchase("B", "2024-01-30", "1.00"),
        purchase("C", "2024-01-07", "1.00"),
        purchase("D", "2024-02-02", "1.00"), purchase("D", "2024-02-02", "1.00"), purchase("D", "2024-02-03", "1.00"));
  }

  private static Dataset<Row> expected() {
    return table(GAPS_TABLE,
        new Object[] {"month", "2024-01-01", "1-2", 2, 3.0, 2.5, 3.0, 3.5, 3.8},
        new Object[] {"month", "2024-01-01", "2-3", 2, 14.0, 10.5, 14.0, 17.5, 19.6},
        new Object[] {"month", "2024-01-01", "3-4", 1, 10.0, 10.0, 10.0, 10.0, 10.0},
        new Object[] {"month", "2024-01-01", "4+", 1, 12.0, 12.0, 12.0, 12.0, 12.0},
        new Object[] {"month", "2024-01-01", "all", 6, 56.0 / 6, 4.75, 8.5, 11.5, 16.5},
        new Object[] {"month", "2024-02-01", "1-2", 1, 1.0, 1.0, 1.0, 1.0, 1.0},
        new Object[] {"month", "2024-02-01", "all", 1, 1.0, 1.0, 1.0, 1.0, 1.0});
  }

  @Test
  void gapsPerCohortAndTransitionWithExactPercentiles() {
    Dataset<Row> actual = PurchaseGaps.compute(fixture(), Fixtures.options(Grain.MONTH, "2024-02-03"))
        .orderBy(COHORT, TRANSITION);
    SharedSpark.assertApproxRows(expected(), actual, 1e-9);
  }

  /** Approximate percentiles take another path: its transitions, gap counts and means are the same exact values. */
  @Test
  void approximatePercentilesKeepTheTransitionsCountsAndMeans() {
    MetricsStage.Options exact = Fixtures.options(Grain.MONTH, "2024-02-03");
    MetricsStage.Options approximate = new MetricsStage.Options(exact.grain(), exact.asOf(),
        exact.activeWindowDays(), null, MetricsStage.PERCENTILES_APPROXIMATE);
    Dataset<Row> actual = PurchaseGaps.compute(fixture(), approximate).orderBy(COHORT, TRANSITION);
    SharedSpark.assertApproxRows(expected().select(COHORT, TRANSITION, GAPS, MEAN_DAYS),
        actual.select(COHORT, TRANSITION, GAPS, MEAN_DAYS), 1e-9);
  }
}
