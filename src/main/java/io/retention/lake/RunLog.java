package io.retention.lake;

import io.retention.schema.Schemas;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Appends one row per stage run to ops.runs ({@link RunHistory} reads them back): at once, or — for a nightly —
 * {@link #deferred}: rows wait in memory until {@link #flush}, so that stages that found nothing to do cost no
 * commit and a night with nothing new makes one. A process killed before a flush loses the waiting rows (the
 * tables' own books, e.g. ops.ingested_files, are written by the stages themselves).
 */
public final class RunLog {
  private final DeltaTables tables;
  /** Rows waiting for {@link #flush}; null when every row is appended at once. */
  private final List<StageRun> pending;

  public RunLog(DeltaTables tables) {
    this(tables, null);
  }

  private RunLog(DeltaTables tables, List<StageRun> pending) {
    this.tables = tables;
    this.pending = pending;
  }

  /** A log whose rows are appended by {@link #flush} in one commit. */
  public static RunLog deferred(DeltaTables tables) {
    return new RunLog(tables, new ArrayList<>());
  }

  public void record(StageRun run) {
    if (pending != null) {
      pending.add(run);
    } else {
      recordAll(List.of(run));
    }
  }

  /** Appends the waiting rows in one commit (nothing when none wait). */
  public void flush() {
    if (pending != null && !pending.isEmpty()) {
      List<StageRun> rows = List.copyOf(pending);
      pending.clear();
      recordAll(rows);
    }
  }

  /** Appends {@code runs} in one commit. */
  public void recordAll(List<StageRun> runs) {
    tables.createIfNotExists(Table.RUNS, Schemas.RUNS);
    List<Row> rows = runs.stream().map(RunLog::row).toList();
    Dataset<Row> df = tables.spark().createDataFrame(rows, Schemas.RUNS);
    tables.append(Table.RUNS, df);
  }

  private static Row row(StageRun run) {
    return RowFactory.create(run.runId(), run.stage(), run.status(), Timestamp.from(run.startedAt()),
        Timestamp.from(run.finishedAt()), run.durationMs(), run.rowsIn(), run.rowsOut(), run.rowsQuarantined(),
        run.rowsDuplicate(), CollectionConverters.asScala(run.counts()), run.message());
  }
}
