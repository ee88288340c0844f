package io.retention.app;

import static org.apache.spark.sql.functions.col;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.Columns;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code status}: the last stage runs from ops.runs with their counts, timings and outcome. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the last runs (ops.runs).")
public final class StatusCommand extends SparkCommand {
  @Option(names = "--last", defaultValue = "20", description = "How many runs. Default: ${DEFAULT-VALUE}.")
  int last;

  @Override
  protected void validate(JobConfig config) {
    if (last < 1) {
      throw new ConfigException("--last must be at least 1, cannot be: " + last);
    }
  }

  @Override
  protected int run(JobConfig config, SparkSession spark) {
    DeltaTables tables = new DeltaTables(spark, config.warehouse());
    if (!tables.exists(Table.RUNS)) {
      err.println("status: no runs recorded under " + config.warehouse() + " yet");
      return Main.OK;
    }
    tables.read(Table.RUNS)
        .orderBy(col(Columns.STARTED_AT).desc())
        .select(Columns.STARTED_AT, Columns.STAGE, Columns.STATUS, Columns.DURATION_MS, Columns.ROWS_IN,
            Columns.ROWS_OUT, Columns.ROWS_QUARANTINED, Columns.ROWS_DUPLICATE, Columns.RUN_ID, Columns.MESSAGE)
        .show(last, false);
    return Main.OK;
  }
}
