package io.retention.app;

import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession every command uses: Delta enabled, session time zone = business time zone. */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * The session for {@code config}. Under spark-submit the master comes from spark-submit itself; for an
   * embedded run it is {@code config.master()} (default {@code local[*]}).
   */
  public static SparkSession create(JobConfig config, String appName) {
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
    return b
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.session.timeZone", config.timezone())
        .config("spark.sql.shuffle.partitions", String.valueOf(config.shufflePartitions()))
        .config("spark.databricks.delta.snapshotPartitions", String.valueOf(config.shufflePartitions()))
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.databricks.delta.schema.autoMerge.enabled", "false")
        .getOrCreate();
  }
}
