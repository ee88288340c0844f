package io.retention.lake;

import io.retention.schema.Schemas;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;

/** Appends one row per stage run to ops.runs ({@link RunHistory} reads them back). */
public final class RunLog {
  private final DeltaTables tables;

  public RunLog(DeltaTables tables) {
    this.tables = tables;
  }

  public void record(StageRun run) {
    recordAll(List.of(run));
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
