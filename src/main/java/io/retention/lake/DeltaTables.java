package io.retention.lake;

import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Creating, reading and writing the warehouse's Delta tables. All writes are single Delta commits. */
public final class DeltaTables {
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

  public boolean exists(Table table) {
    return DeltaTable.isDeltaTable(spark, path(table));
  }

  /** Creates the table with typed columns when it does not exist yet (safe to call on every run). */
  public void createIfNotExists(Table table, StructType schema, String... partitionColumns) {
    if (exists(table)) {
      return;
    }
    DeltaTableBuilder builder = DeltaTable.createIfNotExists(spark).location(path(table));
    for (StructField f : schema.fields()) {
      builder = builder.addColumn(f.name(), f.dataType(), true);
    }
    if (partitionColumns.length > 0) {
      builder = builder.partitionedBy(partitionColumns);
    }
    builder.execute();
  }

  public Dataset<Row> read(Table table) {
    return spark.read().format("delta").load(path(table));
  }

  /** Reads the table, or an empty frame of {@code schema} when the table does not exist yet. */
  public Dataset<Row> readOrEmpty(Table table, StructType schema) {
    return exists(table) ? read(table) : spark.createDataFrame(new ArrayList<Row>(), schema);
  }

  public DeltaTable delta(Table table) {
    return DeltaTable.forPath(spark, path(table));
  }

  /**
   * Appends {@code rows} exactly once for the idempotency key {@code (appId, version)}: when an earlier
   * attempt already committed that key (a crashed run being re-run), Delta skips the write.
   */
  public void appendOnce(Table table, Dataset<Row> rows, String appId, long version) {
    rows.write().format("delta").mode("append")
        .option("txnAppId", appId)
        .option("txnVersion", version)
        .save(path(table));
  }

  /** Appends {@code rows} in one commit (creates the table when it does not exist). */
  public void append(Table table, Dataset<Row> rows) {
    rows.write().format("delta").mode("append").save(path(table));
  }

  /**
   * Replaces the rows matching {@code predicate} (a SQL condition on the table's columns) with {@code rows}
   * in one commit; on a table that does not exist yet, creates it with {@code rows}. Columns {@code rows} has
   * and the table lacks are added (older rows read them as NULL).
   */
  public void replaceWhere(Table table, Dataset<Row> rows, String predicate) {
    var writer = rows.write().format("delta").mode("overwrite").option("mergeSchema", "true");
    if (exists(table)) {
      writer = writer.option("replaceWhere", predicate);
    }
    writer.save(path(table));
  }

  /**
   * As {@link #overwrite(Table, Dataset, String...)} with Delta write options, e.g. the commit's
   * {@code userMetadata} or a table property to set on creation.
   */
  public void overwrite(Table table, Dataset<Row> rows, Map<String, String> options) {
    rows.write().format("delta").mode("overwrite").option("overwriteSchema", "true").options(options)
        .save(path(table));
  }

  /** Replaces the whole table content in one commit (readers see the old or the new version). */
  public void overwrite(Table table, Dataset<Row> rows, String... partitionColumns) {
    var writer = rows.write().format("delta").mode("overwrite").option("overwriteSchema", "true");
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
    String name = "delta.`" + path(table).replace("`", "``") + "`";
    boolean set = spark.sql("SHOW TBLPROPERTIES " + name).collectAsList().stream()
        .anyMatch(r -> key.equals(r.getString(0)) && value.equalsIgnoreCase(r.getString(1)));
    if (!set) {
      spark.sql("ALTER TABLE " + name + " SET TBLPROPERTIES ('" + key + "' = '" + value + "')");
    }
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
    List<Table> registered = existing();
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
