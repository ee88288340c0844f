package io.retention.metrics;

import io.retention.schema.EpochDays;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF2;
import scala.collection.Seq;

/**
 * The MERGE's update of a customer's entries in gold.customer_activity, in plain Java: the entries already in the
 * state and those of the customer's new rows, combined per day. Spark evaluates the higher-order SQL functions
 * this replaces ({@code map_zip_with} over {@code map_from_entries}, then {@code array_sort}) without code
 * generation, and the MERGE's write runs them in one task.
 *
 * <p>Values, exactly as that SQL: every day of either side, sorted; per day purchases = a + b, net = a + b and
 * gross = a + b, a missing side or a NULL value counting 0; NULL when either side's array is NULL; a NULL entry or
 * day, or a day twice on one side, is an error (a NULL or duplicate map key there). The sums are written as
 * DECIMAL(18,2) by Spark's conversion, which fails beyond it under ANSI and gives NULL otherwise, as the CAST did.
 */
final class ActivityMerge implements UDF2<Seq<Row>, Seq<Row>, List<Row>> {
  private static final long serialVersionUID = 1L;
  private static final BigDecimal ZERO = BigDecimal.ZERO.setScale(2);

  @Override
  public List<Row> call(Seq<Row> before, Seq<Row> added) {
    if (before == null || added == null) {
      return null;
    }
    Map<Long, Day> days = new TreeMap<>();
    fold(before, days, 1);
    fold(added, days, 2);
    List<Row> out = new ArrayList<>(days.size());
    for (Day d : days.values()) {
      out.add(RowFactory.create(d.day, d.purchases, d.net, d.gross));
    }
    return out;
  }

  private static void fold(Seq<Row> entries, Map<Long, Day> days, int side) {
    scala.collection.Iterator<Row> it = entries.iterator();
    while (it.hasNext()) {
      Row x = it.next();
      if (x == null || x.isNullAt(0)) {
        throw new IllegalStateException("gold.customer_activity: an activity entry without a day cannot be merged");
      }
      Date day = x.getDate(0);
      Day d = days.computeIfAbsent(EpochDays.of(day), k -> new Day(day));
      if ((d.sides & side) != 0) {
        throw new IllegalStateException("gold.customer_activity: day " + day + " appears twice in one activity array");
      }
      d.sides |= side;
      d.purchases += x.isNullAt(1) ? 0L : x.getLong(1);
      d.net = x.isNullAt(2) ? d.net : d.net.add(x.getDecimal(2));
      d.gross = x.isNullAt(3) ? d.gross : d.gross.add(x.getDecimal(3));
    }
  }

  /** One day's combined entry; {@code sides} marks which arrays had it (1 the state, 2 the new rows). */
  private static final class Day {
    final Date day;
    int sides;
    long purchases;
    BigDecimal net = ZERO;
    BigDecimal gross = ZERO;

    Day(Date day) {
      this.day = day;
    }
  }
}
