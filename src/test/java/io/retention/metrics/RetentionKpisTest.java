package io.retention.metrics;

import static io.retention.metrics.Fixtures.purchase;
import static io.retention.metrics.Fixtures.purchases;
import static io.retention.metrics.Fixtures.refund;
import static io.retention.metrics.Fixtures.table;
import static io.retention.schema.MetricsColumns.*;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RetentionKpisTest {
  static final StructType KPI_TABLE = Fixtures.schema(GRAIN, StringType, PERIOD_START, DateType, PERIOD_END,
      DateType, IS_COMPLETE, BooleanType, CUSTOMERS_START, LongType, CUSTOMERS_NEW, LongType, CUSTOMERS_END,
      LongType, CRR, DoubleType, RETAINED, LongType, REACTIVATED, LongType, CHURNED, LongType, CHURN_RATE,
      DoubleType, BUYERS, LongType, REPEAT_PURCHASE_RATE, DoubleType, ORDERS, LongType, PURCHASE_FREQUENCY,
      DoubleType, AOV, Schemas.MONEY, NET_REVENUE, Schemas.MONEY);

  @BeforeAll
  static void start() {
    SharedSpark.get();
  }

  /**
   * Window 30 days. A: two orders on 10 Jan (same day) and one on 25 Jan, back on 20 May (reactivated after
   * the window). B: 15 Jan and 10 Feb, refund in March. C: new in March. D: only a refund in April.
   */
  static Dataset<Row> reactivationFixture() {
    return purchases(
        purchase("A", "2024-01-10", "10.00"), purchase("A", "2024-01-10", "6.00"), purchase("A", "2024-01-25", "4.00"),
        purchase("A", "2024-05-20", "50.00"),
        purchase("B", "2024-01-15", "20.00"), purchase("B", "2024-02-10", "30.00"), refund("B", "2024-03-12", "-5.00"),
        purchase("C", "2024-03-05", "12.00"),
        refund("D", "2024-04-02", "-3.00"));
  }

  static List<Object[]> reactivationRows() {
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {"month", "2024-01-01", "2024-01-31", true, 0, 2, 2, null, 0, 0, 0, null, 2, 0.5, 4, 2.0, "10.00", "40.00"});
    rows.add(new Object[] {"month", "2024-02-01", "2024-02-29", true, 2, 0, 1, 0.5, 1, 0, 1, 0.5, 1, 0.0, 1, 1.0, "30.00", "30.00"});
    rows.add(new Object[] {"month", "2024-03-01", "2024-03-31", true, 1, 1, 1, 0.0, 0, 0, 1, 1.0, 1, 0.0, 1, 1.0, "7.00", "7.00"});
    rows.add(new Object[] {"month", "2024-04-01", "2024-04-30", true, 1, 0, 0, 0.0, 0, 0, 1, 1.0, 0, null, 0, null, null, "-3.00"});
    rows.add(new Object[] {"month", "2024-05-01", "2024-05-31", true, 0, 0, 1, null, 0, 1, 0, null, 1, 0.0, 1, 1.0, "50.00", "50.00"});
    rows.add(new Object[] {"month", "2024-06-01", "2024-06-30", true, 1, 0, 0, 0.0, 0, 0, 1, 1.0, 0, null, 0, null, null, "0.00"});
    return rows;
  }

  private static Dataset<Row> kpis(Dataset<Row> in, String asOf, int window) {
    return RetentionKpis.compute(in, Fixtures.options(Grain.MONTH, asOf).withActiveWindowDays(window))
        .orderBy(PERIOD_START);
  }

  @Test
  void reactivationAfterTheActiveWindowRefundsAndSameDayOrders() {
    Dataset<Row> expected = table(KPI_TABLE, reactivationRows().toArray(new Object[0][]));
    SharedSpark.assertApproxRows(expected, kpis(reactivationFixture(), "2024-06-30", 30), 1e-12);
  }

  /** As of 15 June, June is unfinished: E is the base on 15 June, and the row says so. */
  @Test
  void incompleteLastPeriodUsesTheAsOfDate() {
    List<Object[]> rows = reactivationRows();
    rows.set(5, new Object[] {"month", "2024-06-01", "2024-06-30", false, 1, 0, 1, 1.0, 1, 0, 0, 0.0, 0, null, 0,
        null, null, "0.00"});
    Dataset<Row> expected = table(KPI_TABLE, rows.toArray(new Object[0][]));
    SharedSpark.assertApproxRows(expected, kpis(reactivationFixture(), "2024-06-15", 30), 1e-12);
  }

  /**
   * DESIGN §5: S = 100 at the start of February 2024, 3 of them lost during it (last purchase 15 Nov, outside
   * the 90-day window on 29 Feb), 10 new, E = 107 → crr = 0.97.
   */
  @Test
  void designWorkedExample() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      rows.add(purchase("lost-" + i, "2023-11-15", "1.00"));
    }
    for (int i = 0; i < 97; i++) {
      rows.add(purchase("kept-" + i, "2024-01-15", "1.00"));
    }
    for (int i = 0; i < 10; i++) {
      rows.add(purchase("new-" + i, "2024-02-10", "1.00"));
    }
    Dataset<Row> expected = table(KPI_TABLE,
        new Object[] {"month", "2023-11-01", "2023-11-30", true, 0, 3, 3, null, 0, 0, 0, null, 3, 0.0, 3, 1.0, "1.00", "3.00"},
        new Object[] {"month", "2023-12-01", "2023-12-31", true, 3, 0, 3, 1.0, 3, 0, 0, 0.0, 0, null, 0, null, null, "0.00"},
        new Object[] {"month", "2024-01-01", "2024-01-31", true, 3, 97, 100, 1.0, 3, 0, 0, 0.0, 97, 0.0, 97, 1.0, "1.00", "97.00"},
        new Object[] {"month", "2024-02-01", "2024-02-29", true, 100, 10, 107, 0.97, 97, 0, 3, 0.03, 10, 0.0, 10, 1.0, "1.00", "10.00"});
    SharedSpark.assertApproxRows(expected, kpis(purchases(rows), "2024-02-29", 90), 1e-12);
  }
}
