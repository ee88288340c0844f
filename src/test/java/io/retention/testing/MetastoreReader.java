package io.retention.testing;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark application that knows only a Hive metastore (its JDBC URL; no warehouse path, no views): prints the
 * tables of each database named in {@code args[1]} ({@code tables <db>: a,b}) and the rows of each table
 * {@code args[2..]} by name ({@code == <table>}, then {@link RowText} lines, sorted). Run in a child JVM by CatalogIT.
 */
public final class MetastoreReader {
  private MetastoreReader() {}

  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder()
        .master("local[1]")
        .appName("metastore-reader")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.warehouse.dir", SharedSpark.tempDir("reader-warehouse").toUri().toString())
        .config("spark.hadoop.javax.jdo.option.ConnectionURL", args[0])
        .config("spark.hadoop.hive.metastore.schema.verification", "false")
        .enableHiveSupport()
        .getOrCreate();
    try {
      for (String db : args[1].split(",")) {
        List<String> names = spark.sql("SHOW TABLES IN " + db).collectAsList().stream()
            .map(r -> r.getString(1)).sorted().toList();
        System.out.println("tables " + db + ": " + String.join(",", names));
      }
      for (int i = 2; i < args.length; i++) {
        System.out.println("== " + args[i]);
        List<Row> rows = spark.table(args[i]).collectAsList();
        RowText.ofSpark(rows).forEach(System.out::println);
      }
    } finally {
      spark.stop();
    }
  }
}
