package io.retention.metrics;

import io.retention.schema.Columns;
import io.retention.schema.EpochDays;
import io.retention.schema.GoldSchemas;
import io.retention.schema.MetricsColumns;
import io.retention.schema.Schemas;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The rows of gold.customers ({@link CustomerSummary}) in plain Java, one per-customer view row at a time (the
 * gaps, their sum, sort and median used to be higher-order SQL functions, which Spark evaluates without code
 * generation). Input rows: {@code customer_id}, the breakdown value when asked for, {@code days}, {@code orders},
 * {@code net_revenue}. A row with NULL or empty {@code days} gives no row.
 *
 * <p>Values, exactly as the SQL they replace: aov = net_revenue / orders rounded half up to cents (NULL when
 * either is NULL or orders is 0); day differences as INT; mean gap = (long) sum of gaps / count as a double;
 * median gap = the middle sorted gap, or the INT sum of the middle two / 2.0; mean, median and last gap NULL
 * with a single purchase day.
 */
final class CustomerRows implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** With a previous date: days since the last purchase day up to it (NULL: no purchase day by then). */
  static final String PREVIOUS_DAYS_SINCE_LAST = "__previous_days_since_last";
  /** With a previous date: purchase orders up to it. */
  static final String PREVIOUS_ORDERS = "__previous_orders";
  /** With a previous date: net revenue up to it. */
  static final String PREVIOUS_NET_REVENUE = "__previous_net_revenue";

  private final Grain grain;
  private final LocalDate asOf;
  private final boolean breakdown;
  /** The view at the previous date (null: none), applied to each row's lines. */
  private final ActivityViewRows previous;

  CustomerRows(Grain grain, LocalDate asOf, boolean breakdown) {
    this(grain, asOf, breakdown, null, false);
  }

  /**
   * With {@code previous} (on or before as-of), each row also carries the customer's RFM inputs at that date
   * ({@link #PREVIOUS_DAYS_SINCE_LAST}, {@link #PREVIOUS_ORDERS}, {@link #PREVIOUS_NET_REVENUE}): the view at
   * that date ({@link ActivityViewRows}, {@code ansi} as there) of the view's {@code lines} (the last input
   * column); all three NULL for a customer without a purchase day by then.
   */
  CustomerRows(Grain grain, LocalDate asOf, boolean breakdown, LocalDate previous, boolean ansi) {
    this.grain = grain;
    this.asOf = asOf;
    this.breakdown = breakdown;
    this.previous = previous == null ? null : new ActivityViewRows(previous, null, ansi);
  }

  /** As {@link #schema(boolean)}, with the previous-date columns appended when {@code previous}. */
  static StructType schema(boolean breakdown, boolean previous) {
    StructType s = schema(breakdown);
    return !previous ? s : s.add(PREVIOUS_DAYS_SINCE_LAST, DataTypes.IntegerType, true)
        .add(PREVIOUS_ORDERS, DataTypes.LongType, true)
        .add(PREVIOUS_NET_REVENUE, Schemas.MONEY, true);
  }

  /** The figures of gold.customers ({@link GoldSchemas#CUSTOMER_FIGURES}; breakdown after cohort when asked for). */
  static StructType schema(boolean breakdown) {
    if (!breakdown) {
      return GoldSchemas.CUSTOMER_FIGURES;
    }
    org.apache.spark.sql.types.StructField[] f = GoldSchemas.CUSTOMER_FIGURES.fields();
    StructType s = new StructType().add(f[0]).add(f[1]).add(f[2])
        .add(MetricsColumns.BREAKDOWN, DataTypes.StringType, true);
    for (int i = 3; i < f.length; i++) {
      s = s.add(f[i]);
    }
    return s;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    return new Iterator<>() {
      private Row next;

      @Override
      public boolean hasNext() {
        while (next == null && rows.hasNext()) {
          next = customer(rows.next());
        }
        return next != null;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Row r = next;
        next = null;
        return r;
      }
    };
  }

  private Row customer(Row r) {
    int off = breakdown ? 1 : 0;
    if (r.isNullAt(off + 1)) {
      return null;
    }
    List<Date> days = r.getList(off + 1);
    int size = days.size();
    if (size == 0) {
      return null;
    }
    long asOfDay = asOf.toEpochDay();
    LocalDate f = EpochDays.localDate(days.get(0));
    LocalDate l = EpochDays.localDate(days.get(size - 1));
    int n = size - 1;
    int[] gaps = new int[n];
    for (int i = 1; i < size; i++) {
      gaps[i - 1] = (int) (EpochDays.of(days.get(i)) - EpochDays.of(days.get(i - 1)));
    }
    Object orders = r.get(off + 2);
    BigDecimal net = r.isNullAt(off + 3) ? null : r.getDecimal(off + 3);
    BigDecimal aov = net == null || orders == null || (Long) orders == 0L ? null
        : net.divide(BigDecimal.valueOf((Long) orders), 2, RoundingMode.HALF_UP);
    Object[] v = new Object[(breakdown ? 16 : 15) + (previous == null ? 0 : 3)];
    int i = 0;
    v[i++] = r.getString(0);
    v[i++] = grain.id();
    v[i++] = Date.valueOf(grain.startOf(grain.periodOf(f)));
    if (breakdown) {
      v[i++] = r.get(1);
    }
    v[i++] = days.get(0);
    v[i++] = days.get(size - 1);
    v[i++] = orders;
    v[i++] = net;
    v[i++] = aov;
    v[i++] = n;
    v[i++] = (int) (l.toEpochDay() - f.toEpochDay());
    v[i++] = (int) (asOfDay - f.toEpochDay());
    v[i++] = n == 0 ? null : mean(gaps);
    v[i++] = n == 0 ? null : median(gaps);
    v[i++] = n == 0 ? null : gaps[n - 1];
    v[i++] = (int) (asOfDay - l.toEpochDay());
    if (previous != null) {
      previousFigures(r.getString(0), r.get(r.length() - 1), v, i);
    }
    return RowFactory.create(v);
  }

  /**
   * v[i..i+2]: days since the last purchase day, orders and net revenue up to the previous date, from the view at
   * that date of the entries {@code lines} (left NULL without a purchase day by then).
   */
  private void previousFigures(String id, Object lines, Object[] v, int i) {
    Row then = previous.view(RowFactory.create(id, lines));
    if (then == null || then.isNullAt(2) || then.getList(2).isEmpty()) {
      return;
    }
    List<Date> days = then.getList(2);
    v[i] = (int) (previous.asOf().toEpochDay() - EpochDays.of(days.get(days.size() - 1)));
    v[i + 1] = then.get(3);
    v[i + 2] = then.get(4);
  }

  /** The (long) sum of the gaps / their count. */
  private static double mean(int[] gaps) {
    long sum = 0;
    for (int g : gaps) {
      sum += g;
    }
    return (double) sum / gaps.length;
  }

  /** The middle sorted gap, or the INT sum of the middle two / 2.0. */
  private static double median(int[] gaps) {
    int[] sorted = gaps.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? (double) sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }
}
