package io.retention.metrics;

import io.retention.schema.EpochDays;
import io.retention.schema.MetricsColumns;
import io.retention.schema.Schemas;
import java.math.BigDecimal;
import java.sql.Date;
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
 * The per-(cohort, period index) sums behind gold.cohort_retention ({@link CohortRetention#fromActivity}),
 * pre-aggregated per partition of the per-customer view in plain Java (higher-order SQL lambdas and the
 * per-customer explode run interpreted in Spark and were the slowest part of the table). Input rows: the
 * breakdown value (only with a breakdown), {@code days} (sorted distinct purchase days, non-empty) and
 * {@code lines} (per-day entries up to as-of). Per customer of cohort c = period(first purchase day): +1
 * active customer at k = p - c for each distinct purchase period p, its per-day net amounts at
 * k = max(period(day) - c, 0) (a refund before the first purchase counts in period 0), and one "last active
 * period" marker at the last purchase period, and its capped amount min(max(net_k, 0), max(net_0, 0)) at each k
 * with an entry (net_k: its net amount in period c + k; at k = 0 the capped sum is the cohort's positive period-0
 * base). Output: one row per (breakdown, c, k) seen in the partition; nothing customer-level leaves the executor.
 */
final class CohortCells implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  static final String C = "c";
  static final String K = "k";
  static final String ACT = "act";
  static final String REV = "rev";
  static final String ENDS = "ends";
  static final String CAP = "cap";
  private static final BigDecimal ZERO = new BigDecimal("0.00");

  private final Grain grain;
  private final boolean breakdown;

  CohortCells(Grain grain, boolean breakdown) {
    this.grain = grain;
    this.breakdown = breakdown;
  }

  static StructType schema(boolean breakdown) {
    StructType s = new StructType();
    if (breakdown) {
      s = s.add(MetricsColumns.BREAKDOWN, DataTypes.StringType, true);
    }
    return s.add(C, DataTypes.IntegerType, false).add(K, DataTypes.IntegerType, false)
        .add(ACT, DataTypes.LongType, false).add(REV, Schemas.MONEY_SUM, true).add(ENDS, DataTypes.LongType, false)
        .add(CAP, Schemas.MONEY_SUM, false);
  }

  private record Key(String breakdown, int c, int k) {}

  /** Sums of one cell; {@code rev} stays NULL while only NULL amounts were added (SQL sum semantics). */
  private static final class Sums {
    long act;
    BigDecimal rev;
    long ends;
    BigDecimal cap = ZERO;

    void rev(BigDecimal v) {
      if (v != null) {
        rev = rev == null ? v : rev.add(v);
      }
    }
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    Map<Key, Sums> out = new HashMap<>();
    int off = breakdown ? 1 : 0;
    while (rows.hasNext()) {
      Row r = rows.next();
      String b = breakdown ? r.getString(0) : null;
      List<Date> days = r.getList(off);
      if (days.isEmpty()) {
        continue;
      }
      int c = grain.periodOf(EpochDays.localDate(days.get(0)));
      int previous = Integer.MIN_VALUE;
      for (Date d : days) {
        int p = grain.periodOf(EpochDays.localDate(d));
        if (p != previous) {
          Sums s = cell(out, b, c, p - c);
          s.act += 1;
          s.rev(ZERO);
          previous = p;
        }
      }
      Sums marker = cell(out, b, c, previous - c);
      marker.ends += 1;
      marker.rev(ZERO);
      revenue(out, b, c, r.getList(off + 1));
    }
    List<Row> result = new ArrayList<>(out.size());
    for (Map.Entry<Key, Sums> e : out.entrySet()) {
      Key key = e.getKey();
      Sums s = e.getValue();
      result.add(breakdown
          ? RowFactory.create(key.breakdown(), key.c(), key.k(), s.act, s.rev, s.ends, s.cap)
          : RowFactory.create(key.c(), key.k(), s.act, s.rev, s.ends, s.cap));
    }
    return result.iterator();
  }

  /**
   * Adds one customer's per-day net amounts to their cells and, per period k, the capped amount
   * min(max(net_k, 0), base) with base = max(net_0, 0).
   */
  private void revenue(Map<Key, Sums> out, String b, int c, List<Row> lines) {
    Map<Integer, BigDecimal> net = new HashMap<>();
    for (Row x : lines) {
      int k = Math.max(grain.periodOf(EpochDays.localDate(x.getDate(0))) - c, 0);
      BigDecimal v = x.isNullAt(2) ? null : x.getDecimal(2);
      cell(out, b, c, k).rev(v);
      net.merge(k, v == null ? ZERO : v, BigDecimal::add);
    }
    BigDecimal base = net.getOrDefault(0, ZERO).max(ZERO);
    for (Map.Entry<Integer, BigDecimal> e : net.entrySet()) {
      Sums s = cell(out, b, c, e.getKey());
      s.cap = s.cap.add(e.getValue().max(ZERO).min(base));
    }
  }

  private static Sums cell(Map<Key, Sums> out, String b, int c, int k) {
    return out.computeIfAbsent(new Key(b, c, k), x -> new Sums());
  }

}
