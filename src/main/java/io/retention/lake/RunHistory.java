package io.retention.lake;

import static org.apache.spark.sql.functions.col;

import io.retention.schema.Columns;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Reads ops.runs back for {@code status}: the latest stage runs, and the rows around the last nightly that
 * {@link NightRun} assembles into one night. Cost: two or three small filtered reads of ops.runs; only bounded
 * row sets reach the driver (the last {@code n} rows; the rows of one night and the minutes around it).
 */
public final class RunHistory {
  /** A nightly's run id starts with this; its ledger rows' stage with {@link StageLedger#PREFIX}. */
  public static final String NIGHTLY_RUN_PREFIX = "nightly-";
  /** How far before and after a night's own rows the stage rows it ran can lie. */
  static final Duration AROUND = Duration.ofHours(6);

  private final DeltaTables tables;

  public RunHistory(DeltaTables tables) {
    this.tables = tables;
  }

  public boolean exists() {
    return tables.exists(Table.RUNS);
  }

  /** The latest {@code n} rows, newest first. */
  public List<StageRun> latest(int n) {
    return collect(tables.read(Table.RUNS).orderBy(col(Columns.STARTED_AT).desc()).limit(n));
  }

  /** The last nightly (the newest row with a {@code nightly-} run id), assembled from the rows around it. */
  public Optional<NightRun> lastNight() {
    Dataset<Row> runs = tables.read(Table.RUNS);
    List<Row> last = runs.where(col(Columns.RUN_ID).startsWith(NIGHTLY_RUN_PREFIX))
        .orderBy(col(Columns.STARTED_AT).desc()).select(Columns.RUN_ID).limit(1).collectAsList();
    if (last.isEmpty()) {
      return Optional.empty();
    }
    String runId = last.get(0).getString(0);
    Row span = runs.where(col(Columns.RUN_ID).equalTo(runId))
        .agg(org.apache.spark.sql.functions.min(Columns.STARTED_AT),
            org.apache.spark.sql.functions.max(Columns.FINISHED_AT)).first();
    Instant from = span.getTimestamp(0).toInstant().minus(AROUND);
    Instant to = span.getTimestamp(1).toInstant().plus(AROUND);
    List<StageRun> around = collect(runs.where(col(Columns.STARTED_AT).geq(Timestamp.from(from))
        .and(col(Columns.STARTED_AT).leq(Timestamp.from(to)))));
    return Optional.of(NightRun.of(runId, around));
  }

  /** Failed stage runs that started after {@code after} (newest first, at most {@code n}). */
  public List<StageRun> failedSince(Instant after, int n) {
    return collect(tables.read(Table.RUNS).where(col(Columns.STATUS).equalTo(StageRun.FAILED)
        .and(col(Columns.STARTED_AT).gt(Timestamp.from(after))))
        .orderBy(col(Columns.STARTED_AT).desc()).limit(n));
  }

  private static List<StageRun> collect(Dataset<Row> rows) {
    return rows.select(Columns.RUN_ID, Columns.STAGE, Columns.STATUS, Columns.STARTED_AT, Columns.FINISHED_AT,
        Columns.ROWS_IN, Columns.ROWS_OUT, Columns.ROWS_QUARANTINED, Columns.ROWS_DUPLICATE, Columns.COUNTS,
        Columns.MESSAGE).collectAsList().stream().map(RunHistory::toRun).toList();
  }

  private static StageRun toRun(Row r) {
    Map<String, Long> counts = r.isNullAt(9) ? Map.of() : r.getJavaMap(9);
    return new StageRun(r.getString(0), r.getString(1), r.getString(2), r.getTimestamp(3).toInstant(),
        r.getTimestamp(4).toInstant(), longOrZero(r, 5), longOrZero(r, 6), longOrZero(r, 7), longOrZero(r, 8),
        counts, r.getString(10));
  }

  private static long longOrZero(Row r, int i) {
    return r.isNullAt(i) ? 0 : r.getLong(i);
  }
}
