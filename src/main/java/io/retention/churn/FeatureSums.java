package io.retention.churn;

import io.retention.metrics.CustomerActivity;
import io.retention.schema.ChurnColumns;
import io.retention.schema.Columns;
import io.retention.schema.EpochDays;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The per-customer sums of the churn features at cutoff c, one hub row ({@code customer_id}, {@code activity})
 * at a time in plain Java: Spark evaluates the higher-order SQL functions ({@code filter}, {@code aggregate})
 * these replace without code generation, one fold per sum.
 *
 * <p>Values, exactly as the SQL they replace, over the entries whose day is on or before c (an entry with a
 * NULL day is left out): the purchase days (days of entries with purchases &gt; 0, in the hub's day order);
 * purchase orders, in all and in the day windows (c &minus; 30, c], (c &minus; 90, c], (c &minus; 180, c] and
 * (c &minus; 180, c &minus; 90]; net, gross and net-in-window sums, exact in decimal, then as doubles, refunds =
 * gross &minus; net as doubles. A sum is NULL when one entry it adds is NULL. A row with no entry up to c gives
 * its sums as 0 and no purchase day (the caller drops customers without a purchase day).
 *
 * <p>The gaps between consecutive purchase days ({@link Gaps}), also as the SQL they replace: the longest (0 with
 * one purchase day), the standard deviation around the mean gap (last &minus; first) / (days &minus; 1), summed
 * in day order (0 with one purchase day), and the median (the middle gap, or the mean of the middle two; NULL
 * with fewer than two gaps).
 */
final class FeatureSums implements MapFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  static final StructType SCHEMA = new StructType()
      .add(Columns.CUSTOMER_ID, DataTypes.StringType, true)
      .add(ChurnFeatures.DAYS, DataTypes.createArrayType(DataTypes.DateType, true), true)
      .add(ChurnColumns.ORDERS, DataTypes.LongType, true)
      .add(ChurnColumns.NET_REVENUE, DataTypes.DoubleType, true)
      .add(ChurnFeatures.GROSS, DataTypes.DoubleType, true)
      .add(ChurnFeatures.REFUNDS, DataTypes.DoubleType, true)
      .add(ChurnColumns.ORDERS_LAST_90, DataTypes.LongType, true)
      .add(ChurnColumns.ORDERS_PREV_90, DataTypes.LongType, true)
      .add(ChurnColumns.ORDERS_LAST_30, DataTypes.LongType, true)
      .add(ChurnColumns.ORDERS_LAST_180, DataTypes.LongType, true)
      .add(ChurnColumns.SPEND_LAST_30, DataTypes.DoubleType, true)
      .add(ChurnColumns.SPEND_LAST_90, DataTypes.DoubleType, true)
      .add(ChurnColumns.SPEND_LAST_180, DataTypes.DoubleType, true)
      .add(ChurnColumns.MAX_GAP_DAYS, DataTypes.IntegerType, false)
      .add(ChurnColumns.GAP_STD_DAYS, DataTypes.DoubleType, false)
      .add(ChurnColumns.MEDIAN_GAP_DAYS, DataTypes.DoubleType, true);

  private final long cutoffDay;

  FeatureSums(LocalDate cutoff) {
    this.cutoffDay = cutoff.toEpochDay();
  }

  @Override
  public Row call(Row r) {
    return sums(r, cutoffDay);
  }

  private static Row sums(Row r, long c) {
    if (r.isNullAt(1)) {
      return RowFactory.create(r.getString(0), null, null, null, null, null, null, null, null, null, null, null,
          null, 0, 0.0, null);
    }
    List<Date> days = new ArrayList<>();
    Gaps gaps = new Gaps();
    Count orders = new Count();
    Count last30 = new Count();
    Count last90 = new Count();
    Count prev90 = new Count();
    Count last180 = new Count();
    Money net = new Money();
    Money gross = new Money();
    Money spend30 = new Money();
    Money spend90 = new Money();
    Money spend180 = new Money();
    for (Row x : r.<Row>getList(1)) {
      if (x == null || x.isNullAt(0)) {
        continue;
      }
      Date day = x.getDate(0);
      long d = EpochDays.of(day);
      if (d > c) {
        continue;
      }
      Long purchases = x.isNullAt(1) ? null : x.getLong(1);
      BigDecimal n = x.isNullAt(2) ? null : x.getDecimal(2);
      if (CustomerActivity.isPurchaseDay(purchases)) {
        days.add(day);
        gaps.add(d);
      }
      orders.add(purchases);
      net.add(n);
      gross.add(x.isNullAt(3) ? null : x.getDecimal(3));
      // the windows (c - n, c]; a day outside one adds 0, so its NULLs do not count there
      if (d > c - 30) {
        last30.add(purchases);
        spend30.add(n);
      }
      if (d > c - 90) {
        last90.add(purchases);
        spend90.add(n);
      } else if (d > c - 180) {
        prev90.add(purchases);
      }
      if (d > c - 180) {
        last180.add(purchases);
        spend180.add(n);
      }
    }
    Double netValue = net.value();
    Double grossValue = gross.value();
    Double refunds = netValue == null || grossValue == null ? null : grossValue - netValue;
    return RowFactory.create(r.getString(0), scala.jdk.javaapi.CollectionConverters.asScala(days).toSeq(),
        orders.value(), netValue, grossValue, refunds, last90.value(), prev90.value(), last30.value(),
        last180.value(), spend30.value(), spend90.value(), spend180.value(), gaps.max(), gaps.std(),
        gaps.median());
  }

  /** The gaps in days between consecutive purchase days, added in day order. */
  static final class Gaps {
    private int[] gaps = new int[8];
    private int n;
    private long first;
    private long last;
    private boolean any;

    void add(long day) {
      if (any) {
        if (n == gaps.length) {
          gaps = java.util.Arrays.copyOf(gaps, 2 * n);
        }
        gaps[n++] = (int) (day - last);
      } else {
        first = day;
        any = true;
      }
      last = day;
    }

    /** The longest gap; 0 without one. */
    int max() {
      int m = n == 0 ? 0 : gaps[0];
      for (int i = 1; i < n; i++) {
        m = Math.max(m, gaps[i]);
      }
      return m;
    }

    /** sqrt(sum of (gap - mean)^2 in order / gaps), mean = (last - first) / gaps; 0 without a gap. */
    double std() {
      if (n == 0) {
        return 0.0;
      }
      double mean = (double) (int) (last - first) / n;
      double acc = 0.0;
      for (int i = 0; i < n; i++) {
        acc = acc + (gaps[i] - mean) * (gaps[i] - mean);
      }
      return Math.sqrt(acc / n);
    }

    /** The middle gap, or the mean of the middle two; NULL with fewer than two gaps. */
    Double median() {
      if (n < 2) {
        return null;
      }
      int[] sorted = java.util.Arrays.copyOf(gaps, n);
      java.util.Arrays.sort(sorted);
      return n % 2 == 1 ? (double) sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
  }

  /** A sum of purchase counts: NULL once a NULL is added. */
  private static final class Count {
    private long sum;
    private boolean isNull;

    void add(Long v) {
      if (v == null) {
        isNull = true;
      } else {
        sum += v;
      }
    }

    Long value() {
      return isNull ? null : sum;
    }
  }

  /** An exact sum of amounts, NULL once a NULL is added, as a double (Spark's decimal-to-double cast). */
  private static final class Money {
    private BigDecimal sum = BigDecimal.ZERO;
    private boolean isNull;

    void add(BigDecimal v) {
      if (v == null) {
        isNull = true;
      } else {
        sum = sum.add(v);
      }
    }

    Double value() {
      return isNull ? null : sum.doubleValue();
    }
  }
}
