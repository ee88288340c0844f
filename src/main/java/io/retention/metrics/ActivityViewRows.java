package io.retention.metrics;

import io.retention.schema.EpochDays;
import io.retention.schema.MetricsColumns;
import io.retention.schema.Schemas;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The per-customer view of {@link CustomerActivity#view} in plain Java, one state row at a time (the filters,
 * transforms and folds over the activity array used to be higher-order SQL functions, which Spark evaluates
 * without code generation). Input rows: {@code customer_id}, {@code activity} and, with a breakdown, the
 * {@code first_attributes} map. A state row whose activity has no entry on or before as-of gives no row.
 *
 * <p>Values, exactly as the SQL they replace: {@code lines} are the entries whose day is on or before as-of
 * (an entry with a NULL day or a NULL entry is dropped); {@code days} the days of those with purchases &gt; 0;
 * {@code orders} the sum of their purchases (NULL when one is NULL); {@code net_revenue} the exact sum of their
 * net amounts as DECIMAL(18,2) (NULL when one is NULL). A net revenue beyond DECIMAL(18,2) (|v| &ge; 10^16) is an
 * error naming the customer when {@code spark.sql.ansi.enabled} (Spark 4's default, where the CAST it replaces
 * raises one too) and NULL otherwise (what that CAST gives without ANSI). The breakdown value is the
 * first-purchase attribute, NULL when the map or the key is absent.
 */
final class ActivityViewRows implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private static final BigDecimal LIMIT = BigDecimal.TEN.pow(16);

  private final LocalDate asOf;
  private final String breakdown;
  private final boolean ansi;

  ActivityViewRows(LocalDate asOf, String breakdown, boolean ansi) {
    this.asOf = asOf;
    this.breakdown = breakdown;
    this.ansi = ansi;
  }

  /** The last day the view keeps. */
  LocalDate asOf() {
    return asOf;
  }

  /** The output schema for the given state schema (its {@code activity} entry type is kept for {@code lines}). */
  static StructType schema(StructType state, boolean breakdown) {
    ArrayType activity = (ArrayType) state.apply(CustomerActivity.ACTIVITY).dataType();
    StructType s = new StructType()
        .add(io.retention.schema.Columns.CUSTOMER_ID, DataTypes.StringType, true)
        .add(CustomerActivity.LINES, activity, true)
        .add(CustomerActivity.DAYS, DataTypes.createArrayType(DataTypes.DateType, true), true)
        .add(MetricsColumns.ORDERS, DataTypes.LongType, true)
        .add(MetricsColumns.NET_REVENUE, Schemas.MONEY, true);
    return breakdown ? s.add(MetricsColumns.BREAKDOWN, DataTypes.StringType, true) : s;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    return new Iterator<>() {
      private Row next;

      @Override
      public boolean hasNext() {
        while (next == null && rows.hasNext()) {
          next = view(rows.next());
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

  /**
   * The view row of one state row ({@code customer_id}, {@code activity}[, first attributes]), or null when it
   * has no entry on or before as-of.
   */
  Row view(Row r) {
    if (r.isNullAt(1)) {
      return null;
    }
    List<Row> activity = r.getList(1);
    List<Row> lines = new ArrayList<>(activity.size());
    List<Date> days = new ArrayList<>(activity.size());
    long orders = 0;
    boolean ordersNull = false;
    BigDecimal net = BigDecimal.ZERO.setScale(2);
    boolean netNull = false;
    long last = asOf.toEpochDay();
    for (Row x : activity) {
      if (x == null || x.isNullAt(0) || EpochDays.of(x.getDate(0)) > last) {
        continue;
      }
      lines.add(x);
      if (x.isNullAt(1)) {
        ordersNull = true;
      } else {
        long p = x.getLong(1);
        orders += p;
        if (CustomerActivity.isPurchaseDay(p)) {
          days.add(x.getDate(0));
        }
      }
      if (x.isNullAt(2)) {
        netNull = true;
      } else {
        net = net.add(x.getDecimal(2));
      }
    }
    if (lines.isEmpty()) {
      return null;
    }
    String id = r.getString(0);
    BigDecimal revenue = netNull ? null : revenue(id, net, ansi);
    Object seqLines = lines.size() == activity.size() ? r.get(1) : seq(lines);
    Object b = null;
    if (breakdown != null && !r.isNullAt(2)) {
      Map<String, String> attrs = r.getJavaMap(2);
      b = attrs.get(breakdown);
    }
    return breakdown == null
        ? RowFactory.create(id, seqLines, seq(days), ordersNull ? null : orders, revenue)
        : RowFactory.create(id, seqLines, seq(days), ordersNull ? null : orders, revenue, b);
  }

  /** The exact sum as DECIMAL(18,2): an error (ANSI) or NULL when it does not fit. */
  private static BigDecimal revenue(String id, BigDecimal net, boolean ansi) {
    BigDecimal revenue = net.setScale(2);
    if (revenue.abs().compareTo(LIMIT) < 0) {
      return revenue;
    }
    if (ansi) {
      throw new ArithmeticException("metrics: the net revenue of customer " + id + " (" + revenue.toPlainString()
          + ") does not fit DECIMAL(18,2)");
    }
    return null;
  }

  private static <T> scala.collection.Seq<T> seq(List<T> list) {
    return scala.jdk.javaapi.CollectionConverters.asScala(list).toSeq();
  }
}
