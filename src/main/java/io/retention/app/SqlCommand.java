package io.retention.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sql}: several read-only statements on one warm Spark session, from {@code -e}, {@code -f}, piped stdin
 * or the interactive shell (JLine). Same views and read-only rule as {@code query}, plus temporary views.
 * Scripts stop at the first error (exit 2 refused, 1 failed); the interactive shell reports it and goes on.
 */
@Command(name = "sql",
    footer = "Example: jobs/retention sql -e \"select count(*) from purchases; describe customers\"",
    mixinStandardHelpOptions = true,
    description = "Read-only SQL shell on one warm Spark session over the warehouse tables (views <table> and"
        + " <layer>.<table>): interactive, or statements from -e, -f or stdin.")
public final class SqlCommand extends SparkCommand {
  @Option(names = {"-e", "--execute"}, paramLabel = "SQL", description = "Statements to run, separated by ';'.")
  String execute;

  @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "A script of statements separated by ';'.")
  Path file;

  @Mixin
  SqlResults.Options output;

  @Option(names = "--timing", description = "Print each statement's time (Time: 0.123 s) to stderr.")
  boolean timing;

  @Option(names = "--history", paramLabel = "FILE",
      description = "History file of the interactive shell. Default: ~/.retention_sql_history.")
  Path history;

  /** Where statements come from when neither -e nor -f is given and stdin is not a terminal. */
  InputStream stdin = System.in;

  @Override
  protected void validate(JobConfig config) {
    output.validate();
    if (execute != null && file != null) {
      throw new ConfigException("sql: give -e or -f, not both");
    }
    if (file != null && !Files.isReadable(file)) {
      throw new ConfigException("sql: -f " + file + ": no such readable file");
    }
  }

  @Override
  protected int run(JobConfig config, SparkSession spark) throws Exception {
    SqlShell shell = shell(config, spark);
    if (execute != null) {
      shell.runScript(execute);
    } else if (file != null) {
      shell.runScript(read(file));
    } else if (System.console() == null || stdin != System.in) {
      shell.runScript(new String(stdin.readAllBytes(), StandardCharsets.UTF_8));
    } else {
      try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
        shell.interactive(lineReader(terminal, history != null ? history
            : Path.of(System.getProperty("user.home"), ".retention_sql_history")));
      }
    }
    return 0;
  }

  /** The read-only session with small-table settings; tables are registered as statements name them. */
  SqlShell shell(JobConfig config, SparkSession spark) {
    SparkSession session = ReadOnlySql.session(spark);
    // answers on small tables: AQE coalesces shuffles down to what the data needs rather than one task per core
    session.conf().set("spark.sql.adaptive.enabled", "true");
    session.conf().set("spark.sql.adaptive.coalescePartitions.parallelismFirst", "false");
    return new SqlShell(session, new WarehouseViews(session, config.warehouse()), output.format, output.limit,
        timing, System.out, System.err);
  }

  /** A LineReader on {@code terminal} with a history file; {@code !} is SQL, not history expansion. */
  static LineReader lineReader(Terminal terminal, Path historyFile) {
    return LineReaderBuilder.builder()
        .terminal(terminal)
        .appName("retention-sql")
        .variable(LineReader.HISTORY_FILE, historyFile)
        .variable(LineReader.SECONDARY_PROMPT_PATTERN, SqlShell.CONTINUATION)
        .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
        .option(LineReader.Option.HISTORY_IGNORE_SPACE, false) // indented continuation lines are history too
        .build();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("sql: -f " + file + ": no such file");
    } catch (IOException e) {
      throw new ConfigException("sql: -f " + file + ": " + e.getMessage());
    }
  }
}
