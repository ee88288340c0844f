package io.retention.ingest;

import static io.retention.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The books of one batch from its judged records (one small aggregate) and its per-file rows. */
final class BatchBooks {
  private BatchBooks() {}

  /**
   * Per file (except {@code skip}: unchanged or set aside): lines read, header and blank lines (from the
   * extraction's file rows) against records by outcome and the {@code suppressed} records (null: none), plus the
   * {@code empty} files (not read); and the quarantined records by reason.
   */
  static IngestAccounting of(Dataset<Row> judged, Dataset<Row> suppressed, List<Row> fileRows, Set<String> skip,
      List<IngestAccounting.FileBook> empty) {
    Map<String, long[]> perFile = new HashMap<>();
    if (suppressed != null) { // source_file, line_count of the records dropped by the suppression list
      for (Row r : suppressed.groupBy(SOURCE_FILE).agg(count(lit(1)), sum(col(LINE_COUNT))).collectAsList()) {
        long[] v = perFile.computeIfAbsent(r.getString(0), k -> new long[5]);
        v[4] += r.getLong(1);
        v[3] += r.getLong(2);
      }
    }
    Map<String, Long> reasons = new HashMap<>();
    // one aggregate for both books: per file and outcome, and the quarantined records' reasons
    for (Row r : judged.groupBy(SOURCE_FILE, OrderClassifier.OUTCOME, REASON)
        .agg(count(lit(1)), sum(col(LINE_COUNT))).collectAsList()) {
      long[] v = perFile.computeIfAbsent(r.getString(0), k -> new long[5]);
      int slot = switch (r.getString(1)) {
        case OrderClassifier.ACCEPTED -> 0;
        case OrderClassifier.QUARANTINED -> 1;
        default -> 2;
      };
      v[slot] += r.getLong(3);
      v[3] += r.getLong(4);
      if (slot == 1) {
        reasons.merge(r.getString(2), r.getLong(3), Long::sum);
      }
    }
    List<IngestAccounting.FileBook> books = new ArrayList<>(empty);
    for (Row f : fileRows) {
      if (skip.contains(f.getString(0))) {
        continue;
      }
      long[] v = perFile.getOrDefault(f.getString(0), new long[5]);
      books.add(new IngestAccounting.FileBook(f.getString(0), f.getString(1), f.getLong(2),
          f.getTimestamp(3).getTime(), f.getLong(4), f.getLong(5), f.getLong(6), v[3], v[0] + v[1] + v[2] + v[4],
          v[0], v[1], v[2], v[4]));
    }
    return new IngestAccounting(books, reasons);
  }

}
