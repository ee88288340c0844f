package io.retention.metrics;

import io.retention.schema.EpochDays;
import io.retention.schema.MetricsColumns;
import io.retention.schema.Schemas;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The per-period sums behind gold.retention_kpis, pre-aggregated per partition of the per-customer view (what
 * {@link RetentionKpis} documents, computed in plain Java instead of higher-order SQL functions, which Spark
 * evaluates without code generation and which made the per-customer event explode the slowest step of the
 * metrics stage). Input rows: the breakdown value (only with a breakdown), {@code days} (sorted distinct
 * purchase days) and {@code lines} (the per-day entries up to as-of). Output: one row per (breakdown value,)
 * period seen in the partition, so only periods × partitions rows are shuffled; nothing customer-level leaves
 * the executor.
 *
 * <p>Per customer with a purchase day: the "base" runs [s, e] of period numbers (a purchase day d puts the
 * customer in the base at the end of periods period(d) .. period(d + window + 1) - 1, the as-of period when
 * d + window reaches as-of), +1 to E ({@code de}) at a run start and to retained ({@code dr}) the period after,
 * -1 to both after a run's end (overlapping or adjacent runs merge); one buyer event ({@code b}) per period with
 * a purchase day and one repeat event ({@code rp}) at its second purchase day; one new customer ({@code nw}) in
 * the first purchase period, also new-in-E ({@code ne}) when the first run starts there. Every customer's
 * per-day entries add their net amount and purchase orders to the day's period. Periods after as-of are
 * dropped.
 */
final class KpiEvents implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  static final String N = "n";
  static final String[] COUNTS = {"de", "dr", "b", "rp", "nw", "ne"};
  static final String NET = "net";
  static final String ORDERS = "orders";

  /** Output columns: the breakdown value (with a breakdown), the period, the counts, net and orders. */
  static StructType schema(boolean breakdown) {
    StructType s = new StructType();
    if (breakdown) {
      s = s.add(MetricsColumns.BREAKDOWN, DataTypes.StringType, true);
    }
    s = s.add(N, DataTypes.IntegerType, false);
    for (String c : COUNTS) {
      s = s.add(c, DataTypes.LongType, false);
    }
    return s.add(NET, Schemas.MONEY_SUM, true).add(ORDERS, DataTypes.LongType, false);
  }

  private final Grain grain;
  private final LocalDate asOf;
  private final int window;
  private final int last;
  private final boolean breakdown;

  KpiEvents(Grain grain, LocalDate asOf, int window, boolean breakdown) {
    this.grain = grain;
    this.asOf = asOf;
    this.window = window;
    this.last = grain.periodOf(asOf);
    this.breakdown = breakdown;
  }

  private record Key(String breakdown, int n) {}

  /** Sums of one period. */
  private static final class Sums {
    final long[] counts = new long[COUNTS.length];
    BigDecimal net;
    long orders;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    Map<Key, Sums> out = new HashMap<>();
    int off = breakdown ? 1 : 0;
    while (rows.hasNext()) {
      Row r = rows.next();
      String b = breakdown ? r.getString(0) : null;
      List<Date> days = r.getList(off);
      if (!days.isEmpty()) {
        customer(days, out, b);
      }
      List<Row> lines = r.getList(off + 1);
      for (Row x : lines) {
        Sums s = out.computeIfAbsent(new Key(b, grain.periodOf(EpochDays.localDate(x.getDate(0)))), k -> new Sums());
        s.orders += x.getLong(1);
        if (!x.isNullAt(2)) {
          BigDecimal net = x.getDecimal(2);
          s.net = s.net == null ? net : s.net.add(net);
        }
      }
    }
    List<Row> result = new ArrayList<>(out.size());
    for (Map.Entry<Key, Sums> e : out.entrySet()) {
      List<Object> v = new ArrayList<>(COUNTS.length + 4);
      if (breakdown) {
        v.add(e.getKey().breakdown());
      }
      v.add(e.getKey().n());
      for (long c : e.getValue().counts) {
        v.add(c);
      }
      v.add(e.getValue().net);
      v.add(e.getValue().orders);
      result.add(RowFactory.create(v.toArray()));
    }
    return result.iterator();
  }

  private void customer(List<Date> days, Map<Key, Sums> out, String b) {
    int size = days.size();
    int[] q = new int[size];
    int[] rs = new int[size];
    int[] re = new int[size];
    int runs = 0;
    for (int j = 0; j < size; j++) {
      LocalDate d = EpochDays.localDate(days.get(j));
      q[j] = grain.periodOf(d);
      int e = !d.plusDays(window).isBefore(asOf) ? last : grain.periodOf(d.plusDays(window + 1L)) - 1;
      if (e >= q[j]) {
        rs[runs] = q[j];
        re[runs] = e;
        runs++;
      }
    }
    for (int i = 0; i < runs; i++) {
      long starts = i == 0 || rs[i] > re[i - 1] + 1 ? 1 : 0;
      long ends = i == runs - 1 || rs[i + 1] > re[i] + 1 ? 1 : 0;
      add(out, b, rs[i], 0, starts);
      add(out, b, rs[i] + 1, 1, starts);
      add(out, b, re[i] + 1, 0, -ends);
      add(out, b, re[i] + 1, 1, -ends);
    }
    for (int j = 0; j < size; j++) {
      boolean firstOfPeriod = j == 0 || q[j - 1] != q[j];
      add(out, b, q[j], 2, firstOfPeriod ? 1 : 0);
      boolean secondOfPeriod = !firstOfPeriod && (j == 1 || q[j - 2] != q[j]);
      add(out, b, q[j], 3, secondOfPeriod ? 1 : 0);
    }
    add(out, b, q[0], 4, 1);
    add(out, b, q[0], 5, runs > 0 && rs[0] == q[0] ? 1 : 0);
  }

  /** Adds {@code v} to count {@code i} of period {@code n} (periods after as-of are dropped). */
  private void add(Map<Key, Sums> out, String b, int n, int i, long v) {
    if (n <= last) {
      out.computeIfAbsent(new Key(b, n), k -> new Sums()).counts[i] += v;
    }
  }
}
