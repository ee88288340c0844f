package io.retention.app;

import io.retention.lake.DeltaTables;
import io.retention.lake.Housekeeping;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code housekeeping}: OPTIMIZE and VACUUM every warehouse table. */
@Command(name = "housekeeping", mixinStandardHelpOptions = true,
    description = "Compact small files (OPTIMIZE) and remove unreferenced old files (VACUUM) of every table.")
public final class HousekeepingCommand extends SparkCommand {
  @Option(names = "--retain-hours", defaultValue = "168",
      description = "VACUUM retention in hours, at least 168 (Delta's safe default). Default: ${DEFAULT-VALUE}.")
  int retainHours;

  private Housekeeping.Options options;

  @Override
  protected void validate(JobConfig config) {
    try {
      options = new Housekeeping.Options(retainHours);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--retain-hours: " + e.getMessage());
    }
  }

  @Override
  protected String lockHolder() {
    return "housekeeping";
  }

  @Override
  protected int run(JobConfig config, SparkSession spark) {
    for (Housekeeping.TableResult r : new Housekeeping(new DeltaTables(spark, config.warehouse()), options).run()) {
      err.printf("housekeeping %-26s files %5d -> %5d%n", r.table().qualifiedName(), r.filesBefore(),
          r.filesAfter());
    }
    return Main.OK;
  }
}
