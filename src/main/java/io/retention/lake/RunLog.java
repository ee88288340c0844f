package io.retention.lake;

import io.retention.schema.Schemas;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;

/** Appends one row per stage run to ops.runs. */
public final class RunLog {
  private final DeltaTables tables;

  public RunLog(DeltaTables tables) {
    this.tables = tables;
  }

  public void record(StageRun run) {
    tables.createIfNotExists(Table.RUNS, Schemas.RUNS);
    Row row = RowFactory.create(run.runId(), run.stage(), run.status(), Timestamp.from(run.startedAt()),
        Timestamp.from(run.finishedAt()), run.durationMs(), run.rowsIn(), run.rowsOut(), run.rowsQuarantined(),
        run.rowsDuplicate(), CollectionConverters.asScala(run.counts()), run.message());
    Dataset<Row> df = tables.spark().createDataFrame(List.of(row), Schemas.RUNS);
    tables.append(Table.RUNS, df);
  }
}
