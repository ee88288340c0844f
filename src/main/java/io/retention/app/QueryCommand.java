package io.retention.app;

import io.retention.lake.DeltaTables;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code query --sql}: every table registered as a view; results (only) to stdout. Read-only: the statement is
 * checked by {@link ReadOnlySql} before it runs (refused: exit 2), in a session that cannot read files by path. It
 * takes no warehouse lock, so it works during a nightly; Delta reads see each table's latest committed version.
 */
@Command(name = "query", mixinStandardHelpOptions = true,
    description = "Run a read-only Spark SQL statement (SELECT, SHOW, DESCRIBE, EXPLAIN) over the warehouse tables"
        + " (views <table> and <layer>.<table>).")
public final class QueryCommand extends SparkCommand {
  @Option(names = "--sql", required = true, paramLabel = "SQL", description = "The SQL statement.")
  String sql;

  @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
      description = "table (for people), csv (header + rows) or json (JSON Lines). Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--limit", defaultValue = "1000", paramLabel = "N", description = "Rows shown by --format table. Default: ${DEFAULT-VALUE}.")
  int limit;

  @Override
  protected void validate(JobConfig config) {
    JobConfig.oneOf("--format", format, "table", "csv", "json");
    if (sql.isBlank()) {
      throw new ConfigException("--sql: empty statement");
    }
  }

  @Override
  protected int run(JobConfig config, SparkSession spark) throws Exception {
    SparkSession session = ReadOnlySql.session(spark);
    new DeltaTables(session, config.warehouse()).registerViews();
    ReadOnlySql.QUERY.check(session, sql);
    Dataset<Row> result;
    try {
      result = session.sql(sql);
    } catch (Exception e) {
      throw new JobFailure("query failed: " + Main.oneLine(e.getMessage()));
    }
    PrintStream out = System.out;
    switch (format) {
      case "csv" -> writeCsv(result, out);
      case "json" -> result.toJSON().toLocalIterator().forEachRemaining(out::println);
      default -> result.show(limit, false);
    }
    out.flush();
    return 0;
  }

  static void writeCsv(Dataset<Row> result, PrintStream out) throws java.io.IOException {
    PrintWriter w = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8));
    try (CSVPrinter p = new CSVPrinter(w, CSVFormat.RFC4180.builder().setHeader(result.columns()).get())) {
      Iterator<Row> it = result.toLocalIterator();
      while (it.hasNext()) {
        Row r = it.next();
        Object[] vals = new Object[r.length()];
        for (int i = 0; i < vals.length; i++) {
          vals[i] = r.isNullAt(i) ? "" : r.get(i);
        }
        p.printRecord(vals);
      }
      p.flush();
    }
  }
}
