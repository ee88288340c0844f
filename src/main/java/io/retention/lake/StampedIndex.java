package io.retention.lake;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small text file beside the tables that stands for what a few Delta tables held when it was written: its
 * first line is a format name and the latest commit (version and log-file time, {@link DeltaTables#latestCommit})
 * of each watched table. While a listing of their logs shows the same commits, the lines it holds are still true
 * and no table needs to be opened (no snapshot, no Spark job); any other commit — another command, a run that
 * died before rewriting the file, {@code forget}, a table re-created — makes it stale and the caller reads the
 * tables again. Best effort both ways: an unreadable or unwritable file only costs that read.
 *
 * <p>Write it right after reading or writing the watched tables, under the warehouse lock, so that no commit
 * can fall between what the lines say and the stamp.
 */
public final class StampedIndex {
  private static final Logger LOG = LoggerFactory.getLogger(StampedIndex.class);

  private final DeltaTables tables;
  private final Path file;
  private final String format;
  private final List<Table> watched;

  /** The index {@code relative} to the warehouse, named {@code format}, standing for {@code watched}. */
  public StampedIndex(DeltaTables tables, String relative, String format, List<Table> watched) {
    this.tables = tables;
    this.file = new Path(tables.warehouse(), relative);
    this.format = format;
    this.watched = List.copyOf(watched);
  }

  /** The first line the watched tables' current commits call for. */
  private String stamp() {
    StringBuilder s = new StringBuilder(format);
    for (Table t : watched) {
      DeltaTables.Commit c = tables.latestCommit(t);
      s.append(' ').append(c.version()).append('@').append(c.modifiedMillis());
    }
    return s.toString();
  }

  private FileSystem fs() {
    return FileSystems.of(file, tables.spark().sparkContext().hadoopConfiguration());
  }

  /** The lines written last, when the watched tables have had no commit since; else empty. */
  public Optional<List<String>> read() {
    try {
      FileSystem fs = fs();
      if (!fs.exists(file)) {
        return Optional.empty();
      }
      try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
        if (!stamp().equals(in.readLine())) {
          return Optional.empty();
        }
        List<String> lines = new ArrayList<>();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
        return Optional.of(lines);
      }
    } catch (IOException e) {
      LOG.warn("the index {} is unreadable ({}); reading the tables", file, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Replaces the file with {@code lines} stamped with the watched tables' current commits (atomically: a
   * temporary file renamed). A line holding a line break cannot be kept: the file is deleted instead.
   */
  public void write(Collection<String> lines) {
    Path tmp = new Path(file.getParent(), "." + file.getName() + "." + UUID.randomUUID());
    try {
      FileSystem fs = fs();
      if (lines.stream().anyMatch(k -> k.indexOf('\n') >= 0 || k.indexOf('\r') >= 0)) {
        fs.delete(file, false);
        return;
      }
      try (Writer w = new OutputStreamWriter(fs.create(tmp, true), StandardCharsets.UTF_8)) {
        w.write(stamp() + "\n");
        for (String k : lines) {
          w.write(k + "\n");
        }
      }
      fs.delete(file, false);
      if (!fs.rename(tmp, file)) {
        throw new IOException("cannot rename " + tmp + " to " + file);
      }
    } catch (IOException e) {
      LOG.warn("cannot write the index {} ({}); the next run reads the tables", file, e.getMessage());
      try {
        fs().delete(tmp, false);
      } catch (IOException ignored) {
        // a stray temporary file is ignored by every reader
      }
    }
  }

  /** Removes the file (the next reader reads the tables). */
  public void delete() {
    try {
      fs().delete(file, false);
    } catch (IOException e) {
      LOG.warn("cannot delete the index {} ({})", file, e.getMessage());
    }
  }
}
