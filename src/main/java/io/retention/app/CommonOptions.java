package io.retention.app;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command takes. */
public final class CommonOptions {
  @Option(names = "--conf", paramLabel = "FILE", description = "HOCON file overriding conf/application.conf.")
  File conf;

  @Option(names = "--warehouse", paramLabel = "DIR",
      description = "Warehouse directory of the Delta tables (a path or an hdfs://, s3a:// URI). Default: "
          + "./warehouse (configuration key retention.warehouse, environment RETENTION_WAREHOUSE).")
  String warehouse;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one configuration key, e.g. --set metrics.grain=week (repeatable).")
  Map<String, String> sets = new LinkedHashMap<>();

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default local[*]). jobs/retention submits through spark-submit when given.")
  String master;

  @Option(names = "--verbose",
      description = "On an error, print its stack trace on stderr too (it is always in the log file).")
  boolean verbose;

  /** Loads and validates the configuration: never starts Spark. */
  public JobConfig load() {
    JobConfig c = JobConfig.load(conf, sets);
    if (warehouse != null) {
      c = c.withWarehouse(warehouse);
    }
    if (master != null) {
      c = c.withMaster(master);
    }
    return c;
  }
}
