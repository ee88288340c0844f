package io.retention.clv;

import static io.retention.schema.ClvColumns.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RfmSummaryTest {
  private static final LocalDate END = LocalDate.parse("2024-01-29");

  /**
   * c1: two orders on day 1 (one purchase day), orders on day 8 and 15 (refund on 15 too), one after the end.
   * c2: a single purchase. c3: only a refund (no purchase day: not a customer here).
   */
  private static Dataset<Row> fixture() {
    return new PurchaseRows()
        .add("c1", "2024-01-01", "10.00").add("c1", "2024-01-01", "5.00")
        .add("c1", "2024-01-08", "20.00").add("c1", "2024-01-15", "30.00").add("c1", "2024-01-15", "-4.00")
        .add("c1", "2024-02-01", "99.00")
        .add("c2", "2024-01-22", "7.50")
        .add("c3", "2024-01-10", "-3.00")
        .frame();
  }

  @Test
  void followsTheLifetimesConventionInWeeks() {
    Dataset<Row> got = RfmSummary.compute(fixture(), new RfmSummary.Options(END, TimeUnit.WEEK));
    StructType schema = Schemas.struct(Schemas.field(Columns.CUSTOMER_ID, DataTypes.StringType),
        Schemas.field(FREQUENCY, DataTypes.LongType), Schemas.field(RECENCY, DataTypes.DoubleType),
        Schemas.field(AGE, DataTypes.DoubleType), Schemas.field(MONETARY_VALUE, DataTypes.DoubleType),
        Schemas.field(RECENCY_DAYS, DataTypes.IntegerType), Schemas.field(AGE_DAYS, DataTypes.IntegerType),
        Schemas.field(FIRST_PURCHASE, DataTypes.DateType), Schemas.field(LAST_PURCHASE, DataTypes.DateType),
        Schemas.field(ORDERS, DataTypes.LongType), Schemas.field(NET_REVENUE, Schemas.MONEY));
    Dataset<Row> expected = SharedSpark.get().createDataFrame(List.of(
        // frequency 2 repeat days (8th: 20, 15th: 30 purchases; the refund is not a purchase value)
        RowFactory.create("c1", 2L, 2.0, 4.0, 25.0, 14, 28, Date.valueOf("2024-01-01"), Date.valueOf("2024-01-15"),
            4L, new BigDecimal("61.00")),
        RowFactory.create("c2", 0L, 0.0, 1.0, 0.0, 0, 7, Date.valueOf("2024-01-22"), Date.valueOf("2024-01-22"),
            1L, new BigDecimal("7.50"))), schema);
    SharedSpark.assertSameRows(expected, got);
  }

  @Test
  void theSummaryFromThePerCustomerStateEqualsTheOneFromThePurchases() {
    RfmSummary.Options o = new RfmSummary.Options(END, TimeUnit.WEEK);
    Dataset<Row> state = io.retention.metrics.CustomerActivity.state(fixture(), false);
    SharedSpark.assertSameRows(RfmSummary.compute(fixture(), o), RfmSummary.fromState(state, o));
    Dataset<Row> cdnow = PurchaseRows.cdnowSample();
    RfmSummary.Options day = new RfmSummary.Options(LocalDate.parse("1997-09-30"), TimeUnit.DAY);
    SharedSpark.assertSameRows(RfmSummary.compute(cdnow, day),
        RfmSummary.fromState(io.retention.metrics.CustomerActivity.state(cdnow, false), day));
  }

  @Test
  void reproducesTheCdnowSummaryFromTheRawSample() {
    Dataset<Row> rfm = RfmSummary.compute(PurchaseRows.cdnowSample(),
        new RfmSummary.Options(LocalDate.parse("1997-09-30"), TimeUnit.WEEK));
    Map<String, Row> byId = new HashMap<>();
    for (Row r : rfm.collectAsList()) { // 2,357 rows: test-sized
      byId.put(r.getString(0), r);
    }
    List<String[]> summary = CdnowFiles.csv("cdnow_customers_summary_with_transactions.csv");
    assertThat(byId).hasSize(summary.size());
    for (String[] s : summary) {
      Row r = byId.get(String.format("%04d", Integer.parseInt(s[0])));
      assertThat(r.getLong(1)).as("frequency of %s", s[0]).isEqualTo(Long.parseLong(s[1]));
      assertThat(r.getDouble(2)).as("recency of %s", s[0]).isCloseTo(Double.parseDouble(s[2]), within(0.0051));
      assertThat(r.getDouble(3)).as("T of %s", s[0]).isCloseTo(Double.parseDouble(s[3]), within(0.0051));
      assertThat(r.getDouble(4)).as("monetary of %s", s[0]).isCloseTo(Double.parseDouble(s[4]), within(0.0051));
    }
  }

  @Test
  void fitsFromTheRawSampleMatchThePublishedValues() {
    Dataset<Row> rfm = RfmSummary.compute(PurchaseRows.cdnowSample(),
        new RfmSummary.Options(LocalDate.parse("1997-09-30"), TimeUnit.WEEK)).cache();
    ModelFit bg = BgNbd.fit(RfmSummary.patterns(rfm, TimeUnit.WEEK), 0);
    assertThat(bg.customers()).isEqualTo(2357);
    assertThat(bg.param("r")).isCloseTo(0.2426, within(0.005 * 0.2426));
    assertThat(bg.param("alpha")).isCloseTo(4.4135, within(0.005 * 4.4135));
    assertThat(bg.param("a")).isCloseTo(0.7929, within(0.005 * 0.7929));
    assertThat(bg.param("b")).isCloseTo(2.4258, within(0.005 * 2.4258));
    assertThat(bg.logLikelihood()).isCloseTo(-9582.4, within(0.1));
    ModelFit gg = GammaGamma.fit(RfmSummary.valuePatterns(rfm), 0, 0);
    assertThat(gg.param("p")).isCloseTo(6.2488, within(0.01 * 6.2488));
    assertThat(gg.param("q")).isCloseTo(3.7446, within(0.01 * 3.7446));
    assertThat(gg.param("v")).isCloseTo(15.4477, within(0.01 * 15.4477));
    rfm.unpersist();
  }
}
