package io.retention.app;

import io.retention.pipeline.Failures;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code query --sql}: the tables the statement names registered as views ({@link WarehouseViews}); results
 * (only) to stdout. Read-only: the statement is
 * checked by {@link ReadOnlySql} before it runs (refused: exit 2), in a session that cannot read files by path. It
 * takes no warehouse lock, so it works during a nightly; Delta reads see each table's latest committed version.
 */
@Command(name = "query",
    footer = "Example: jobs/retention query --format csv --sql \"select * from retention_kpis\"",
    mixinStandardHelpOptions = true,
    description = "Run a read-only Spark SQL statement (SELECT, SHOW, DESCRIBE, EXPLAIN) over the warehouse tables"
        + " (views <table> and <layer>.<table>).")
public final class QueryCommand extends SparkCommand {
  @Option(names = "--sql", required = true, paramLabel = "SQL", description = "The SQL statement.")
  String sql;

  @Mixin
  SqlResults.Options output;

  @Override
  protected void validate(JobConfig config) {
    output.validate();
    if (sql.isBlank()) {
      throw new ConfigException("--sql: empty statement");
    }
  }

  @Override
  protected int run(JobConfig config, SparkSession spark) throws Exception {
    SparkSession session = ReadOnlySql.session(spark);
    new WarehouseViews(session, config.warehouse()).forStatement(sql);
    ReadOnlySql.QUERY.check(session, sql);
    Dataset<Row> result;
    try {
      result = session.sql(sql);
    } catch (Exception e) {
      throw new JobFailure("query failed: " + Failures.oneLine(e.getMessage()));
    }
    SqlResults.print(result, output.format, output.limit, System.out);
    return 0;
  }
}
