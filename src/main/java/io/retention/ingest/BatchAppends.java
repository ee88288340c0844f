package io.retention.ingest;

import static io.retention.schema.Columns.INGEST_RUN_ID;
import static org.apache.spark.sql.functions.col;

import io.retention.lake.DeltaTables;
import io.retention.lake.FileSystems;
import io.retention.lake.Table;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appends of one ingest batch, each table's at most once per batch run id, whatever attempt of the batch
 * commits them.
 *
 * <p>Before its first write a batch leaves a mark under the warehouse ({@value #MARKS}{@code <run id>}), and
 * removes it once the file ledger has recorded the batch. A batch that finds its mark is a retry of an attempt
 * that stopped (killed, or failed) after it began writing: each table is appended to only when it holds no row
 * with the batch's run id ({@code ingest_run_id}: a Delta commit is all or nothing, so one row tells that the
 * earlier attempt's append committed). A first attempt appends without looking. Delta's own idempotent appends
 * ({@code txnAppId}) would read each table's whole state (a Spark job per table and night) to find the
 * transaction ids, which Delta 4.4 does not yet take from its checksum file.
 */
final class BatchAppends {
  private static final Logger LOG = LoggerFactory.getLogger(BatchAppends.class);
  /** The folder of the marks, relative to the warehouse. */
  static final String MARKS = "_ingest_ledger/in-flight/";

  private final DeltaTables tables;
  private final String runId;
  private final Path mark;
  private final boolean retry;

  private BatchAppends(DeltaTables tables, String runId, Path mark, boolean retry) {
    this.tables = tables;
    this.runId = runId;
    this.mark = mark;
    this.retry = retry;
  }

  /** Starts the batch {@code runId}: leaves its mark, or finds the one an earlier attempt left (a retry). */
  static BatchAppends begin(DeltaTables tables, String runId) {
    Path mark = new Path(tables.warehouse(), MARKS + runId);
    FileSystem fs = fs(tables, mark);
    try {
      if (fs.exists(mark)) {
        LOG.info("ingest: batch {} was begun before and did not finish: each table gets its rows only if it has "
            + "none of this run id", runId);
        return new BatchAppends(tables, runId, mark, true);
      }
      fs.create(mark, false).close(); // before any write: a failure here stops the run with nothing written
      return new BatchAppends(tables, runId, mark, false);
    } catch (IOException e) {
      throw new UncheckedIOException("ingest: cannot write the batch mark " + mark + ": " + e.getMessage(), e);
    }
  }

  String runId() {
    return runId;
  }

  SparkSession spark() {
    return tables.spark();
  }

  /** True when this attempt found the mark of an earlier one. */
  boolean retry() {
    return retry;
  }

  /** Appends {@code rows} (which carry {@code ingest_run_id}) to {@code t}, unless a retry finds them there. */
  void append(Table t, Dataset<Row> rows) {
    append(t, rows, Map.of());
  }

  /** As {@link #append(Table, Dataset)} with Delta write options ({@link DeltaTables#ADD_COLUMNS}, …). */
  void append(Table t, Dataset<Row> rows, Map<String, String> options) {
    if (retry && !tables.read(t).filter(col(INGEST_RUN_ID).equalTo(runId)).isEmpty()) {
      LOG.info("ingest: {} already has the rows of run {} (an earlier attempt committed them): not appended again",
          t.qualifiedName(), runId);
      return;
    }
    tables.append(t, rows, options);
  }

  /**
   * Removes the mark once the ledger holds the batch. Best effort: a mark left behind only makes a later batch
   * with the same run id (the same files) look before it appends.
   */
  void end() {
    try {
      fs(tables, mark).delete(mark, false);
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("ingest: could not remove the batch mark {} ({})", mark, e.getMessage());
    }
  }

  private static FileSystem fs(DeltaTables tables, Path p) {
    return FileSystems.of(p, tables.spark().sparkContext().hadoopConfiguration());
  }
}
