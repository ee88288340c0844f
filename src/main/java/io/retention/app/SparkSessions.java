package io.retention.app;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession every command uses: Delta enabled, session time zone = business time zone. */
public final class SparkSessions {
  static final String WAREHOUSE_DIR = "spark.sql.warehouse.dir";
  static final String CONSOLE_PROGRESS = "spark.ui.showConsoleProgress";

  private SparkSessions() {}

  /**
   * Spark's own warehouse folder (the in-memory catalog's database folders; every retention table lives at an
   * explicit path under the retention warehouse): a per-user folder under the driver's temp dir, as a file: URI
   * so an hdfs:// default file system does not move it, and never {@code ./spark-warehouse} in the working
   * directory. A {@code spark.sql.warehouse.dir} given to spark-submit wins.
   */
  static String catalogDir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "retention-spark-" + System.getProperty("user.name"))
        .toUri().toString();
  }

  /**
   * The session for {@code config}. Under spark-submit the master comes from spark-submit itself; for an
   * embedded run it is {@code config.master()} (default {@code local[*]}).
   */
  public static SparkSession create(JobConfig config, String appName) {
    return create(config, appName, false);
  }

  /** The session for {@code config}; with {@code metastore}, its catalog is the {@link Metastore} of the config. */
  public static SparkSession create(JobConfig config, String appName, boolean metastore) {
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    if (System.getProperty("spark.master") == null) {
      b = b.master(config.master());
    }
    boolean local = config.master().startsWith("local");
    if (local) {
      b = b.config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1");
    }
    if (metastore) {
      for (java.util.Map.Entry<String, String> e : Metastore.of(config).sparkConf().entrySet()) {
        b = b.config(e.getKey(), e.getValue());
      }
    } else if (System.getProperty(WAREHOUSE_DIR) == null) {
      b = b.config(WAREHOUSE_DIR, catalogDir());
    }
    if (System.getProperty(CONSOLE_PROGRESS) == null) {
      // Spark's bar on a terminal (it redraws one line; SparkContext builds it even with the UI off), plain
      // progress lines (pipeline.Progress) everywhere else
      b = b.config(CONSOLE_PROGRESS, String.valueOf(stderrIsTerminal()));
    }
    return b
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.session.timeZone", config.timezone())
        .config(io.retention.currency.CurrencyRates.REPORTING_CONF, config.currency().reporting())
        .config("spark.sql.shuffle.partitions", String.valueOf(config.shufflePartitions()))
        .config("spark.databricks.delta.snapshotPartitions", String.valueOf(config.snapshotPartitions()))
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.databricks.delta.schema.autoMerge.enabled", "false")
        // the job's caches live for one stage: compressing them cost ingest more CPU than it saved memory
        .config("spark.sql.inMemoryColumnarStorage.compressed", "false")
        .getOrCreate();
  }

  /**
   * Whether stderr is a terminal: Java 17 has a console only when stdin and stdout are terminals, and stderr is
   * checked through /proc (Linux); anything else, e.g. cron, Airflow or {@code 2> file}, counts as no terminal.
   */
  static boolean stderrIsTerminal() {
    if (System.console() == null) {
      return false;
    }
    try {
      String target = java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }
}
