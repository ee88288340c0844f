package io.retention.bench;

import io.retention.lake.DeltaTables;
import io.retention.schema.Columns;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The peers of ingest: the same landing files loaded without any validation, accounting or dedup, so the
 * ingest ratios say what the job's checks cost over the engine's plain load. Both read the generator's CSV
 * layout with an explicit schema (no inference): Spark's own CSV reader appending to a scratch Delta table, and
 * DuckDB's {@code read_csv} copied to one Parquet file. Nothing reaches the driver but row counts.
 */
public final class IngestPeers {
  /** The generator's landing layout (generate/LineFormat.COLUMNS), typed as silver types them. */
  static final StructType LANDING = new StructType(new StructField[] {
      field(Columns.ORDER_ID, DataTypes.StringType), field(Columns.CUSTOMER_ID, DataTypes.StringType),
      field(Columns.ORDER_TS, DataTypes.TimestampType), field(Columns.AMOUNT, DataTypes.createDecimalType(18, 2)),
      field(Columns.CURRENCY, DataTypes.StringType), field(Columns.QUANTITY, DataTypes.LongType),
      field(Columns.KIND, DataTypes.StringType), field("country", DataTypes.StringType),
      field("channel", DataTypes.StringType)});
  /** The landed files: plain or gzip CSV (both readers pick the codec from the name). */
  static final String FILES = "*.csv*";

  private IngestPeers() {}

  private static StructField field(String name, DataType type) {
    return DataTypes.createStructField(name, type, true);
  }

  /** Spark's CSV reader on {@code landing}'s files, appended to the Delta table at {@code table}. */
  public static String sparkCopy(SparkSession spark, String landing, String table) {
    // multiLine: quoted fields may hold line breaks, as ingest allows; escape: RFC 4180 doubled quotes
    spark.read().schema(LANDING).option("header", "true").option("multiLine", "true").option("escape", "\"")
        .csv(landing + "/" + FILES).write().format("delta").mode("append").save(table);
    return table;
  }

  /** The rows the last commit of the Delta table at {@code table} wrote, from its log (no scan of the data). */
  public static long rowsWritten(SparkSession spark, String table) {
    return DeltaTables.lastCommitRows(spark, table).orElseThrow(() -> new IllegalStateException(
        "the plain copy's commit to " + table + " carries no numOutputRows metric"));
  }

  /** DuckDB (in-process, {@code threads} threads) loading the same files into one Parquet file; rows written. */
  public static long duckLoad(String landing, String parquetFile, int threads) throws SQLException {
    try (Connection c = DuckDbCohorts.open(threads); Statement s = c.createStatement()) {
      s.execute(duckSql(landing, parquetFile));
      return s.getUpdateCount();
    }
  }

  /** The DuckDB COPY statement: {@code read_csv} with the explicit columns, no sniffing. */
  static String duckSql(String landing, String parquetFile) {
    String columns = List.of(LANDING.fields()).stream()
        .map(f -> "'" + f.name() + "': '" + duckType(f.dataType()) + "'").collect(Collectors.joining(", "));
    return "COPY (SELECT * FROM read_csv('" + (landing + "/" + FILES).replace("'", "''")
        + "', header = true, auto_detect = false, columns = {" + columns + "})) TO '"
        + parquetFile.replace("'", "''") + "' (FORMAT parquet)";
  }

  private static String duckType(DataType t) {
    if (t.equals(DataTypes.TimestampType)) {
      return "TIMESTAMPTZ";
    }
    if (t.equals(DataTypes.LongType)) {
      return "BIGINT";
    }
    return t.equals(DataTypes.StringType) ? "VARCHAR" : "DECIMAL(18,2)";
  }
}
