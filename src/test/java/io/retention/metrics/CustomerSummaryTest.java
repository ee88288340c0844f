package io.retention.metrics;

import static io.retention.metrics.Fixtures.purchase;
import static io.retention.metrics.Fixtures.purchases;
import static io.retention.metrics.Fixtures.refund;
import static io.retention.metrics.Fixtures.table;
import static io.retention.schema.MetricsColumns.*;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CustomerSummaryTest {
  static final StructType CUSTOMERS = Fixtures.schema(Columns.CUSTOMER_ID, StringType, GRAIN, StringType, COHORT,
      DateType, FIRST_ORDER_DATE, DateType, LAST_ORDER_DATE, DateType, ORDERS, LongType, NET_REVENUE,
      Schemas.MONEY, AOV, Schemas.MONEY, FREQUENCY, IntegerType, RECENCY_DAYS, IntegerType, AGE_DAYS, IntegerType,
      MEAN_GAP_DAYS, DoubleType, MEDIAN_GAP_DAYS, DoubleType, LAST_GAP_DAYS, IntegerType, DAYS_SINCE_LAST,
      IntegerType);

  @BeforeAll
  static void start() {
    SharedSpark.get();
  }

  /**
   * A: same-day orders, a refund (reduces revenue, is not activity). B: one purchase day (no gaps).
   * C: only a refund (not a customer of any cohort). D: three gaps (odd count: the median is the middle one).
   */
  @Test
  void oneRowPerBuyingCustomer() {
    Dataset<Row> in = purchases(
        purchase("A", "2024-01-05", "10.00"), purchase("A", "2024-01-05", "5.00"), purchase("A", "2024-01-15", "20.00"),
        purchase("A", "2024-02-14", "10.00"), refund("A", "2024-02-20", "-5.00"),
        purchase("B", "2024-02-01", "7.00"),
        refund("C", "2024-02-10", "-9.00"),
        purchase("D", "2024-01-01", "2.50"), purchase("D", "2024-01-02", "2.50"), purchase("D", "2024-01-10", "2.50"),
        purchase("D", "2024-02-10", "2.50"),
        purchase("D", "2024-03-02", "2.50"));
    Dataset<Row> expected = table(CUSTOMERS,
        new Object[] {"A", "month", "2024-01-01", "2024-01-05", "2024-02-14", 4, "40.00", "10.00", 2, 40, 56, 20.0, 20.0, 30, 16},
        new Object[] {"B", "month", "2024-02-01", "2024-02-01", "2024-02-01", 1, "7.00", "7.00", 0, 0, 29, null, null, null, 29},
        new Object[] {"D", "month", "2024-01-01", "2024-01-01", "2024-02-10", 4, "10.00", "2.50", 3, 40, 60, 40.0 / 3, 8.0, 31, 20});
    Dataset<Row> actual = CustomerSummary.compute(in, Fixtures.options(Grain.MONTH, "2024-03-01"))
        .orderBy(Columns.CUSTOMER_ID);
    SharedSpark.assertApproxRows(expected, actual, 1e-9);
  }

  /** Even number of gaps: the median averages the middle two (exact, linear interpolation). */
  @Test
  void medianOfAnEvenNumberOfGaps() {
    Dataset<Row> in = purchases(purchase("E", "2024-01-01", "1.00"), purchase("E", "2024-01-04", "1.00"),
        purchase("E", "2024-01-14", "1.00"), purchase("E", "2024-01-15", "1.00"), purchase("E", "2024-01-22", "1.00"));
    Dataset<Row> expected = table(CUSTOMERS,
        new Object[] {"E", "week", "2024-01-01", "2024-01-01", "2024-01-22", 5, "5.00", "1.00", 4, 21, 21, 5.25, 5.0, 7, 0});
    SharedSpark.assertApproxRows(expected, CustomerSummary.compute(in, MetricsStage.Options.defaults()
        .withGrain(Grain.WEEK)), 1e-9);
  }
}
