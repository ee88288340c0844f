package io.retention.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;

import io.retention.schema.Columns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/**
 * What each nightly stage last computed, kept in ops.runs so that a nightly can skip a stage whose inputs have
 * not changed. After a stage ran, the nightly appends one row {@code stage = "nightly:<stage>"},
 * {@code status = ok}, whose {@code counts} hold the Delta version of every table the stage read or wrote
 * ({@code v:<layer.table>}, -1 = absent) and whose {@code message} is
 * {@code fingerprint=<sha256 of its options and as-of date> outputs=<sha256 of its output files or ->
 * computed_by=<run id>}. A skipped stage gets the same row with {@code status = skipped}.
 *
 * <p>Cost: a table's version is the highest {@code _delta_log/NNN.json} name (one directory listing, no
 * Spark job); the lookup reads ops.runs once per night and collects one row per stage, or nothing when the
 * ledger's index still stands for ops.runs (see {@link StampedIndex}).
 */
public final class StageLedger {
  public static final String PREFIX = "nightly:";
  /** The {@code counts} key prefix of a table version. */
  public static final String VERSION_KEY = "v:";
  static final String NO_FILES = "-";
  private static final Pattern MESSAGE = Pattern.compile(
      "fingerprint=(\\S+) outputs=(\\S+) computed_by=(\\S+).*");

  /**
   * One ledger row: the options {@code fingerprint}, the table {@code versions} after the stage, the hash of
   * its output files ({@code -} when it writes none) and the run that really computed it.
   */
  public record Entry(String fingerprint, Map<Table, Long> versions, String outputs, String computedBy) {
    public Entry {
      versions = Map.copyOf(versions);
    }

    String message() {
      return "fingerprint=" + fingerprint + " outputs=" + outputs + " computed_by=" + computedBy;
    }

    /** Same options, same table versions and same output files as {@code now}. */
    public boolean sameState(Entry now) {
      return fingerprint.equals(now.fingerprint) && versions.equals(now.versions) && outputs.equals(now.outputs);
    }
  }

  /** The ledger's index file, relative to the warehouse. */
  static final String INDEX = "_ledger/stages.tsv";

  private final DeltaTables tables;
  private final RunLog runs;
  /** Stage (without prefix) → its latest ok or skipped entry, loaded on the first {@link #last}, kept current. */
  private Map<String, Entry> lastEntries;

  public StageLedger(DeltaTables tables) {
    this(tables, new RunLog(tables));
  }

  /** A ledger whose rows go to {@code runs} (a nightly's deferred log). */
  public StageLedger(DeltaTables tables, RunLog runs) {
    this.tables = tables;
    this.runs = runs;
  }

  /**
   * The latest ok or skipped ledger row of {@code stage}, if any. The first call takes every stage's latest row
   * from the ledger's index ({@value #INDEX}, written by {@link #saveIndex}) while ops.runs has had no commit
   * since, else reads them in one Spark job (one row per stage reaches the driver); a night asks once per stage,
   * before that stage records its own row.
   */
  public Optional<Entry> last(String stage) {
    if (lastEntries == null) {
      lastEntries = index().read().map(StageLedger::fromIndex).orElseGet(this::fromRuns);
    }
    return Optional.ofNullable(lastEntries.get(stage));
  }

  private Map<String, Entry> fromRuns() {
    Map<String, Entry> out = new HashMap<>();
    if (tables.exists(Table.RUNS)) {
      Column latest = max_by(struct(col(Columns.COUNTS), col(Columns.MESSAGE)), col(Columns.FINISHED_AT));
      for (Row r : tables.read(Table.RUNS)
          .where(col(Columns.STAGE).startsWith(PREFIX).and(col(Columns.STATUS).isin(StageRun.OK, StageRun.SKIPPED)))
          .groupBy(col(Columns.STAGE)).agg(latest.as("last")).collectAsList()) {
        Row last = r.getStruct(1);
        if (!last.isNullAt(1)) {
          parse(last.getString(1), last.getJavaMap(0))
              .ifPresent(e -> out.put(r.getString(0).substring(PREFIX.length()), e));
        }
      }
    }
    return out;
  }

  private static Optional<Entry> parse(String message, Map<String, Long> counts) {
    Matcher m = MESSAGE.matcher(message);
    if (!m.matches()) {
      return Optional.empty();
    }
    Map<Table, Long> versions = new EnumMap<>(Table.class);
    for (Map.Entry<String, Long> c : counts.entrySet()) {
      if (c.getKey().startsWith(VERSION_KEY)) {
        Table.byName(c.getKey().substring(VERSION_KEY.length())).ifPresent(t -> versions.put(t, c.getValue()));
      }
    }
    return Optional.of(new Entry(m.group(1), versions, m.group(2), m.group(3)));
  }

  private StampedIndex index() {
    return new StampedIndex(tables, INDEX, "retention-stage-ledger-v1", List.of(Table.RUNS));
  }

  /** Index lines: {@code stage TAB message TAB v:layer.table=version,…} (the ops.runs row's own fields). */
  private static Map<String, Entry> fromIndex(List<String> lines) {
    Map<String, Entry> out = new HashMap<>();
    for (String line : lines) {
      String[] f = line.split("\t", -1);
      Map<String, Long> counts = new HashMap<>();
      for (String kv : f[2].isEmpty() ? new String[0] : f[2].split(",")) {
        int eq = kv.lastIndexOf('=');
        counts.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
      }
      parse(f[1], counts).ifPresent(e -> out.put(f[0], e));
    }
    return out;
  }

  /**
   * Writes the index of every stage's latest entry, stamped with ops.runs' latest commit: call it after the
   * night's rows are committed ({@link RunLog#flush}). Without entries loaded (a {@code --force} night) the
   * index is removed, so the next night reads ops.runs.
   */
  public void saveIndex() {
    if (lastEntries == null) {
      index().delete();
      return;
    }
    List<String> lines = new ArrayList<>();
    lastEntries.forEach((stage, e) -> lines.add(stage + "\t" + e.message() + "\t" + String.join(",",
        counts(e).entrySet().stream().map(c -> c.getKey() + "=" + c.getValue()).toList())));
    index().write(lines);
  }

  private static Map<String, Long> counts(Entry e) {
    Map<String, Long> counts = new LinkedHashMap<>();
    e.versions().forEach((t, v) -> counts.put(VERSION_KEY + t.qualifiedName(), v));
    return counts;
  }

  /** Appends the ledger row of {@code stage} (status ok or skipped). */
  public void record(String runId, String stage, String status, Instant started, Entry e, String note) {
    runs.record(new StageRun(runId, PREFIX + stage, status, started, Instant.now(), 0, 0, 0, 0, counts(e),
        e.message() + (note == null ? "" : " " + note)));
    if (lastEntries != null && (StageRun.OK.equals(status) || StageRun.SKIPPED.equals(status))) {
      lastEntries.put(stage, e);
    }
  }

  /** The current Delta version of each table (-1 when it does not exist). */
  public Map<Table, Long> versions(Collection<Table> which) {
    Map<Table, Long> out = new EnumMap<>(Table.class);
    for (Table t : which) {
      out.put(t, version(t));
    }
    return out;
  }

  /** Versions of every table except ops.runs (which every stage appends to). */
  public Map<Table, Long> versionsOfAll() {
    return versions(Stream.of(Table.values()).filter(t -> t != Table.RUNS).toList());
  }

  /** The table's latest commit version ({@link DeltaTables#version}), -1 when it does not exist. */
  public long version(Table t) {
    return tables.version(t);
  }

  /** SHA-256 (hex) of a text. */
  public static String sha256(String text) {
    return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * SHA-256 over the relative names and contents of every file under {@code dir} (sorted), or {@code -}
   * when the folder does not exist. Output folders are small (an export CSV, a report page and its charts).
   */
  public static String hashFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return NO_FILES;
    }
    MessageDigest all = digest();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        all.update(dir.relativize(p).toString().getBytes(StandardCharsets.UTF_8));
        all.update((byte) 0);
        all.update(digest().digest(Files.readAllBytes(p)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(all.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
