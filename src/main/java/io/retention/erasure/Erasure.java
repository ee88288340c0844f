package io.retention.erasure;

import static io.retention.schema.Columns.CUSTOMER_ID;
import static io.retention.schema.Columns.INGEST_RUN_ID;
import static io.retention.schema.Columns.LINE_NUMBER;
import static io.retention.schema.Columns.SOURCE_FILE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import io.retention.ingest.CustomerIds;
import io.retention.ingest.SourceProfile;
import io.retention.lake.DeltaTables;
import io.retention.lake.IdStatistics;
import io.retention.lake.Table;
import io.retention.metrics.CustomerState;
import io.retention.pipeline.RunRow;
import io.retention.pipeline.StageResult;
import io.retention.schema.Schemas;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erasure of customers from the warehouse ({@code forget}): every row of theirs in bronze, silver, quarantine, the
 * per-customer state and the per-customer gold tables is deleted, deletion vectors are purged and, with vacuum,
 * every file no longer in the current version is deleted, so time travel cannot bring the rows back (Delta's
 * DELETE → REORG ... APPLY (PURGE) → VACUUM path). The exported CSVs and reports that show them are rewritten
 * ({@link ErasedFiles}), and one audit row per customer (keyed hash, counts per table, time) goes to ops.erasures,
 * which is also ingest's suppression list.
 *
 * <ul>
 *   <li>No id is ever written into a commit: the rows are deleted by a MERGE whose source is a small frame of the
 *       ids (or of bronze's record keys), never a {@code WHERE customer_id IN ('...')} whose text Delta logs.</li>
 *   <li>Bronze holds the raw record text: its rows are matched by the customer id parsed from their source fields
 *       ({@link CustomerIds}, the rule of ingest), never by a substring of the text (an unparsed record by an exact
 *       token of it, {@link CustomerIds#candidates}); quarantine's rows are matched through their bronze record
 *       (file, line, run).</li>
 *   <li>The log keeps column statistics (min/max) of every commit; tables holding ids keep none on text columns
 *       ({@link IdStatistics}). A table created before that is rewritten once, here, as a fresh table (logged).</li>
 *   <li>The per-customer state is brought up to date first and then loses the customers in a commit carrying
 *       silver's new version as its watermark, so the next metrics run stays incremental.</li>
 *   <li>Idempotent: customers no longer present cost no commit; a rerun finds nothing and only audits again.</li>
 * </ul>
 * Cost: one scan of each table holding ids (the counts), one MERGE and one REORG per table that holds one of the
 * customers, one VACUUM per table with vacuum. Only the matching keys and counts reach the driver.
 */
public final class Erasure {
  private static final Logger LOG = LoggerFactory.getLogger(Erasure.class);
  public static final String STAGE = "forget";
  /** The per-customer gold tables, besides the state. */
  static final List<Table> GOLD = List.of(Table.CUSTOMERS, Table.CUSTOMER_CLV, Table.CHURN_FEATURES,
      Table.CHURN_SCORES, Table.AT_RISK_LISTS);
  private static final StructType IDS = Schemas.struct(Schemas.field(CUSTOMER_ID, DataTypes.StringType));
  private static final StructType RECORD_KEYS = Schemas.struct(Schemas.field(SOURCE_FILE, DataTypes.StringType),
      Schemas.field(LINE_NUMBER, DataTypes.LongType), Schemas.field(INGEST_RUN_ID, DataTypes.StringType),
      Schemas.field(CUSTOMER_ID, DataTypes.StringType));

  /**
   * What to erase and how.
   *
   * @param ids the customer ids, normalised as ingest stores them, without repeats
   * @param files the exports and reports to rewrite
   */
  public record Options(List<String> ids, ErasureKey key, SourceProfile profile, boolean vacuum, boolean dryRun,
      ErasedFiles files) {
    public Options {
      if (ids == null || ids.isEmpty()) {
        throw new IllegalArgumentException("forget: no customer id to erase");
      }
      ids = List.copyOf(ids);
    }
  }

  /**
   * What a run did (or, in a dry run, would do).
   *
   * @param rows rows removed per table ({@code layer.name}), exports and reports included
   * @param migrated tables rewritten once without id statistics (in a dry run: the tables that would be)
   */
  public record Result(String runId, int customers, Map<String, Long> rows, List<String> migrated,
      boolean vacuumed, boolean dryRun) implements StageResult {
    public long total() {
      return rows.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public RunRow runRow() {
      return RunRow.of(customers, total(), rows, (dryRun ? "dry run; " : "") + customers + " customers"
          + (vacuumed ? ", vacuumed" : "") + (migrated.isEmpty() ? "" : ", migrated " + String.join(",", migrated)));
    }

    @Override
    public String summary() {
      return String.format(Locale.ROOT, "%s%d customers, %d rows %s%s", dryRun ? "dry run: " : "", customers,
          total(), dryRun ? "would be removed" : "removed", vacuumed ? ", old files vacuumed" : "");
    }
  }

  private final DeltaTables tables;
  private final Options options;
  private final PrintStream progress;

  public Erasure(DeltaTables tables, Options options, PrintStream progress) {
    this.tables = tables;
    this.options = options;
    this.progress = progress;
  }

  public Result run(String runId) throws IOException {
    SparkSession spark = tables.spark();
    Dataset<Row> ids = spark.createDataFrame(options.ids().stream().map(i -> RowFactory.create(i)).toList(), IDS);
    List<String> migrated = options.dryRun() ? IdStatistics.HOLDING_IDS.stream()
        .filter(t -> IdStatistics.needsMigration(tables, t)).map(Table::qualifiedName).toList() : migrate();
    if (!options.dryRun() && tables.exists(Table.PURCHASES) && tables.exists(Table.CUSTOMER_ACTIVITY)) {
      step("bringing " + Table.CUSTOMER_ACTIVITY.qualifiedName() + " up to date first");
      new CustomerState(tables).refresh(false);
    }
    step("finding the customers' rows");
    List<Row> recordKeys = tables.exists(Table.PURCHASE_EVENTS) ? bronzeKeys(ids) : List.of();
    Dataset<Row> records = spark.createDataFrame(recordKeys, RECORD_KEYS);
    Map<Table, Map<String, Long>> counts = new EnumMap<>(Table.class);
    if (tables.exists(Table.PURCHASE_EVENTS)) {
      counts.put(Table.PURCHASE_EVENTS, perCustomer(recordKeys));
    }
    if (tables.exists(Table.QUARANTINE)) {
      counts.put(Table.QUARANTINE, perCustomer(tables.read(Table.QUARANTINE)
          .join(records, new String[] {SOURCE_FILE, LINE_NUMBER, INGEST_RUN_ID}).select(CUSTOMER_ID)
          .collectAsList()));
    }
    for (Table t : byCustomerId()) {
      if (tables.exists(t)) {
        Map<String, Long> m = new HashMap<>();
        tables.read(t).join(ids, CUSTOMER_ID).groupBy(CUSTOMER_ID).count().collectAsList()
            .forEach(r -> m.put(r.getString(0), r.getLong(1)));
        counts.put(t, m);
      }
    }
    Map<String, Long> rows = new LinkedHashMap<>();
    counts.forEach((t, m) -> rows.put(t.qualifiedName(), m.values().stream().mapToLong(Long::longValue).sum()));
    if (!options.dryRun()) {
      delete(ids, records, rows);
      if (options.vacuum()) {
        for (Table t : IdStatistics.HOLDING_IDS) {
          if (tables.exists(t)) {
            step("VACUUM " + t.qualifiedName() + " (retention 0 hours: no older version keeps a file)");
            tables.vacuumNow(t);
          }
        }
      }
    }
    step((options.dryRun() ? "checking" : "rewriting") + " exports and reports");
    ErasedFiles.Removed removed = options.files().remove(spark, options.ids(), options.dryRun());
    rows.put("exports", removed.exportRows());
    rows.put("reports", removed.reportRows());
    if (!options.dryRun()) {
      audit(runId, counts, removed);
    }
    return new Result(runId, options.ids().size(), rows, migrated, options.vacuum() && !options.dryRun(),
        options.dryRun());
  }

  /**
   * The keys of the customers' bronze records (source file, line, run) with the id each matched. Bronze written
   * before it had a customer_id column gets the column on ingest's next append; until then its rows are matched by
   * their source fields alone.
   */
  private List<Row> bronzeKeys(Dataset<Row> ids) {
    Dataset<Row> bronze = tables.read(Table.PURCHASE_EVENTS);
    boolean hasCustomerId = List.of(bronze.columns()).contains(CUSTOMER_ID);
    return bronze.select(col(SOURCE_FILE), col(LINE_NUMBER), col(INGEST_RUN_ID),
            explode(CustomerIds.candidates(options.profile(), hasCustomerId)).as(CUSTOMER_ID))
        .join(ids, CUSTOMER_ID).dropDuplicates(SOURCE_FILE, LINE_NUMBER, INGEST_RUN_ID)
        .select(SOURCE_FILE, LINE_NUMBER, INGEST_RUN_ID, CUSTOMER_ID).collectAsList();
  }

  /** silver and the per-customer gold tables: matched by their customer_id column. */
  private static List<Table> byCustomerId() {
    List<Table> out = new ArrayList<>();
    out.add(Table.PURCHASES);
    out.add(Table.CUSTOMER_ACTIVITY);
    out.addAll(GOLD);
    return out;
  }

  /** Rewrites once each table holding ids that was created with statistics on its text columns. */
  private List<String> migrate() throws IOException {
    List<String> out = new ArrayList<>();
    for (Table t : IdStatistics.HOLDING_IDS) {
      if (IdStatistics.needsMigration(tables, t)) {
        String msg = "migrating " + t.qualifiedName() + ": rewritten once as a new table whose log keeps no "
            + "statistics of its text columns (the old log, with its min/max values, and the history are dropped)";
        step(msg);
        LOG.warn("forget: {}", msg);
        long n = tables.rewriteAsNewTable(t, Map.of(IdStatistics.STATS_COLUMNS,
            IdStatistics.statsColumns(tables.read(t).schema())));
        LOG.warn("forget: migrated {} ({} rows)", t.qualifiedName(), n);
        out.add(t.qualifiedName());
      }
    }
    return out;
  }

  /** Silver first (then the state can record silver's new version), bronze, quarantine, gold, the state last. */
  private void delete(Dataset<Row> ids, Dataset<Row> records, Map<String, Long> rows) {
    boolean silverChanged = deleteFrom(Table.PURCHASES, rows, ids, CUSTOMER_ID);
    deleteFrom(Table.PURCHASE_EVENTS, rows, records, SOURCE_FILE, LINE_NUMBER, INGEST_RUN_ID);
    deleteFrom(Table.QUARANTINE, rows, records, SOURCE_FILE, LINE_NUMBER, INGEST_RUN_ID);
    for (Table t : GOLD) {
      deleteFrom(t, rows, ids, CUSTOMER_ID);
    }
    Table hub = Table.CUSTOMER_ACTIVITY;
    if (tables.exists(hub) && (silverChanged || rows.getOrDefault(hub.qualifiedName(), 0L) > 0)) {
      step("DELETE from " + hub.qualifiedName() + " (watermark: silver's new version)");
      new CustomerState(tables).forget(ids, "erasure");
      tables.purge(hub);
    }
  }

  /** Deletes the matching rows of {@code t} and purges its deletion vectors; false when it holds none. */
  private boolean deleteFrom(Table t, Map<String, Long> rows, Dataset<Row> keys, String... keyColumns) {
    if (!tables.exists(t) || rows.getOrDefault(t.qualifiedName(), 0L) == 0) {
      return false;
    }
    step("DELETE " + rows.get(t.qualifiedName()) + " rows from " + t.qualifiedName() + " (MERGE with the ids)");
    tables.mergeDelete(t, keys, keyColumns);
    tables.purge(t);
    return true;
  }

  private void audit(String runId, Map<Table, Map<String, Long>> counts, ErasedFiles.Removed removed) {
    Timestamp now = Timestamp.from(Instant.now());
    List<Row> audit = new ArrayList<>();
    for (String id : options.ids()) {
      Map<String, Long> m = new LinkedHashMap<>();
      counts.forEach((t, c) -> m.put(t.qualifiedName(), c.getOrDefault(id, 0L)));
      m.put("exports", removed.exportRowsOf(id));
      m.put("reports", removed.reportRowsOf(id));
      audit.add(RowFactory.create(options.key().hash(id), now, runId,
          scala.jdk.javaapi.CollectionConverters.asScala(m), options.vacuum()));
    }
    tables.createIfNotExists(Table.ERASURES, Schemas.ERASURES);
    tables.append(Table.ERASURES, tables.spark().createDataFrame(audit, Schemas.ERASURES));
  }

  private static Map<String, Long> perCustomer(List<Row> rowsWithCustomerLast) {
    Map<String, Long> m = new HashMap<>();
    for (Row r : rowsWithCustomerLast) {
      m.merge(r.getString(r.length() - 1), 1L, Long::sum);
    }
    return m;
  }

  private final long started = System.nanoTime();

  /** A progress line, with the seconds since the run started. */
  private void step(String what) {
    progress.printf(Locale.ROOT, "forget: [%6.1f s] %s%n", (System.nanoTime() - started) / 1e9, what);
  }
}
