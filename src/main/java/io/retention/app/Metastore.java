package io.retention.app;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Hive metastore {@code catalog} registers the tables in: a running service ({@code retention.catalog
 * .metastoreUri}) or, by default, an embedded Derby database in {@code <warehouse>/_catalog} (a local warehouse
 * only; one process at a time can open it).
 *
 * @param uri the metastore service, or "" for the embedded Derby database
 * @param home {@code <warehouse>/_catalog}: the Derby database and log, and Spark's warehouse dir (the
 *     databases' folders; every table stays at its own location)
 */
record Metastore(String uri, String home) {
  static final String FOLDER = "_catalog";
  static final String DERBY_DB = "metastore_db";

  /** The metastore of {@code config}; an embedded one needs a local warehouse. */
  static Metastore of(JobConfig config) {
    String warehouse = config.warehouse().endsWith("/") ? config.warehouse()
        .substring(0, config.warehouse().length() - 1) : config.warehouse();
    String uri = config.catalog().metastoreUri();
    if (uri.isEmpty() && localFolder(warehouse) == null) {
      throw new ConfigException("catalog: the warehouse " + warehouse + " is not a local folder: set "
          + JobConfig.ROOT + ".catalog.metastoreUri (thrift://host:9083) to a metastore service");
    }
    return new Metastore(uri, warehouse + "/" + FOLDER);
  }

  boolean embedded() {
    return uri.isEmpty();
  }

  /** Where the tables are registered, for summaries: the Derby folder or the service URI. */
  String describe() {
    return embedded() ? "embedded Derby " + localFolder(home).resolve(DERBY_DB) : uri;
  }

  /**
   * Spark settings of a session whose catalog is this metastore. Creates the Derby folder and sends Derby's log
   * there (not to the working directory).
   */
  Map<String, String> sparkConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.sql.catalogImplementation", "hive");
    if (System.getProperty(SparkSessions.WAREHOUSE_DIR) == null) {
      conf.put(SparkSessions.WAREHOUSE_DIR, home + "/spark-warehouse");
    }
    if (!embedded()) {
      conf.put("spark.hadoop.hive.metastore.uris", uri);
      return conf;
    }
    Path dir = localFolder(home);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new JobFailure("catalog: cannot create " + dir + ": " + e.getMessage());
    }
    if (System.getProperty("derby.stream.error.file") == null) {
      System.setProperty("derby.stream.error.file", dir.resolve("derby.log").toString());
    }
    conf.put("spark.hadoop.javax.jdo.option.ConnectionURL", derbyUrl(dir.resolve(DERBY_DB)));
    conf.put("spark.hadoop.datanucleus.schema.autoCreateAll", "true");
    conf.put("spark.hadoop.hive.metastore.schema.verification", "false");
    return conf;
  }

  /** The JDBC URL of the Derby database at {@code db}, created on first use. */
  static String derbyUrl(Path db) {
    return "jdbc:derby:;databaseName=" + db + ";create=true";
  }

  /** A local path or file: URI as a path; null for another file system (hdfs://, s3a://). */
  static Path localFolder(String location) {
    if (!location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
      return Path.of(location).toAbsolutePath();
    }
    URI u = URI.create(location);
    return "file".equals(u.getScheme()) ? Path.of(u) : null;
  }
}
