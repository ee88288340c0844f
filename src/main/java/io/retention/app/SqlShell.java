package io.retention.app;

import io.retention.lake.Table;
import io.retention.pipeline.Failures;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.UserInterruptException;

/**
 * The {@code sql} shell on one warm, read-only session: runs scripts (stop at the first error) and the
 * interactive loop (an error prints one line, the session stays). Every statement is checked by
 * {@link ReadOnlySql} (temporary views allowed) before it runs. Results go to {@code out}, messages and timings
 * to {@code err}.
 */
final class SqlShell {
  static final String PROMPT = "retention> ";
  static final String CONTINUATION = "      -> ";
  static final ReadOnlySql RULE = ReadOnlySql.forCommand("sql").allowingTempViews();
  private static final StructType TABLES = new StructType(new StructField[] {
      DataTypes.createStructField("layer", DataTypes.StringType, false),
      DataTypes.createStructField("table", DataTypes.StringType, false)});
  private static final StructType COLUMNS = new StructType(new StructField[] {
      DataTypes.createStructField("column", DataTypes.StringType, false),
      DataTypes.createStructField("type", DataTypes.StringType, false),
      DataTypes.createStructField("nullable", DataTypes.BooleanType, false)});

  private final SparkSession session;
  private final List<Table> tables;
  private final PrintStream out;
  private final PrintStream err;
  private final int limit;
  private String format;
  private boolean timing;

  /** {@code session}: a {@link ReadOnlySql#session} with the warehouse's {@code tables} registered as views. */
  SqlShell(SparkSession session, List<Table> tables, String format, int limit, boolean timing, PrintStream out,
      PrintStream err) {
    this.session = session;
    this.tables = tables;
    this.format = format;
    this.limit = limit;
    this.timing = timing;
    this.out = out;
    this.err = err;
  }

  /**
   * Runs every statement of {@code script} in order and stops at the first error: a {@link ConfigException}
   * (refused, exit 2) or {@link JobFailure} (failed, exit 1) whose one-line message names the statement number.
   */
  void runScript(String script) {
    List<String> statements = SqlStatements.split(script);
    for (int i = 0; i < statements.size(); i++) {
      try {
        execute(statements.get(i));
      } catch (ConfigException e) {
        throw new ConfigException(numbered(i + 1, e.getMessage()));
      } catch (JobFailure e) {
        throw new JobFailure(numbered(i + 1, e.getMessage()));
      }
    }
  }

  private static String numbered(int n, String message) {
    String m = message.startsWith("sql: ") ? message.substring(5)
        : message.startsWith("sql ") ? message.substring(4) : message;
    return "sql: statement " + n + ": " + m;
  }

  /** Checks, runs and prints one statement (timed when timing is on). */
  void execute(String sql) {
    long start = System.nanoTime();
    RULE.check(session, sql);
    try {
      Dataset<Row> result = session.sql(sql);
      if (result.columns().length > 0) { // CREATE TEMP VIEW returns no columns: nothing to print
        SqlResults.print(result, format, limit, out);
      }
    } catch (IOException | RuntimeException e) {
      throw new JobFailure("sql failed: " + Failures.oneLine(e instanceof RuntimeException ? e.getMessage()
          : e.toString()));
    }
    if (timing) {
      err.printf(Locale.ROOT, "Time: %.3f s%n", (System.nanoTime() - start) / 1e9);
      err.flush();
    }
  }

  /**
   * The interactive loop: statements may span lines and end with {@code ;}; meta-commands ({@code \?}) are
   * read at the start of a statement. Returns on {@code \q}, {@code quit}, {@code exit} or end of input.
   */
  void interactive(LineReader reader) {
    err.println("retention sql: " + tables.size() + " tables; \\? for help, \\q to quit.");
    StringBuilder buffer = new StringBuilder();
    while (true) {
      String line;
      try {
        line = reader.readLine(buffer.isEmpty() ? PROMPT : CONTINUATION);
      } catch (UserInterruptException e) { // Ctrl-C: drop the unfinished statement
        buffer.setLength(0);
        continue;
      } catch (EndOfFileException e) { // Ctrl-D, or input ending without a newline: its last line still counts
        String partial = e.getPartialLine();
        if (partial != null && !partial.isBlank()) {
          reader.getHistory().add(partial);
          accept(partial, buffer);
        }
        return;
      }
      if (!accept(line, buffer)) {
        return;
      }
    }
  }

  /** One line of the interactive shell; false when it asks to leave. */
  private boolean accept(String line, StringBuilder buffer) {
    if (buffer.isEmpty()) {
      String word = line.trim();
      if (word.endsWith(";")) {
        word = word.substring(0, word.length() - 1).trim();
      }
      if (word.equals("\\q") || word.equalsIgnoreCase("quit") || word.equalsIgnoreCase("exit")) {
        return false;
      }
      if (word.startsWith("\\")) {
        meta(word);
        return true;
      }
    }
    buffer.append(line).append('\n');
    SqlStatements scanned = SqlStatements.scan(buffer.toString());
    for (String sql : scanned.statements()) {
      try {
        execute(sql);
      } catch (ConfigException | JobFailure e) { // one line, the session stays
        err.println(e.getMessage());
        err.flush();
      }
    }
    buffer.setLength(0);
    if (!scanned.rest().isEmpty()) {
      buffer.append(scanned.rest()).append('\n');
    }
    return true;
  }

  /** A meta-command: {@code \tables}, {@code \d t}, {@code \format f}, {@code \timing}, {@code \?}. */
  void meta(String command) {
    String[] words = command.trim().split("\\s+", 2);
    String arg = words.length > 1 ? words[1].trim() : "";
    try {
      switch (words[0]) {
        case "\\tables" -> print(session.createDataFrame(tables.stream()
            .map(t -> RowFactory.create(t.layer(), t.tableName())).toList(), TABLES));
        case "\\d" -> describe(arg);
        case "\\format" -> {
          JobConfig.oneOf("\\format", arg, SqlResults.FORMATS);
          format = arg;
          err.println("Format: " + format);
        }
        case "\\timing" -> {
          timing = !timing;
          err.println("Timing is " + (timing ? "on." : "off."));
        }
        case "\\?", "\\h", "\\help" -> err.print(HELP);
        default -> err.println("sql: unknown command " + words[0] + " (\\? lists them)");
      }
    } catch (ConfigException | JobFailure e) {
      err.println(e.getMessage());
    }
    err.flush();
  }

  private void describe(String name) {
    if (name.isEmpty()) {
      throw new ConfigException("sql: \\d needs a table name (\\tables lists them)");
    }
    StructType schema;
    try {
      schema = session.table(name).schema();
    } catch (RuntimeException e) {
      throw new JobFailure("sql failed: " + Failures.oneLine(e.getMessage()));
    }
    print(session.createDataFrame(java.util.Arrays.stream(schema.fields())
        .map(f -> RowFactory.create(f.name(), f.dataType().simpleString(), f.nullable())).toList(), COLUMNS));
  }

  private void print(Dataset<Row> rows) {
    try {
      SqlResults.print(rows, format, limit, out);
    } catch (IOException e) {
      throw new JobFailure("sql failed: " + e);
    }
  }

  static final String HELP = """
      Statements end with ';' and may span lines. Read-only: SELECT, WITH, VALUES, SHOW, DESCRIBE, EXPLAIN,
      CREATE [OR REPLACE] TEMP VIEW v AS <query>. Tables: <table> or <layer>.<table>.
        \\tables                  the warehouse tables and their layer
        \\d <table>               columns and types of a table or view
        \\format table|csv|json   how results are printed
        \\timing                  print the time of each statement (on/off)
        \\?                       this help
        \\q, quit, exit, Ctrl-D   leave
      """;
}
