package io.retention.ingest;

import static io.retention.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import io.retention.erasure.ErasureKey;
import io.retention.erasure.Suppression;
import io.retention.lake.DeltaTables;
import io.retention.lake.FaultInjection;
import io.retention.lake.Table;
import io.retention.pipeline.Progress;
import io.retention.pipeline.RunRow;
import io.retention.pipeline.StageResult;
import io.retention.schema.Schemas;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests landed purchase logs into bronze.purchase_events (every record, append-only), silver.purchases
 * (accepted orders, one row per order id: only ids not there yet are appended) and silver.quarantine (rejected
 * records with a reason).
 *
 * <ul>
 *   <li>Files already ingested (same path and content hash, recorded in ops.ingested_files) are skipped.</li>
 *   <li>An empty file is recorded in ops.ingested_files with no lines (Spark's file sources skip empty files,
 *       so they are listed on the driver).</li>
 *   <li>A file that cannot be read as a whole (not gzip though named .gz, corrupt gzip, a CSV header
 *       that is not UTF-8 or names a column twice, only a header lacking a required column) is set aside:
 *       recorded in ops.rejected_files with its reason, while the other files are ingested. It is skipped
 *       while its content stays the same and read again when it changes ({@link FileLedger}).</li>
 *   <li>Parsing and validation run on the executors, one task per file group; per-file counts (one row per file)
 *       and counts by reason are the only things that reach the driver.</li>
 *   <li>The files are ingested in batches of consecutive files of bounded size ({@link Options#batchBytes}),
 *       so the cache a large first load needs stays bounded; an order id of an earlier batch is judged against
 *       silver exactly as one earlier in the same batch.</li>
 *   <li>A batch's run id is derived from its files (path, size, modification time), and every write is keyed by
 *       it ({@link BatchAppends}; silver gets only order ids the classifier found absent): a run killed at
 *       any point and started again writes each row exactly once. Each write is one Delta commit, so readers
 *       always see a consistent version.</li>
 *   <li>The books must balance per file ({@link IngestAccounting}) or nothing is written for the batch.</li>
 * </ul>
 */
public final class IngestStage {
  private static final Logger LOG = LoggerFactory.getLogger(IngestStage.class);
  /**
   * What to ingest and how.
   *
   * @param batchBytes the files are ingested in batches of at most this many bytes (as landed; a larger file is a
   *     batch of its own), each with its own run id and commits: bounds the memory of a large first load
   * @param contestedMax see {@link #CONTESTED_MAX_DEFAULT}; 0 judges every batch by the window
   */
  public record Options(String input, SourceProfile profile, ValidationRules rules, long batchBytes,
      long contestedMax) {
    public static final long BATCH_BYTES_DEFAULT = 128L << 20;
    /**
     * Order ids of a batch read twice or already in silver, judged apart from the batch's other records (which are
     * new and need no shuffle), up to this many; a batch with more is judged by one window over all its records.
     */
    public static final long CONTESTED_MAX_DEFAULT = 200_000;

    public Options {
      if (input == null || input.isBlank()) {
        throw new IllegalArgumentException("input must name a file, folder or glob, cannot be: " + input);
      }
      if (batchBytes < 1) {
        throw new IllegalArgumentException("batchBytes must be at least 1, cannot be: " + batchBytes);
      }
      if (contestedMax < 0) {
        throw new IllegalArgumentException("contestedMax must be at least 0, cannot be: " + contestedMax);
      }
    }

    public Options(String input, SourceProfile profile, ValidationRules rules, long batchBytes) {
      this(input, profile, rules, batchBytes, CONTESTED_MAX_DEFAULT);
    }

    public Options(String input, SourceProfile profile, ValidationRules rules) {
      this(input, profile, rules, BATCH_BYTES_DEFAULT);
    }
  }

  /**
   * What the run did.
   *
   * @param runId the id of the whole run (from all its files); with one batch also the id its rows carry
   * @param batchRunIds the run id each batch's rows carry (ingest_run_id), in order
   */
  public record Result(String runId, List<String> batchRunIds, int filesFound, int filesSkipped,
      long ordersInserted, IngestAccounting books, List<RejectedFile> setAside, Map<String, Long> passMillis)
      implements StageResult {

    /** ops.runs: records in, orders accepted, quarantined and duplicate rows, per-file and per-reason counts. */
    @Override
    public RunRow runRow() {
      Map<String, Long> counts = new LinkedHashMap<>();
      counts.put("files_found", (long) filesFound);
      counts.put("files_skipped", (long) filesSkipped);
      counts.put("lines_read", books.linesRead());
      counts.put("records", books.records());
      counts.put("orders_inserted", ordersInserted);
      counts.put("files_empty", books.files().stream().filter(f -> f.size() == 0).count());
      counts.put("files_set_aside", (long) setAside.size());
      setAside.forEach(f -> counts.merge("set_aside." + f.reason(), 1L, Long::sum));
      books.quarantineByReason().forEach((k, v) -> counts.put("quarantined." + k, v));
      if (books.suppressed() > 0) {
        counts.put("suppressed", books.suppressed());
      }
      passMillis.forEach((pass, ms) -> counts.put(PASS_MS + pass, ms));
      return new RunRow(books.records(), books.accepted(), books.quarantined(), books.duplicates(), counts,
          "batches " + String.join(",", batchRunIds) + "; " + books.statement());
    }

    @Override
    public String summary() {
      return books.files().size() + " of " + filesFound + " files read, " + setAside.size() + " set aside, "
          + ordersInserted + " orders inserted; " + books.statement();
    }
  }

  /** ops.runs count keys of the passes' wall time in milliseconds ({@link PassClock}). */
  public static final String PASS_MS = "pass_ms.";

  private final DeltaTables tables;
  private final Options options;
  private final ErasureKey erasureKey;
  private Suppression suppression;
  private boolean silverCreated;

  public IngestStage(DeltaTables tables, Options options) {
    this(tables, options, null);
  }

  /**
   * With the key of the suppression list ({@link Suppression}; may be null while no customer was erased): records
   * of erased customers dated before their erasure are dropped and counted as suppressed.
   */
  public IngestStage(DeltaTables tables, Options options, ErasureKey erasureKey) {
    this.tables = tables;
    this.options = options;
    this.erasureKey = erasureKey;
  }

  public Result run() {
    SparkSession spark = tables.spark();
    List<LandingFiles.Landed> found = LandingFiles.list(spark.sparkContext().hadoopConfiguration(), options.input());
    if (found.isEmpty()) {
      throw new IllegalArgumentException("no input files match " + options.input());
    }
    Optional<FileLedger> cached = FileLedger.cached(tables);
    if (cached.map(l -> l.newOrChanged(found).isEmpty()).orElse(false)) {
      // no new or changed file: no table is opened and no Spark job runs
      return new Result(runId(List.of()), List.of(), found.size(), found.size(), 0,
          new IngestAccounting(List.of(), Map.of()), List.of(), Map.of());
    }
    PassClock clock = new PassClock(spark.sparkContext());
    clock.batch(found.size() + " files found");
    FileLedger ledger = clock.time(PassClock.PREPARE, () -> {
      Set<Table> created = createTables();
      silverCreated = created.contains(Table.PURCHASES);
      if (!silverCreated && cached.isEmpty()) {
        // warehouses older than the change data feed get it here: their first run with a file index read the
        // ledger tables, as every run without a current index does
        tables.ensureProperty(Table.PURCHASES, CHANGE_DATA_FEED, "true");
      }
      suppression = Suppression.load(tables, erasureKey);
      // creating tables and the property do not commit to the two ops tables: a current index stays current
      if (created.containsAll(List.of(Table.INGESTED_FILES, Table.REJECTED_FILES))) {
        return FileLedger.none(); // both just created: nothing to read
      }
      return cached.orElseGet(() -> FileLedger.read(tables));
    });
    List<LandingFiles.Landed> candidates = ledger.newOrChanged(found);
    String runId = runId(candidates);
    List<List<LandingFiles.Landed>> batches = batches(candidates, options.batchBytes());
    List<String> batchRunIds = new ArrayList<>();
    List<IngestAccounting.FileBook> files = new ArrayList<>();
    List<RejectedFile> setAside = new ArrayList<>();
    Map<String, Long> reasons = new HashMap<>();
    long inserted = 0;
    for (int i = 0; i < batches.size(); i++) {
      List<LandingFiles.Landed> batch = batches.get(i);
      String batchRunId = runId(batch); // with one batch, the run's own id
      if (batches.size() > 1) {
        LOG.info("ingest: batch {}/{}: {} files, {} MB ({})", i + 1, batches.size(), batch.size(),
            batch.stream().mapToLong(LandingFiles.Landed::size).sum() >> 20, batchRunId);
      }
      Progress.step("ingest batches done", i, batches.size());
      clock.batch(batch.size() + " files (" + batchRunId + ")");
      Batch b = ingestBatch(spark, batch, ledger, batchRunId, clock);
      batchRunIds.add(batchRunId);
      files.addAll(b.books().files());
      setAside.addAll(b.setAside());
      b.books().quarantineByReason().forEach((k, v) -> reasons.merge(k, v, Long::sum));
      inserted += b.inserted();
    }
    Progress.endStep();
    ledger.addRecorded(files, setAside);
    ledger.writeIndex(tables);
    LOG.info("ingest passes: {}", PassClock.describe(clock.millis()));
    return new Result(runId, batchRunIds, found.size(), found.size() - files.size() - setAside.size(), inserted,
        new IngestAccounting(files, reasons), setAside, clock.millis());
  }

  /**
   * The candidates in landing order, cut into consecutive batches of at most {@code maxBytes} (a larger file is
   * a batch of its own). Cutting depends only on the files, so a run killed between batches and started again
   * cuts the remaining files as before (the finished batches' files are skipped as ingested) and each batch keeps
   * its run id.
   */
  static List<List<LandingFiles.Landed>> batches(List<LandingFiles.Landed> files, long maxBytes) {
    List<List<LandingFiles.Landed>> out = new ArrayList<>();
    List<LandingFiles.Landed> current = new ArrayList<>();
    long bytes = 0;
    for (LandingFiles.Landed f : files) {
      if (!current.isEmpty() && bytes + f.size() > maxBytes) {
        out.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(f);
      bytes += f.size();
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  private record Batch(IngestAccounting books, long inserted, List<RejectedFile> setAside) {}

  /**
   * One batch: its empty files are recorded as ingested with no lines, without reading them; the others are
   * read, classified and written ({@link #read}); the files set aside are recorded last, so a run killed before
   * that reruns the batch with the same run id.
   */
  private Batch ingestBatch(SparkSession spark, List<LandingFiles.Landed> candidates, FileLedger ledger,
      String runId, PassClock clock) {
    List<IngestAccounting.FileBook> empty = ledger.empty(candidates);
    List<LandingFiles.Landed> nonEmpty = candidates.stream().filter(f -> f.size() > 0).toList();
    BatchAppends appends = BatchAppends.begin(tables, runId);
    if (nonEmpty.isEmpty()) { // nothing to read: only the empty files to record as ingested
      IngestAccounting books = new IngestAccounting(empty, Map.of());
      clock.time(PassClock.LEDGER, () -> FileLedger.recordIngested(appends, books,
          Timestamp.from(Instant.now())));
      appends.end();
      return new Batch(books, 0, List.of());
    }
    Batch b = read(spark, nonEmpty, empty, ledger, appends, clock);
    clock.time(PassClock.LEDGER, () -> FileLedger.recordRejected(appends, b.setAside(),
        Timestamp.from(Instant.now())));
    appends.end();
    return b;
  }

  /** Extract, classify, check the books, write (one commit per table); {@code empty}: the batch's empty files. */
  private Batch read(SparkSession spark, List<LandingFiles.Landed> candidates, List<IngestAccounting.FileBook> empty,
      FileLedger ledger, BatchAppends appends, PassClock clock) {
    String runId = appends.runId();
    Dataset<Row> extracted = extract(spark, candidates).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<Row> fileRows = clock.time(PassClock.EXTRACT, () -> extracted
          .filter(col(ExtractedSchema.ROW_TYPE).equalTo(ExtractedSchema.TYPE_FILE))
          .select(SOURCE_FILE, FILE_HASH, FILE_SIZE, MODIFIED_AT, LINES_READ,
              ExtractedSchema.HEADER_LINES, ExtractedSchema.BLANK_LINES, REASON, DETAIL)
          .collectAsList());
      List<RejectedFile> setAside = new ArrayList<>();
      Set<String> skip = skipped(fileRows, ledger, setAside);
      // the per-file columns are only needed for the books (fileRows): keep them out of the classifier's shuffle
      Dataset<Row> records = extracted.filter(col(ExtractedSchema.ROW_TYPE).equalTo(ExtractedSchema.TYPE_RECORD)
          .and(not(col(SOURCE_FILE).isin(skip.toArray()))))
          .drop(ExtractedSchema.ROW_TYPE, FILE_HASH, FILE_SIZE, LINES_READ, ExtractedSchema.BLANK_LINES,
              ExtractedSchema.HEADER_LINES, MODIFIED_AT);
      Dataset<Row> suppressed = null; // records of erased customers: counted, never stored
      if (!suppression.isEmpty()) {
        Dataset<Row> flagged = records.withColumn(SUPPRESSED, suppression.column(options.profile(), col(ORDER_TS)));
        suppressed = flagged.filter(col(SUPPRESSED)).select(col(SOURCE_FILE), col(LINE_COUNT));
        records = flagged.filter(not(col(SUPPRESSED))).drop(SUPPRESSED);
      }
      // a first load (silver created by this run and still at that empty commit) needs no lookup in silver; the
      // lookup reads the version it judges against, so silver's append does not list silver's files again for the
      // classifier's cached results
      long silverVersion = tables.version(Table.PURCHASES);
      Dataset<Row> silverKeys = silverCreated && silverVersion == 0 ? null
          : tables.readAt(Table.PURCHASES, silverVersion).select(ORDER_ID, CONTENT_HASH, INGEST_RUN_ID);
      // the source fields map is only written to bronze (from the extraction), never carried through the
      // classifier's shuffle and cache
      Dataset<Row> toJudge = records.drop(FIELDS);
      // a batch of up to BROADCAST_LINES lines sends its ids to the scan of silver instead of shuffling silver
      boolean broadcastIds = fileRows.stream().filter(f -> !f.isNullAt(4)).mapToLong(f -> f.getLong(4)).sum()
          <= BROADCAST_LINES;
      OrderClassifier.Classified c = clock.time(PassClock.CLASSIFY, () -> OrderClassifier.classify(toJudge,
          silverKeys, options.profile(), options.rules(), runId, options.contestedMax(), broadcastIds));
      // a judgement that is a broadcast lookup away from the extraction's cache is cheaper to redo than to cache
      Dataset<Row> judged = c.cheap() ? c.records() : c.records().persist(StorageLevel.MEMORY_AND_DISK());
      try {
        Dataset<Row> suppressedRecords = suppressed;
        IngestAccounting books = clock.time(PassClock.CLASSIFY,
            () -> BatchBooks.of(judged, suppressedRecords, fileRows, skip, empty));
        if (!books.imbalances().isEmpty()) {
          throw new IllegalStateException("ingest accounting does not balance, nothing written for "
              + candidates.size() + " files (run " + runId + "): " + String.join("; ", books.imbalances()));
        }
        // every candidate was touched but unchanged, or set aside: nothing to write, no table changes
        long inserted = books.files().isEmpty() ? 0 : write(records, judged, c.inserts(), books, appends, clock);
        return new Batch(books, inserted, setAside);
      } finally {
        judged.unpersist();
        c.release();
      }
    } finally {
      extracted.unpersist();
    }
  }

  /**
   * The files whose records are not ingested: known content (touched but unchanged), or set aside now (added to
   * {@code setAside}). {@code fileRows}: path, hash, size, modified, …, reason (7), detail (8).
   */
  private static Set<String> skipped(List<Row> fileRows, FileLedger ledger, List<RejectedFile> setAside) {
    Set<String> skip = new HashSet<>();
    for (Row f : fileRows) {
      if (ledger.knows(f.getString(0), f.getString(1))) {
        skip.add(f.getString(0));
      } else if (!f.isNullAt(7)) {
        skip.add(f.getString(0));
        setAside.add(new RejectedFile(f.getString(0), f.getString(1), f.getLong(2), f.getTimestamp(3).getTime(),
            f.getString(7), f.getString(8)));
      }
    }
    return skip;
  }

  static final String CHANGE_DATA_FEED = "delta.enableChangeDataFeed";
  private static final String SUPPRESSED = "suppressed";

  /**
   * Creates the ingest tables that do not exist yet, side by side (each creation is a commit with Spark jobs of
   * its own, and a first load waits for all five); silver gets the change data feed on creation, which the metrics
   * stage reads to update its per-customer state incrementally.
   *
   * @return the tables this call created
   */
  private Set<Table> createTables() {
    Map<Table, StructType> schemas = new LinkedHashMap<>();
    schemas.put(Table.PURCHASE_EVENTS, Schemas.PURCHASE_EVENTS);
    schemas.put(Table.PURCHASES, Schemas.PURCHASES);
    schemas.put(Table.QUARANTINE, Schemas.QUARANTINE);
    schemas.put(Table.INGESTED_FILES, Schemas.INGESTED_FILES);
    schemas.put(Table.REJECTED_FILES, Schemas.REJECTED_FILES);
    schemas.keySet().removeIf(tables::exists);
    if (schemas.isEmpty()) {
      return Set.of();
    }
    ExecutorService pool = Executors.newFixedThreadPool(schemas.size());
    try {
      List<Future<Boolean>> done = new ArrayList<>();
      schemas.forEach((t, schema) -> done.add(pool.submit(() -> tables.createIfNotExists(t, schema,
          t == Table.PURCHASES ? Map.of(CHANGE_DATA_FEED, "true") : Map.of()))));
      for (Future<Boolean> f : done) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("ingest: interrupted while creating the tables", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdown();
    }
    return Set.copyOf(schemas.keySet());
  }

  static String runId(List<LandingFiles.Landed> files) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (LandingFiles.Landed f : files) {
        md.update((f.path() + "|" + f.size() + "|" + f.modifiedMillis() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return "ingest-" + HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The batch's records and file rows: the files go to the executors as groups of about equal size (the
   * driver's listing already has their sizes: no second listing job, no task left with the largest files).
   */
  private Dataset<Row> extract(SparkSession spark, List<LandingFiles.Landed> files) {
    List<List<String>> groups = groups(files, 2 * spark.sparkContext().defaultParallelism(), GROUP_BYTES);
    JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(groups, groups.size())
        .flatMap(new RecordExtractor(options.profile(), options.rules(),
            SerializableConfiguration.broadcast(spark.sparkContext())));
    return spark.createDataFrame(rows, ExtractedSchema.SCHEMA);
  }

  /** Lines of a batch up to which its order ids are broadcast to the lookup in silver (bounds the broadcast). */
  private static final long BROADCAST_LINES = 2_000_000;

  /** Landed bytes per extraction task at most, beyond the minimum task count (bounds a task's rows in memory). */
  private static final long GROUP_BYTES = 64L << 20;

  /**
   * The files' paths in {@code max(minGroups, bytes / groupBytes)} groups (never more than files): largest file
   * first, each into the lightest group so far.
   */
  static List<List<String>> groups(List<LandingFiles.Landed> files, int minGroups, long groupBytes) {
    long bytes = files.stream().mapToLong(LandingFiles.Landed::size).sum();
    int n = (int) Math.min(files.size(), Math.max(minGroups, (bytes + groupBytes - 1) / groupBytes));
    List<List<String>> groups = new ArrayList<>();
    long[] load = new long[n];
    for (int i = 0; i < n; i++) {
      groups.add(new ArrayList<>());
    }
    List<LandingFiles.Landed> bySize = new ArrayList<>(files);
    bySize.sort(Comparator.comparingLong(LandingFiles.Landed::size).reversed()
        .thenComparing(LandingFiles.Landed::path));
    for (LandingFiles.Landed f : bySize) {
      int lightest = 0;
      for (int i = 1; i < n; i++) {
        if (load[i] < load[lightest]) {
          lightest = i;
        }
      }
      groups.get(lightest).add(f.path());
      load[lightest] += Math.max(1, f.size());
    }
    return groups;
  }

  /** {@code records}: every record read (bronze); {@code judged}: the same records with their outcome. */
  private long write(Dataset<Row> records, Dataset<Row> judged, Dataset<Row> inserts, IngestAccounting books,
      BatchAppends appends, PassClock clock) {
    String runId = appends.runId();
    Timestamp now = Timestamp.from(Instant.now());
    // a bronze table written before it had customer_id gets the column here
    clock.time(PassClock.BRONZE, () -> appends.append(Table.PURCHASE_EVENTS, records.select(col(SOURCE_FILE),
        col(LINE_NUMBER), col(LINE_COUNT), col(RAW_RECORD), col(CUSTOMER_ID), col(FIELDS),
        lit(runId).as(INGEST_RUN_ID), lit(now).as(INGESTED_AT)), DeltaTables.ADD_COLUMNS));
    FaultInjection.point("ingest.after-bronze");
    if (books.quarantined() > 0) { // the books counted them: no pass over the batch to find none
      clock.time(PassClock.QUARANTINE, () -> appends.append(Table.QUARANTINE, judged.filter(
              col(OrderClassifier.OUTCOME).equalTo(OrderClassifier.QUARANTINED))
          .select(col(RAW_RECORD), col(REASON), col(DETAIL), col(SOURCE_FILE), col(LINE_NUMBER),
              lit(runId).as(INGEST_RUN_ID))));
    }
    FaultInjection.point("ingest.after-quarantine");
    // The classifier already matched every order id against silver (under the warehouse lock), so the inserts
    // are new ids: a plain append (no MERGE join with the whole of silver). A rerun after a crash finds this
    // run's rows in silver (decided "accepted", not "insert"), and the batch's appends skip it too.
    long inserted = clock.time(PassClock.SILVER, () -> {
      long before = tables.version(Table.PURCHASES);
      appends.append(Table.PURCHASES, inserts);
      // the rows the append committed, from its log entry (no second pass); none when the retry skipped it
      return tables.version(Table.PURCHASES) == before ? 0L
          : tables.lastCommitRows(Table.PURCHASES).orElseGet(inserts::count);
    });
    FaultInjection.point("ingest.after-silver");
    clock.time(PassClock.LEDGER, () -> FileLedger.recordIngested(appends, books, now));
    return inserted;
  }
}
