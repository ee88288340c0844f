package io.retention.lake;

import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Creating, reading and writing the warehouse's Delta tables. All writes are single Delta commits. */
public final class DeltaTables {
  private static final Pattern COMMIT = Pattern.compile("\\d{20}\\.json");
  private final SparkSession spark;
  private final String warehouse;

  public DeltaTables(SparkSession spark, String warehouse) {
    this.spark = spark;
    this.warehouse = warehouse;
  }

  public String warehouse() {
    return warehouse;
  }

  public SparkSession spark() {
    return spark;
  }

  public String path(Table table) {
    return table.path(warehouse);
  }

  /**
   * The table's latest commit version: the highest {@code _delta_log/NNNNNNNNNNNNNNNNNNNN.json}, or -1 when it
   * does not exist. A listing of the log folder: no snapshot is loaded and no Spark job runs.
   */
  public long version(Table table) {
    return latestCommit(table).version();
  }

  /** A table's latest commit: its version and the modification time of its log file (-1, 0 when none). */
  public record Commit(long version, long modifiedMillis) {}

  /** The latest commit from a listing of the log folder (tells a re-created table from the old one). */
  public Commit latestCommit(Table table) {
    Path log = new Path(path(table), "_delta_log");
    try {
      FileSystem fs = log.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(log)) {
        return new Commit(-1, 0);
      }
      Commit latest = new Commit(-1, 0);
      for (FileStatus s : fs.listStatus(log)) {
        String name = s.getPath().getName();
        long v = COMMIT.matcher(name).matches() ? Long.parseLong(name.substring(0, 20)) : -1;
        if (v > latest.version()) {
          latest = new Commit(v, s.getModificationTime());
        }
      }
      return latest;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + log + ": " + e.getMessage(), e);
    }
  }

  public boolean exists(Table table) {
    return version(table) >= 0; // a listing of its _delta_log: isDeltaTable would open the table's snapshot
  }

  /** Creates the table with typed columns when it does not exist yet (safe to call on every run). */
  public void createIfNotExists(Table table, StructType schema, String... partitionColumns) {
    createIfNotExists(table, schema, Map.of(), partitionColumns);
  }

  /**
   * As {@link #createIfNotExists(Table, StructType, String...)}, with more table properties set on creation.
   *
   * @return true when this call created the table
   */
  public boolean createIfNotExists(Table table, StructType schema, Map<String, String> properties,
      String... partitionColumns) {
    if (exists(table)) {
      return false;
    }
    DeltaTableBuilder builder = DeltaTable.createIfNotExists(spark).location(path(table));
    for (StructField f : schema.fields()) {
      builder = builder.addColumn(f.name(), f.dataType(), true);
    }
    if (partitionColumns.length > 0) {
      builder = builder.partitionedBy(partitionColumns);
    }
    Map<String, String> all = new TreeMap<>(creationProperties(table, schema));
    all.putAll(properties);
    for (Map.Entry<String, String> p : all.entrySet()) {
      builder = builder.property(p.getKey(), p.getValue());
    }
    builder.execute();
    return true;
  }

  public Dataset<Row> read(Table table) {
    return spark.read().format("delta").load(path(table));
  }

  /**
   * The table as of {@code version} (time travel). Unlike {@link #read}, a cached result that reads it is not
   * planned again (its files listed again) when a write to the table commits: Spark re-caches every cached plan
   * that reads the written table unpinned.
   */
  public Dataset<Row> readAt(Table table, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(path(table));
  }

  /** Reads the table, or an empty frame of {@code schema} when the table does not exist yet. */
  public Dataset<Row> readOrEmpty(Table table, StructType schema) {
    return exists(table) ? read(table) : spark.createDataFrame(new ArrayList<Row>(), schema);
  }

  public DeltaTable delta(Table table) {
    return DeltaTable.forPath(spark, path(table));
  }

  /**
   * The {@code numOutputRows} metric of the table's latest commit, read from its log alone (no scan of the
   * data); empty when the commit carries no such metric (commit metrics disabled). Callers hold the warehouse
   * lock, so the latest commit is their own.
   */
  public OptionalLong lastCommitRows(Table table) {
    return lastCommitRows(spark, path(table));
  }

  /** As {@link #lastCommitRows(Table)}, for the Delta table at {@code path} (e.g. a scratch table). */
  public static OptionalLong lastCommitRows(SparkSession spark, String path) {
    Row last = lastCommit(spark, path, "operationMetrics");
    Map<String, String> metrics = last.isNullAt(0) ? Map.of() : last.getJavaMap(0);
    String rows = metrics.get("numOutputRows");
    return rows == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(rows));
  }

  /** The {@code userMetadata} of {@code table}'s latest commit (empty when it has none). */
  public Optional<String> lastCommitMetadata(Table table) {
    Row last = lastCommit(spark, path(table), "userMetadata");
    return last.isNullAt(0) ? Optional.empty() : Optional.of(last.getString(0));
  }

  /** One column of the table's latest commit in its history (read from the log, no scan of the data). */
  private static Row lastCommit(SparkSession spark, String path, String column) {
    return DeltaTable.forPath(spark, path).history(1).select(column).first();
  }

  /** Appends {@code rows} in one commit (creates the table when it does not exist). */
  public void append(Table table, Dataset<Row> rows) {
    append(table, rows, Map.of());
  }

  /** As {@link #append(Table, Dataset)} with Delta write options, e.g. {@link #ADD_COLUMNS}. */
  public void append(Table table, Dataset<Row> rows, Map<String, String> options) {
    rows.write().format("delta").mode("append").options(onCreation(table, rows)).options(options)
        .save(path(table));
  }

  /** Write options for rows that may carry columns the table lacks: they are added (older rows read them as NULL). */
  public static final Map<String, String> ADD_COLUMNS = Map.of("mergeSchema", "true");

  /**
   * Replaces the rows matching {@code predicate} (a SQL condition on the table's columns) with {@code rows}
   * in one commit; on a table that does not exist yet, creates it with {@code rows}. Columns {@code rows} has
   * and the table lacks are added (older rows read them as NULL).
   */
  public void replaceWhere(Table table, Dataset<Row> rows, String predicate) {
    var writer = rows.write().format("delta").mode("overwrite").options(ADD_COLUMNS);
    if (exists(table)) {
      writer = writer.option("replaceWhere", predicate);
    } else {
      writer = writer.options(creationProperties(table, rows.schema()));
    }
    writer.save(path(table));
  }

  /**
   * As {@link #overwrite(Table, Dataset, String...)} with Delta write options, e.g. the commit's
   * {@code userMetadata} or a table property to set on creation.
   */
  public void overwrite(Table table, Dataset<Row> rows, Map<String, String> options) {
    rows.write().format("delta").mode("overwrite").option("overwriteSchema", "true")
        .options(onCreation(table, rows)).options(options).save(path(table));
  }

  /** Replaces the whole table content in one commit (readers see the old or the new version). */
  public void overwrite(Table table, Dataset<Row> rows, String... partitionColumns) {
    var writer = rows.write().format("delta").mode("overwrite").option("overwriteSchema", "true")
        .options(onCreation(table, rows));
    if (partitionColumns.length > 0) {
      writer = writer.partitionBy(partitionColumns);
    }
    writer.save(path(table));
  }

  /**
   * Sets the table property {@code key} to {@code value} unless it is set so already (read from the table's
   * metadata: no scan); when it is not, one metadata commit. Safe to call on every run.
   */
  public void ensureProperty(Table table, String key, String value) {
    String name = sqlName(table);
    boolean set = spark.sql("SHOW TBLPROPERTIES " + name).collectAsList().stream()
        .anyMatch(r -> key.equals(r.getString(0)) && value.equalsIgnoreCase(r.getString(1)));
    if (!set) {
      spark.sql("ALTER TABLE " + name + " SET TBLPROPERTIES ('" + key + "' = '" + value + "')");
    }
  }

  /** The table properties a table gets when a write creates it (none when it exists already). */
  private Map<String, String> onCreation(Table table, Dataset<Row> rows) {
    return exists(table) ? Map.of() : creationProperties(table, rows.schema());
  }

  /**
   * The properties a new table of {@code schema} is created with: on a table holding customer data
   * ({@link IdStatistics#HOLDING_IDS}) Delta collects column statistics (min/max values kept in the log) only on
   * the columns that cannot hold an id ({@link IdStatistics#statsColumns}).
   */
  static Map<String, String> creationProperties(Table table, StructType schema) {
    return IdStatistics.HOLDING_IDS.contains(table)
        ? Map.of(IdStatistics.STATS_COLUMNS, IdStatistics.statsColumns(schema)) : Map.of();
  }

  /**
   * Deletes the rows of {@code table} that match a row of {@code keys} on {@code keyColumns}, as a MERGE with
   * {@code keys} as its source (so no key value is written into the commit's predicate, unlike a
   * {@code DELETE ... WHERE id IN (...)}). Returns the rows deleted (the commit's metric).
   */
  public long mergeDelete(Table table, Dataset<Row> keys, String... keyColumns) {
    StringBuilder cond = new StringBuilder();
    for (String k : keyColumns) {
      cond.append(cond.length() == 0 ? "" : " AND ").append("t.`").append(k).append("` = s.`").append(k)
          .append('`');
    }
    delta(table).as("t").merge(keys.as("s"), cond.toString()).whenMatched().delete().execute();
    Row last = delta(table).history(1).select("operationMetrics").first();
    Map<String, String> metrics = last.isNullAt(0) ? Map.of() : last.getJavaMap(0);
    return Long.parseLong(metrics.getOrDefault("numTargetRowsDeleted", "0"));
  }

  /**
   * Rewrites the files of {@code table} that carry deletion vectors, so rows marked deleted are gone from the
   * current version's files too ({@code REORG TABLE ... APPLY (PURGE)}; the old files stay until VACUUM).
   */
  public void purge(Table table) {
    spark.sql("REORG TABLE " + sqlName(table) + " APPLY (PURGE)");
  }

  /**
   * VACUUM with a retention of 0 hours: deletes every file no longer in the current version, so time travel
   * cannot read removed rows back. Delta refuses a retention below its safe 168 hours unless
   * {@code spark.databricks.delta.retentionDurationCheck.enabled} is false: set for this call only, then restored
   * (as is the listing's parallelism).
   * Readers of older versions must not run meanwhile (the warehouse lock keeps the job's own writers out).
   */
  public void vacuumNow(Table table) {
    // VACUUM lists the table's folder with as many tasks as parallelPartitionDiscovery.parallelism (10,000 by
    // default): thousands of empty tasks on a small table, so the listing gets the shuffle partitions instead
    Map<String, String> settings = Map.of("spark.databricks.delta.retentionDurationCheck.enabled", "false",
        "spark.sql.sources.parallelPartitionDiscovery.parallelism",
        spark.conf().get("spark.sql.shuffle.partitions"));
    SessionSettings.with(spark, settings, () -> delta(table).vacuum(0));
  }

  /** The table's properties (its metadata, no scan). */
  public Map<String, String> properties(Table table) {
    Row r = delta(table).detail().select("properties").first();
    return r.isNullAt(0) ? Map.of() : r.getJavaMap(0);
  }

  /**
   * Rewrites {@code table} as a new table (a fresh log, version 0) with its current rows, its properties and
   * {@code extraProperties}, then swaps it in ({@link FolderReplace}). The old log with everything its commits
   * recorded is deleted, and so is the table's history. Returns the rows copied.
   */
  public long rewriteAsNewTable(Table table, Map<String, String> extraProperties) throws IOException {
    Map<String, String> props = new java.util.LinkedHashMap<>(properties(table));
    props.putAll(extraProperties);
    Path target = new Path(path(table));
    FileSystem fs = FileSystems.of(target, spark.sessionState().newHadoopConf());
    target = fs.makeQualified(target);
    Path tmp = FolderReplace.temporarySibling(target);
    try {
      Dataset<Row> rows = read(table);
      rows.write().format("delta").mode("overwrite").options(props).save(tmp.toString());
      long n = spark.read().format("delta").load(tmp.toString()).count();
      FolderReplace.replace(fs, tmp, target);
      return n;
    } catch (IOException | RuntimeException e) {
      FolderReplace.deleteQuietly(fs, tmp);
      throw e;
    }
  }

  private String sqlName(Table table) {
    return "delta.`" + path(table).replace("`", "``") + "`";
  }

  /** Sets the table property {@code key} to {@code value} (one metadata commit). */
  public void setProperty(Table table, String key, String value) {
    setProperties(table, Map.of(key, value));
  }

  /** Sets every property of {@code properties} (one metadata commit; quotes are dropped from keys and values). */
  public void setProperties(Table table, Map<String, String> properties) {
    StringBuilder sql = new StringBuilder();
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(properties).entrySet()) {
      sql.append(sql.length() == 0 ? "" : ", ").append("'").append(e.getKey().replace("'", "")).append("' = '")
          .append(e.getValue().replace("'", "")).append("'");
    }
    spark.sql("ALTER TABLE " + sqlName(table) + " SET TBLPROPERTIES (" + sql + ")");
  }

  /** Lists the tables of the warehouse that exist on disk. */
  public List<Table> existing() {
    List<Table> out = new ArrayList<>();
    for (Table t : Table.values()) {
      if (exists(t)) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * Registers every existing table as a view {@code <name>} and as {@code <layer>.<name>} (layers are Spark
   * databases), so analysts can query with either name.
   */
  public List<Table> registerViews() {
    return registerViews(existing());
  }

  /** Registers {@code which} (existing tables) as {@link #registerViews()} does. */
  public List<Table> registerViews(List<Table> which) {
    List<Table> registered = List.copyOf(which);
    for (Table t : registered) {
      spark.sql("CREATE DATABASE IF NOT EXISTS " + t.layer());
      // external tables: DROP removes the catalog entry only, never the data; re-creating points the name at
      // this warehouse even when the session registered another one before
      spark.sql("DROP TABLE IF EXISTS " + t.qualifiedName());
      spark.sql("CREATE TABLE " + t.qualifiedName() + " USING delta LOCATION '"
          + path(t).replace("'", "\\'") + "'");
      read(t).createOrReplaceTempView(t.tableName());
    }
    return registered;
  }
}
