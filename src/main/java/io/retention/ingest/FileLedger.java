package io.retention.ingest;

import static io.retention.schema.Columns.*;

import io.retention.lake.DeltaTables;
import io.retention.lake.FileSystems;
import io.retention.lake.Table;
import io.retention.schema.Schemas;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger LOG = LoggerFactory.getLogger(FileLedger.class);

  private FileLedger() {}

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
    Path index = new Path(tables.warehouse(), INDEX);
    FileSystem fs = FileSystems.of(index, tables.spark().sparkContext().hadoopConfiguration());
    try {
      if (!fs.exists(index)) {
        return Optional.empty();
      }
      try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(index), StandardCharsets.UTF_8))) {
        if (!stamp(tables).equals(in.readLine())) {
          return Optional.empty();
        }
        FileLedger l = new FileLedger();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          (line.startsWith("M\t") ? l.byMetadata : l.byContent).add(line.substring(2));
        }
        return Optional.of(l);
      }
    } catch (IOException e) {
      LOG.warn("ingest: the file ledger index {} is unreadable ({}); reading the tables", index, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The index's first line: its format and the latest commit (version and log file time) of both tables it
   * stands for; the time tells a table re-created by {@code forget} from the one the index was written for.
   */
  private static String stamp(DeltaTables tables) {
    DeltaTables.Commit i = tables.latestCommit(Table.INGESTED_FILES);
    DeltaTables.Commit r = tables.latestCommit(Table.REJECTED_FILES);
    return FORMAT + " " + i.version() + "@" + i.modifiedMillis() + " " + r.version() + "@" + r.modifiedMillis();
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
   * under the warehouse lock); best effort: without an index the next run reads the tables.
   */
  void writeIndex(DeltaTables tables) {
    Path index = new Path(tables.warehouse(), INDEX);
    Path tmp = new Path(index.getParent(), "." + index.getName() + "." + UUID.randomUUID());
    FileSystem fs = FileSystems.of(index, tables.spark().sparkContext().hadoopConfiguration());
    try {
      if (Stream.concat(byMetadata.stream(), byContent.stream()).anyMatch(k -> k.indexOf('\n') >= 0
          || k.indexOf('\r') >= 0)) {
        fs.delete(index, false); // a path with a line break cannot be a line: the tables are read every run
        return;
      }
      try (Writer w = new OutputStreamWriter(fs.create(tmp, true), StandardCharsets.UTF_8)) {
        w.write(stamp(tables) + "\n");
        for (String k : byMetadata) {
          w.write("M\t" + k + "\n");
        }
        for (String k : byContent) {
          w.write("C\t" + k + "\n");
        }
      }
      fs.delete(index, false);
      if (!fs.rename(tmp, index)) {
        throw new IOException("cannot rename " + tmp + " to " + index);
      }
    } catch (IOException e) {
      LOG.warn("ingest: cannot write the file ledger index {} ({}); the next run reads the tables", index,
          e.getMessage());
      try {
        fs.delete(tmp, false);
      } catch (IOException ignored) {
        // nothing left to do: a stray temporary file is ignored by every reader
      }
    }
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
