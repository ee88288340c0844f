package io.retention.metrics;

import io.retention.schema.EpochDays;
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
 * The gaps of gold.purchase_gaps counted per (cohort, transition, gap length) in plain Java, one partition of
 * per-customer view rows ({@code days}, sorted purchase days) at a time: a customer's cohort is the grain period of
 * its first purchase day ({@link Grain#periodOf}), each gap between consecutive purchase days is counted under its
 * transition ({@link PurchaseGaps#TRANSITIONS}) and under {@code all}. Gaps are whole days, so a partition emits
 * at most cohorts &times; 5 &times; distinct lengths rows, not one row per gap; the counts of the same key from
 * different partitions are summed by the caller.
 */
final class GapCounts implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  static final StructType SCHEMA = new StructType()
      .add("c", DataTypes.IntegerType, false)
      .add("t", DataTypes.StringType, false)
      .add("gap", DataTypes.IntegerType, false)
      .add("k", DataTypes.LongType, false);

  private final Grain grain;

  GapCounts(Grain grain) {
    this.grain = grain;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    Map<Key, long[]> counts = new HashMap<>();
    int last = PurchaseGaps.TRANSITIONS.size() - 1;
    while (rows.hasNext()) {
      Row r = rows.next();
      if (r.isNullAt(0)) {
        continue;
      }
      List<Date> days = r.getList(0);
      if (days.size() < 2) {
        continue;
      }
      int cohort = grain.periodOf(EpochDays.localDate(days.get(0)));
      long previous = EpochDays.of(days.get(0));
      for (int i = 1; i < days.size(); i++) {
        long day = EpochDays.of(days.get(i));
        int gap = (int) (day - previous);
        previous = day;
        String transition = PurchaseGaps.TRANSITIONS.get(Math.min(i - 1, last));
        counts.computeIfAbsent(new Key(cohort, transition, gap), k -> new long[1])[0]++;
        counts.computeIfAbsent(new Key(cohort, PurchaseGaps.ALL, gap), k -> new long[1])[0]++;
      }
    }
    List<Row> out = new ArrayList<>(counts.size());
    counts.forEach((k, n) -> out.add(RowFactory.create(k.cohort(), k.transition(), k.gap(), n[0])));
    return out.iterator();
  }

  private record Key(int cohort, String transition, int gap) {}
}
