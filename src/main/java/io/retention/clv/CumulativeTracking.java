package io.retention.clv;

import static io.retention.schema.ClvColumns.FIRST_PURCHASE;
import static org.apache.spark.sql.functions.col;

import io.retention.schema.Columns;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Cumulative repeat purchase days by week (weeks counted from the earliest first purchase), actual vs
 * expected, for the calibration customers: expected = sum over first-purchase days b of
 * (customers acquired on b) x E[X(week end - b)] (BG/NBD eq. 9). Only per-day acquisition counts and per-week
 * actual counts reach the driver.
 */
final class CumulativeTracking {
  private CumulativeTracking() {}

  static List<Row> rows(Dataset<Row> rfm, Dataset<Row> days, BgNbd.Params p, ClvEvaluation.Options o,
      ClvEvaluation.RowMaker make) {
    TreeMap<LocalDate, Long> births = new TreeMap<>();
    for (Row r : rfm.groupBy(col(FIRST_PURCHASE)).count().collectAsList()) {
      births.put(r.getDate(0).toLocalDate(), r.getLong(1));
    }
    if (births.isEmpty()) {
      return List.of();
    }
    LocalDate start = births.firstKey();
    Dataset<Row> firsts = rfm.select(col(Columns.CUSTOMER_ID), col(FIRST_PURCHASE));
    Dataset<Row> repeats = days.join(firsts, Columns.CUSTOMER_ID)
        .where(col(Columns.ORDER_DATE).gt(col(FIRST_PURCHASE)));
    TreeMap<Integer, Long> actual = new TreeMap<>();
    for (Row r : repeats.groupBy(ClvEvaluation.weekIndex(col(Columns.ORDER_DATE), start).as("w")).count()
        .collectAsList()) {
      actual.put(r.getInt(0), r.getLong(1));
    }
    List<Row> out = new ArrayList<>();
    int weeks = (int) (ChronoUnit.DAYS.between(start, o.holdoutEnd()) / 7) + 1;
    long cumulative = 0;
    for (int w = 0; w < weeks; w++) {
      LocalDate end = start.plusDays(7L * w + 6);
      if (end.isAfter(o.holdoutEnd())) {
        end = o.holdoutEnd();
      }
      cumulative += actual.getOrDefault(w, 0L);
      out.add(make.week(w, end, customersBy(births, end), cumulative, expected(births, end, p, o.unit())));
    }
    return out;
  }

  private static long customersBy(TreeMap<LocalDate, Long> births, LocalDate end) {
    return births.headMap(end, true).values().stream().mapToLong(Long::longValue).sum();
  }

  private static double expected(TreeMap<LocalDate, Long> births, LocalDate end, BgNbd.Params p, TimeUnit unit) {
    double total = 0;
    for (var e : births.headMap(end, true).entrySet()) {
      total += e.getValue() * BgNbd.expectedPurchasesNew(p, ChronoUnit.DAYS.between(e.getKey(), end) / unit.days());
    }
    return total;
  }
}
