package io.retention.ingest;

import static io.retention.schema.Columns.*;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.Schemas;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * What ops.ingested_files and ops.rejected_files know of landed files (one small row per file: collected once
 * per run), and the writing of both.
 *
 * <ul>
 *   <li>A file with the path, size and modification time of a known one is not read again.</li>
 *   <li>A file read again (touched) whose path and content hash are known is skipped: an ingested file is not
 *       ingested twice, and a file set aside stays set aside until its content changes.</li>
 * </ul>
 */
final class FileLedger {
  private final Set<String> byMetadata = new HashSet<>();
  private final Set<String> byContent = new HashSet<>();

  private FileLedger() {}

  static FileLedger read(DeltaTables tables) {
    FileLedger l = new FileLedger();
    for (Table t : List.of(Table.INGESTED_FILES, Table.REJECTED_FILES)) {
      for (Row r : tables.read(t).select(FILE_PATH, FILE_SIZE, MODIFIED_AT, FILE_HASH).collectAsList()) {
        l.byMetadata.add(r.getString(0) + "|" + r.getLong(1) + "|" + r.getTimestamp(2).getTime());
        l.byContent.add(r.getString(0) + "|" + r.getString(3));
      }
    }
    return l;
  }

  /** The files not known with the same path, size and modification time (metadata only). */
  List<LandingFiles.Landed> newOrChanged(List<LandingFiles.Landed> found) {
    return found.stream().filter(f -> !byMetadata.contains(f.path() + "|" + f.size() + "|" + f.modifiedMillis()))
        .toList();
  }

  /** True when a file with this path and content hash was ingested or set aside before. */
  boolean knows(String path, String hash) {
    return byContent.contains(path + "|" + hash);
  }

  /** The batch's empty files not known yet with empty content: their books (no lines, no records). */
  List<IngestAccounting.FileBook> empty(List<LandingFiles.Landed> batch) {
    String hash = RecordExtractor.sha256(new byte[0]);
    List<IngestAccounting.FileBook> out = new ArrayList<>();
    for (LandingFiles.Landed f : batch) {
      if (f.size() == 0 && !knows(f.path(), hash)) {
        out.add(new IngestAccounting.FileBook(f.path(), hash, 0, f.modifiedMillis(), 0, 0, 0, 0, 0, 0, 0, 0));
      }
    }
    return out;
  }

  /** Appends the batch's files read (empty ones included) to ops.ingested_files (once per run id). */
  static void recordIngested(DeltaTables tables, IngestAccounting books, String runId, Timestamp now) {
    List<Row> rows = new ArrayList<>();
    for (IngestAccounting.FileBook f : books.files()) {
      rows.add(RowFactory.create(f.file(), f.hash(), f.size(), new Timestamp(f.modifiedMillis()), f.linesRead(),
          f.records(), f.accepted(), f.quarantined(), f.duplicates(), runId, now));
    }
    tables.appendOnce(Table.INGESTED_FILES, tables.spark().createDataFrame(rows, Schemas.INGESTED_FILES), runId, 1);
  }

  /** Appends the batch's files set aside to ops.rejected_files (once per run id). */
  static void recordRejected(DeltaTables tables, List<RejectedFile> rejected, String runId, Timestamp now) {
    if (rejected.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>();
    for (RejectedFile f : rejected) {
      rows.add(RowFactory.create(f.path(), f.hash(), f.size(), new Timestamp(f.modifiedMillis()),
          f.reason(), f.detail(), runId, now));
    }
    tables.appendOnce(Table.REJECTED_FILES, tables.spark().createDataFrame(rows, Schemas.REJECTED_FILES), runId, 1);
  }
}
