package io.retention.ingest;

import static io.retention.schema.Columns.*;

import io.retention.lake.DeltaTables;
import io.retention.lake.StampedIndex;
import io.retention.lake.Table;
import io.retention.schema.Schemas;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * What ops.ingested_files and ops.rejected_files know of landed files (one small row per file: collected once
 * per run), and the writing of both.
 *
 * <p>The ledger is also kept as a small index file beside the tables ({@value #INDEX} under the warehouse), stamped
 * with the two tables' latest commits: while they are unchanged (a listing of their logs) the index stands
 * for them, so a run that finds no new file opens no table and starts no Spark job. Any other commit (a run that
 * died before rewriting the index, {@code forget}, a hand edit) changes a version and the tables are read again.
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

  /** The index file, relative to the warehouse. */
  static final String INDEX = "_ingest_ledger/index.tsv";
  private static final String FORMAT = "retention-file-ledger-v1";

  private FileLedger() {}

  /** The ledger of a warehouse whose two ledger tables were just created. */
  static FileLedger none() {
    return new FileLedger();
  }

  /** The ledger read from both tables (which must exist); the index is rewritten from it. */
  static FileLedger read(DeltaTables tables) {
    FileLedger l = new FileLedger();
    for (Table t : List.of(Table.INGESTED_FILES, Table.REJECTED_FILES)) {
      for (Row r : tables.read(t).select(FILE_PATH, FILE_SIZE, MODIFIED_AT, FILE_HASH).collectAsList()) {
        l.add(r.getString(0), r.getLong(1), r.getTimestamp(2).getTime(), r.getString(3));
      }
    }
    l.writeIndex(tables);
    return l;
  }

  /** The ledger from the index when its versions are the tables' current ones (no table opened, no job). */
  static Optional<FileLedger> cached(DeltaTables tables) {
    return index(tables).read().map(lines -> {
      FileLedger l = new FileLedger();
      for (String line : lines) {
        (line.startsWith("M\t") ? l.byMetadata : l.byContent).add(line.substring(2));
      }
      return l;
    });
  }

  /**
   * The index file, stamped with the latest commit (version and log file time) of both tables it stands for;
   * the time tells a table re-created by {@code forget} from the one the index was written for.
   */
  private static StampedIndex index(DeltaTables tables) {
    return new StampedIndex(tables, INDEX, FORMAT, List.of(Table.INGESTED_FILES, Table.REJECTED_FILES));
  }

  private void add(String path, long size, long modifiedMillis, String hash) {
    byMetadata.add(path + "|" + size + "|" + modifiedMillis);
    byContent.add(path + "|" + hash);
  }

  /** Adds what a run just recorded in the tables (so the index it writes next matches them). */
  void addRecorded(List<IngestAccounting.FileBook> read, List<RejectedFile> setAside) {
    read.forEach(f -> add(f.file(), f.size(), f.modifiedMillis(), f.hash()));
    setAside.forEach(f -> add(f.path(), f.size(), f.modifiedMillis(), f.hash()));
  }

  /**
   * Writes the index stamped with the tables' current versions (call it right after reading or writing them,
   * under the warehouse lock); best effort: without an index the next run reads the tables. A path with a line
   * break cannot be a line: then there is no index and the tables are read every run.
   */
  void writeIndex(DeltaTables tables) {
    List<String> lines = new ArrayList<>(byMetadata.size() + byContent.size());
    byMetadata.forEach(k -> lines.add("M\t" + k));
    byContent.forEach(k -> lines.add("C\t" + k));
    index(tables).write(lines);
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

  /** Appends the batch's files read (empty ones included) to ops.ingested_files ({@link BatchAppends}). */
  static void recordIngested(BatchAppends appends, IngestAccounting books, Timestamp now) {
    String runId = appends.runId();
    List<Row> rows = new ArrayList<>();
    for (IngestAccounting.FileBook f : books.files()) {
      rows.add(RowFactory.create(f.file(), f.hash(), f.size(), new Timestamp(f.modifiedMillis()), f.linesRead(),
          f.records(), f.accepted(), f.quarantined(), f.duplicates(), runId, now));
    }
    appends.append(Table.INGESTED_FILES, appends.spark().createDataFrame(rows, Schemas.INGESTED_FILES));
  }

  /** Appends the batch's files set aside to ops.rejected_files ({@link BatchAppends}). */
  static void recordRejected(BatchAppends appends, List<RejectedFile> rejected, Timestamp now) {
    String runId = appends.runId();
    if (rejected.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>();
    for (RejectedFile f : rejected) {
      rows.add(RowFactory.create(f.path(), f.hash(), f.size(), new Timestamp(f.modifiedMillis()),
          f.reason(), f.detail(), runId, now));
    }
    appends.append(Table.REJECTED_FILES, appends.spark().createDataFrame(rows, Schemas.REJECTED_FILES));
  }
}
