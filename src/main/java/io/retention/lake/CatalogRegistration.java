package io.retention.lake;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTableType;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalog;

/**
 * Registers every table of the warehouse by name in the session's catalog (a Hive metastore for
 * {@code catalog}): the layers become databases, each existing table an external Delta table
 * {@code <layer>.<name>} at its location ({@code CREATE TABLE IF NOT EXISTS … USING delta LOCATION …}).
 *
 * <ul>
 *   <li>Idempotent: a table registered at its location is left alone; re-running changes nothing.
 *   <li>A name registered elsewhere (the warehouse moved) or not as Delta is dropped and registered again; a
 *       name whose table is gone from the warehouse is dropped. Only external entries are dropped (their data
 *       stays); a managed table or a view under one of the names is refused, never touched.
 *   <li>Other entries of the four databases (an analyst's own tables) are left alone.
 * </ul>
 *
 * <p>Cost: metadata only (one Delta log read per table, a few metastore calls); no Spark job.
 */
public final class CatalogRegistration {
  /** What registration did to one table's name. */
  public enum Change { CREATED, FIXED, UNCHANGED, DROPPED, ABSENT }

  /** One table: what happened to its name and the location it now points at (null when not registered). */
  public record Entry(Table table, Change change, String location) {}

  private final DeltaTables tables;

  public CatalogRegistration(DeltaTables tables) {
    this.tables = tables;
  }

  /** Registers, fixes or drops every table's name; one entry per table of {@link Table}, in its order. */
  public List<Entry> run() {
    SparkSession spark = tables.spark();
    ExternalCatalog catalog = spark.sharedState().externalCatalog();
    Set<String> layers = new LinkedHashSet<>();
    for (Table t : Table.values()) {
      layers.add(t.layer());
    }
    for (String layer : layers) {
      spark.sql("CREATE DATABASE IF NOT EXISTS " + layer);
    }
    List<Entry> out = new ArrayList<>();
    for (Table t : Table.values()) {
      CatalogTable registered = catalog.tableExists(t.layer(), t.tableName())
          ? catalog.getTable(t.layer(), t.tableName()) : null;
      out.add(register(t, registered));
    }
    return out;
  }

  private Entry register(Table t, CatalogTable registered) {
    boolean onDisk = tables.exists(t);
    String location = qualified(tables.path(t));
    if (registered != null && registered.tableType() != CatalogTableType.EXTERNAL()) {
      throw new IllegalStateException("catalog: " + t.qualifiedName() + " is a "
          + registered.tableType().name().toLowerCase(Locale.ROOT)
          + " entry of the metastore, not this warehouse's table: drop or rename it first");
    }
    if (!onDisk) {
      if (registered == null) {
        return new Entry(t, Change.ABSENT, null);
      }
      drop(t);
      return new Entry(t, Change.DROPPED, null);
    }
    if (registered == null) {
      create(t, location);
      return new Entry(t, Change.CREATED, location);
    }
    boolean delta = registered.provider().isDefined() && "delta".equalsIgnoreCase(registered.provider().get());
    if (delta && registered.storage().locationUri().isDefined()
        && location.equals(qualified(registered.storage().locationUri().get().toString()))) {
      return new Entry(t, Change.UNCHANGED, location);
    }
    drop(t);
    create(t, location);
    return new Entry(t, Change.FIXED, location);
  }

  private void drop(Table t) {
    // an external entry: DROP removes the name only, never the files
    tables.spark().sql("DROP TABLE IF EXISTS " + t.qualifiedName());
  }

  private void create(Table t, String location) {
    tables.spark().sql("CREATE TABLE IF NOT EXISTS " + t.qualifiedName() + " USING delta LOCATION '"
        + location.replace("\\", "\\\\").replace("'", "\\'") + "'");
  }

  /** {@code path} as its file system's fully qualified URI, e.g. {@code file:/data/warehouse/gold/customers}. */
  private String qualified(String path) {
    Path p = new Path(path);
    FileSystem fs = FileSystems.of(p, tables.spark().sessionState().newHadoopConf());
    return fs.makeQualified(p).toString();
  }
}
