package io.retention.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The books of one ingest run, per file and in total. Two identities must hold for every file, else the run
 * fails before writing anything:
 * <ul>
 *   <li>lines read (a plain count of line feeds) = header lines + blank lines + lines of all records;</li>
 *   <li>records = accepted + quarantined + duplicates + suppressed (records of customers erased by
 *       {@code forget}, dropped before anything is stored).</li>
 * </ul>
 * A record is one input row: one line, or several when a quoted CSV field holds line breaks.
 */
public final class IngestAccounting {
  /** One file's counts. */
  public record FileBook(String file, String hash, long size, long modifiedMillis, long linesRead,
      long headerLines, long blankLines, long recordLines, long records, long accepted, long quarantined,
      long duplicates, long suppressed) {

    /** A file's counts with no suppressed record. */
    public FileBook(String file, String hash, long size, long modifiedMillis, long linesRead, long headerLines,
        long blankLines, long recordLines, long records, long accepted, long quarantined, long duplicates) {
      this(file, hash, size, modifiedMillis, linesRead, headerLines, blankLines, recordLines, records, accepted,
          quarantined, duplicates, 0);
    }

    /** Null when the books balance, else what is wrong. */
    public String imbalance() {
      if (linesRead != headerLines + blankLines + recordLines) {
        return file + ": " + linesRead + " lines read but " + headerLines + " header + " + blankLines
            + " blank + " + recordLines + " in records";
      }
      if (records != accepted + quarantined + duplicates + suppressed) {
        return file + ": " + records + " records but " + accepted + " accepted + " + quarantined
            + " quarantined + " + duplicates + " duplicates" + (suppressed > 0 ? " + " + suppressed + " suppressed" : "");
      }
      return null;
    }
  }

  private final List<FileBook> files;
  private final Map<String, Long> quarantineByReason;

  public IngestAccounting(List<FileBook> files, Map<String, Long> quarantineByReason) {
    this.files = List.copyOf(files);
    this.quarantineByReason = new TreeMap<>(quarantineByReason);
  }

  public List<FileBook> files() {
    return files;
  }

  public Map<String, Long> quarantineByReason() {
    return quarantineByReason;
  }

  public long linesRead() {
    return files.stream().mapToLong(FileBook::linesRead).sum();
  }

  public long records() {
    return files.stream().mapToLong(FileBook::records).sum();
  }

  public long accepted() {
    return files.stream().mapToLong(FileBook::accepted).sum();
  }

  public long quarantined() {
    return files.stream().mapToLong(FileBook::quarantined).sum();
  }

  public long duplicates() {
    return files.stream().mapToLong(FileBook::duplicates).sum();
  }

  /** Records of erased customers dropped by the suppression list. */
  public long suppressed() {
    return files.stream().mapToLong(FileBook::suppressed).sum();
  }

  /** Every file's imbalance; empty when the books balance. */
  public List<String> imbalances() {
    List<String> out = new ArrayList<>();
    for (FileBook f : files) {
      String m = f.imbalance();
      if (m != null) {
        out.add(m);
      }
    }
    return out;
  }

  /** The one-line statement the run prints and stores. */
  public String statement() {
    return String.format("%d files, %d lines read: %d records = %d accepted + %d quarantined + %d duplicates%s%s",
        files.size(), linesRead(), records(), accepted(), quarantined(), duplicates(),
        suppressed() > 0 ? " + " + suppressed() + " suppressed" : "",
        imbalances().isEmpty() ? " (balanced)" : " (NOT balanced)");
  }
}
