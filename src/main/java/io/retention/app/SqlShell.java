package io.retention.app;

import io.retention.pipeline.Failures;
import java.io.IOException;
import java.io.PrintStream;
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
  private final WarehouseViews views;
  private final PrintStream out;
  private final PrintStream err;
  private final int limit;
  private String format;
  private boolean timing;

  /** {@code session}: a {@link ReadOnlySql#session}; {@code views} registers the warehouse's tables in it. */
  SqlShell(SparkSession session, WarehouseViews views, String format, int limit, boolean timing, PrintStream out,
      PrintStream err) {
    this.session = session;
    this.views = views;
    this.format = format;
    this.limit = limit;
    this.timing = timing;
    this.out = out;
    this.err = err;
  }

  /**
   * Runs {@code script} line by line as the interactive shell reads it (statements, meta-commands such as
   * {@code \d t} at the start of a statement, {@code \q}) and stops at the first error: a
   * {@link ConfigException} (refused, exit 2) or {@link JobFailure} (failed, exit 1) whose one-line message names
   * the statement number, or the line of a meta-command.
   */
  void runScript(String script) {
    Input in = new Input(true);
    for (String line : script.split("\\R", -1)) {
      if (!in.line(line)) {
        return;
      }
    }
    in.end();
  }

  private static String numbered(String where, String message) {
    String m = message.startsWith("sql: ") ? message.substring(5)
        : message.startsWith("sql ") ? message.substring(4) : message;
    return "sql: " + where + ": " + m;
  }

  /** Checks, runs and prints one statement (timed when timing is on). */
  void execute(String sql) {
    long start = System.nanoTime();
    views.forStatement(sql);
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
    views.warmUpInBackground();
    err.println("retention sql: " + views.existing().size() + " tables; \\? for help, \\q to quit.");
    Input in = new Input(false);
    while (true) {
      String line;
      try {
        line = reader.readLine(in.buffer.isEmpty() ? PROMPT : CONTINUATION);
      } catch (UserInterruptException e) { // Ctrl-C: drop the unfinished statement
        in.buffer.setLength(0);
        continue;
      } catch (EndOfFileException e) { // Ctrl-D, or input ending without a newline: its last line still counts
        String partial = e.getPartialLine();
        if (partial != null && !partial.isBlank()) {
          reader.getHistory().add(partial);
          in.line(partial);
        }
        return;
      }
      if (!in.line(line)) {
        return;
      }
    }
  }

  /**
   * Lines of a script or of the interactive shell, read the same way. A script stops at the first error
   * (thrown, numbered); the interactive shell prints it on one line and goes on.
   */
  private final class Input {
    private final boolean script;
    private final StringBuilder buffer = new StringBuilder();
    private int statements;
    private int lines;

    Input(boolean script) {
      this.script = script;
    }

    /** One line; false when it asks to leave. */
    boolean line(String line) {
      lines++;
      if (buffer.isEmpty()) {
        String word = line.trim();
        if (word.endsWith(";")) {
          word = word.substring(0, word.length() - 1).trim();
        }
        if (word.equals("\\q") || word.equalsIgnoreCase("quit") || word.equalsIgnoreCase("exit")) {
          return false;
        }
        if (word.startsWith("\\")) {
          String command = word;
          run("line " + lines, () -> metaOrThrow(command));
          return true;
        }
      }
      buffer.append(line).append('\n');
      SqlStatements scanned = SqlStatements.scan(buffer.toString());
      for (String sql : scanned.statements()) {
        run("statement " + ++statements, () -> execute(sql));
      }
      buffer.setLength(0);
      if (!scanned.rest().isEmpty()) {
        buffer.append(scanned.rest()).append('\n');
      }
      return true;
    }

    /** End of a script: a last statement without {@code ;} runs too. */
    void end() {
      String rest = buffer.toString().trim();
      if (!rest.isEmpty()) {
        run("statement " + ++statements, () -> execute(rest));
      }
    }

    private void run(String where, Runnable step) {
      try {
        step.run();
      } catch (ConfigException | JobFailure e) {
        if (script) {
          throw e instanceof ConfigException ? new ConfigException(numbered(where, e.getMessage()))
              : new JobFailure(numbered(where, e.getMessage()));
        }
        err.println(e.getMessage()); // one line, the session stays
        err.flush();
      }
    }
  }

  /** A meta-command: {@code \tables}, {@code \d t}, {@code \format f}, {@code \timing}, {@code \?}. */
  private void metaOrThrow(String command) {
    String[] words = command.trim().split("\\s+", 2);
    String arg = words.length > 1 ? words[1].trim() : "";
    switch (words[0]) {
      case "\\tables" -> print(session.createDataFrame(views.existing().stream()
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
      default -> throw new ConfigException("sql: unknown command " + words[0] + " (\\? lists them)");
    }
    err.flush();
  }

  private void describe(String name) {
    if (name.isEmpty()) {
      throw new ConfigException("sql: \\d needs a table name (\\tables lists them)");
    }
    StructType schema;
    views.forStatement(name);
    try {
      schema = session.table(name).schema();
    } catch (Exception e) { // Spark's AnalysisException (a missing table) is checked
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
