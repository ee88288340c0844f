package io.retention.report;

import static io.retention.report.Readings.count;
import static io.retention.schema.MetricsColumns.AGE_DAYS;
import static io.retention.schema.MetricsColumns.FIRST_ORDER_DATE;
import static io.retention.schema.MetricsColumns.GRAIN;
import static io.retention.schema.MetricsColumns.PREVIOUS_SEGMENT;
import static io.retention.schema.MetricsColumns.SEGMENT;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.max;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.metrics.Grain;
import io.retention.metrics.RfmSegments;
import io.retention.report.ReportModel.SegmentMove;
import io.retention.report.ReportModel.Segments;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The report's RFM segment section from gold.customers: segment sizes now, and the transition table (segment at
 * the end of the previous grain period → segment now, customers). Only the counts reach the driver: at most
 * (segments + 1) × segments rows.
 */
final class SegmentReport {
  /** The row of customers with no purchase by the previous period end. */
  static final String NEW_SINCE = "(no purchase yet)";

  private SegmentReport() {}

  /** The section's counts, or null when gold.customers is absent or written before segments existed. */
  static Segments load(DeltaTables tables) {
    if (!tables.exists(Table.CUSTOMERS)) {
      return null;
    }
    Dataset<Row> customers = tables.read(Table.CUSTOMERS);
    if (!List.of(customers.columns()).contains(PREVIOUS_SEGMENT)) {
      return null;
    }
    Row when = customers.agg(max(date_add(col(FIRST_ORDER_DATE), col(AGE_DAYS))), first(col(GRAIN))).first();
    if (when.isNullAt(0)) {
      return null;
    }
    LocalDate asOf = when.getDate(0).toLocalDate();
    List<SegmentMove> moves = new ArrayList<>();
    for (Row r : customers.groupBy(col(PREVIOUS_SEGMENT), col(SEGMENT)).count().collectAsList()) {
      moves.add(new SegmentMove(r.getString(0), r.getString(1), r.getLong(2)));
    }
    return new Segments(asOf, RfmSegments.previousPeriodEnd(Grain.parse(when.getString(1)), asOf), moves);
  }

  /** The sizes table and the transition matrix, segments ordered by size now (largest first). */
  static void render(Page p, Segments s) {
    p.h2("RFM segments");
    if (s == null) {
      p.missing("gold.customers with segments", "nightly", "metrics");
      return;
    }
    Map<String, Long> now = totals(s.moves(), true);
    List<String> order = new ArrayList<>(now.keySet());
    order.sort(Comparator.comparing((String k) -> -now.get(k)).thenComparing(k -> k));
    long all = now.values().stream().mapToLong(Long::longValue).sum();
    p.raw("<p class=\"meta\">").text("As of " + s.asOf() + " (" + count(all) + " customers); the transition "
        + "table counts each customer's segment at " + s.previousPeriodEnd() + " (rows) against now (columns).")
        .raw("</p>");
    p.raw("<table><thead><tr><th>segment</th><th>customers</th><th>share</th></tr></thead><tbody>");
    for (String k : order) {
      p.row(k, count(now.get(k)), Readings.pct(all == 0 ? null : (double) now.get(k) / all));
    }
    p.raw("</tbody></table>");
    p.raw("<table><thead><tr><th>").text("at " + s.previousPeriodEnd() + " ↓ / now →").raw("</th>");
    order.forEach(k -> p.raw("<th>").text(k).raw("</th>"));
    p.raw("</tr></thead><tbody>");
    List<String> rows = new ArrayList<>(order);
    totals(s.moves(), false).keySet().stream().filter(k -> !rows.contains(k)).sorted().forEach(rows::add);
    rows.add(NEW_SINCE);
    for (String from : rows) {
      String[] cells = new String[order.size() + 1];
      cells[0] = from;
      for (int i = 0; i < order.size(); i++) {
        cells[i + 1] = count(moved(s.moves(), from, order.get(i)));
      }
      p.row(cells);
    }
    p.raw("</tbody></table>");
  }

  /** Customers per segment now ({@code now}) or at the previous period end (customers without one left out). */
  private static Map<String, Long> totals(List<SegmentMove> moves, boolean now) {
    Map<String, Long> t = new LinkedHashMap<>();
    for (SegmentMove m : moves) {
      String k = now ? m.to() : m.from();
      if (k != null) {
        t.merge(k, m.customers(), Long::sum);
      }
    }
    return t;
  }

  private static long moved(List<SegmentMove> moves, String from, String to) {
    String f = NEW_SINCE.equals(from) ? null : from;
    return moves.stream().filter(m -> Objects.equals(m.from(), f) && Objects.equals(m.to(), to))
        .mapToLong(SegmentMove::customers).sum();
  }
}
