package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The {@code sql} shell without a terminal: scripts from -e, -f and stdin on one session (stop at the first
 * error: exit 2 refused, 1 failed), timing, the statement splitter, and the interactive loop driven through a
 * dumb JLine terminal on piped streams.
 */
class SqlShellTest {
  private static final String READ_ONLY = " - sql is read-only (SELECT, SHOW, DESCRIBE, EXPLAIN)";
  private static String warehouse;

  @BeforeAll
  static void warehouse() {
    warehouse = SharedSpark.tempDir("sql-shell").toString();
    SparkSession spark = SharedSpark.get();
    new DeltaTables(spark, warehouse).overwrite(Table.PURCHASES, spark.createDataFrame(List.of(
        QueryReadOnlyTest.order("o1", "A", "2024-01-05", "10.00"),
        QueryReadOnlyTest.order("o2", "A", "2024-02-05", "5.00"),
        QueryReadOnlyTest.order("o3", "B", "2024-01-07", "7.50")), Schemas.PURCHASES));
  }

  @Test
  void splitterIgnoresSemicolonsInQuotesAndComments() {
    assertThat(SqlStatements.split("SELECT 'a;b' AS x; SELECT \"c;d\", `e;f` FROM t;"))
        .containsExactly("SELECT 'a;b' AS x", "SELECT \"c;d\", `e;f` FROM t");
    assertThat(SqlStatements.split("SELECT 1 -- one; two\n; /* x; /* nested; */ y; */ SELECT 2"))
        .containsExactly("SELECT 1 -- one; two", "/* x; /* nested; */ y; */ SELECT 2");
    assertThat(SqlStatements.split("SELECT 'it\\'s; ok', 'a''b;c'; ;; -- only a comment;\n  "))
        .containsExactly("SELECT 'it\\'s; ok', 'a''b;c'");
    assertThat(SqlStatements.split("")).isEmpty();
    SqlStatements open = SqlStatements.scan("SELECT 1; SELECT 'still;\nopen");
    assertThat(open.statements()).containsExactly("SELECT 1");
    assertThat(open.rest()).isEqualTo("SELECT 'still;\nopen");
    assertThat(SqlStatements.scan("SELECT 1;  -- done\n").rest()).isEmpty();
  }

  @Test
  void scriptFileRunsEveryStatementInOneSession() throws Exception {
    Path script = SharedSpark.tempDir("sql-script").resolve("two.sql");
    Files.writeString(script, """
        -- customers with more than one order; then a temp view used by the next statement
        SELECT customer_id, count(*) AS orders FROM silver.purchases
        GROUP BY customer_id HAVING count(*) > 1;
        CREATE TEMP VIEW firsts AS SELECT customer_id, min(order_date) AS first FROM purchases GROUP BY 1;
        SELECT count(*) AS n FROM firsts WHERE customer_id != 'x;y'
        """);
    Run run = sql(null, "--format", "csv", "-f", script.toString());
    assertThat(run.failure).isNull();
    assertThat(run.out).isEqualTo("customer_id,orders\r\nA,2\r\nn\r\n2\r\n");
    assertThat(run.err).isEmpty();
  }

  @Test
  void refusedStatementStopsTheScriptWithExit2() {
    Run run = sql(null, "--format", "csv", "-e",
        "SELECT 1 AS a; DELETE FROM silver.purchases WHERE customer_id = 'A'; SELECT 2 AS b");
    assertThat(run.failure).isInstanceOf(ConfigException.class)
        .hasMessage("sql: statement 2: refused: DELETE FROM TABLE" + READ_ONLY);
    assertThat(run.out).isEqualTo("a\r\n1\r\n"); // statement 3 never ran
    assertThat(sql(null, "--format", "csv", "-e", "SELECT count(*) AS n FROM purchases").out)
        .isEqualTo("n\r\n3\r\n");
  }

  @Test
  void failingStatementStopsTheScriptWithExit1() {
    Run run = sql(null, "--format", "json", "-e", "SELECT 1 AS a; SELECT * FROM no_such_table; SELECT 2 AS b;");
    assertThat(run.failure).isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("sql: statement 2: failed: [TABLE_OR_VIEW_NOT_FOUND]");
    assertThat(run.failure.getMessage()).doesNotContain("\n");
    assertThat(run.out).isEqualTo("{\"a\":1}\n");
  }

  @Test
  void csvWritesMapsArraysAndStructsAsJson() {
    Run run = sql(null, "--format", "csv", "-e",
        "SELECT map('b', 2, 'a', 1) AS m, array(1, 2) AS xs, named_struct('k', 'v') AS s, 'x' AS `odd``name`");
    assertThat(run.failure).isNull();
    assertThat(run.out).isEqualTo(
        "m,xs,s,odd`name\r\n\"{\"\"b\"\":2,\"\"a\"\":1}\",\"[1,2]\",\"{\"\"k\"\":\"\"v\"\"}\",x\r\n");
  }

  @Test
  void timingPrintsOneLinePerStatementOnStderr() {
    Run run = sql(null, "--timing", "--format", "csv", "-e", "SELECT 1 AS a; SELECT 2 AS b");
    assertThat(run.out).isEqualTo("a\r\n1\r\nb\r\n2\r\n");
    assertThat(run.err.lines()).hasSize(2).allMatch(l -> l.matches("Time: \\d+\\.\\d{3} s"));
  }

  @Test
  void statementsFromStdinWhenNoScriptIsGiven() {
    Run run = sql("select 1 as x;\nselect 'a' as y;\n", "--format", "csv");
    assertThat(run.out).isEqualTo("x\r\n1\r\ny\r\na\r\n");
    Run refused = sql("select 1 as x; set spark.sql.runSQLOnFiles=true; select 2 as z", "--format", "csv");
    assertThat(refused.failure).isInstanceOf(ConfigException.class)
        .hasMessage("sql: statement 2: refused: SET" + READ_ONLY);
    assertThat(refused.out).isEqualTo("x\r\n1\r\n");
  }

  @Test
  void metaCommandsWorkFromStdinAndFromAFile() throws Exception {
    String script = String.join("\n",
        "\\format csv",
        "\\tables",
        "\\d silver.purchases",
        "\\timing",
        "SELECT count(*) AS n",
        "  FROM purchases;",
        "\\timing",
        "\\format json",
        "SELECT 'json' AS s;",
        "\\q",
        "SELECT 'after quit' AS never;");
    Run piped = sql(script + "\n");
    Path file = SharedSpark.tempDir("sql-meta").resolve("meta.sql");
    Files.writeString(file, script);
    Run fromFile = sql(null, "-f", file.toString());
    for (Run run : List.of(piped, fromFile)) {
      assertThat(run.failure).isNull();
      assertThat(run.out).startsWith("layer,table\r\nsilver,purchases\r\ncolumn,type,nullable\r\norder_id,string,")
          .contains("\r\ncustomer_id,string,")
          .endsWith("n\r\n3\r\n{\"s\":\"json\"}\n")
          .doesNotContain("never");
      assertThat(run.err).contains("Format: csv\n").contains("Timing is on.\n").contains("Timing is off.\n")
          .contains("Format: json\n");
      assertThat(run.err.lines().filter(l -> l.matches("Time: \\d+\\.\\d{3} s"))).hasSize(1);
    }
  }

  @Test
  void aFailingMetaCommandStopsTheScriptNamingItsLine() {
    Run unknown = sql("SELECT 1 AS a;\n\\nonsense\nSELECT 2 AS b;\n", "--format", "csv");
    assertThat(unknown.failure).isInstanceOf(ConfigException.class)
        .hasMessage("sql: line 2: unknown command \\nonsense (\\? lists them)");
    assertThat(unknown.out).isEqualTo("a\r\n1\r\n");
    Run missing = sql(null, "--format", "csv", "-e", "\\d no_such_table\nSELECT 2 AS b");
    assertThat(missing.failure).isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("sql: line 1: failed: [TABLE_OR_VIEW_NOT_FOUND]");
    assertThat(missing.out).isEmpty();
    Run statement = sql("\\format csv\nSELECT 1 AS a;\nDELETE FROM purchases;\n");
    assertThat(statement.failure).isInstanceOf(ConfigException.class)
        .hasMessage("sql: statement 2: refused: DELETE FROM TABLE" + READ_ONLY);
  }

  @Test
  void tableFormatPrintsSparksGrid() {
    assertThat(sql(null, "-e", "SELECT 'A' AS customer_id").out)
        .isEqualTo("+-----------+\n|customer_id|\n+-----------+\n|A          |\n+-----------+\n\n");
  }

  @Test
  void interactiveErrorsLeaveTheSessionAlive() throws Exception {
    String input = String.join("\n",
        "\\format csv",
        "SELECT * FROM no_such_table;",
        "SELECT count(*) AS n",
        "  FROM purchases WHERE customer_id != 'B';",
        "DELETE FROM silver.purchases;",
        "\\tables",
        "\\d silver.purchases",
        "\\timing",
        "SELECT 'one;' AS s; SELECT 2 AS",
        "  two;",
        "\\nonsense",
        "\\q",
        "SELECT 'after quit' AS never;") + "\n";
    Run run = interactive(input);
    assertThat(run.failure).isNull();
    assertThat(run.out).startsWith("n\r\n2\r\nlayer,table\r\nsilver,purchases\r\ncolumn,type,nullable\r\n"
        + "order_id,string,");
    assertThat(run.out).contains("\r\ncustomer_id,string,").endsWith("s\r\none;\r\ntwo\r\n2\r\n");
    assertThat(run.out).doesNotContain("never");
    assertThat(run.err).contains("Format: csv\n")
        .contains("sql failed: [TABLE_OR_VIEW_NOT_FOUND]")
        .contains("sql: refused: DELETE FROM TABLE" + READ_ONLY + "\n")
        .contains("Timing is on.\n")
        .contains("sql: unknown command \\nonsense");
    assertThat(run.err.lines().filter(l -> l.matches("Time: \\d+\\.\\d{3} s"))).hasSize(2);
    assertThat(sql(null, "--format", "csv", "-e", "SELECT count(*) AS n FROM purchases").out)
        .isEqualTo("n\r\n3\r\n");
  }

  @Test
  void interactiveEndsAtEndOfInputAndKeepsHistory() throws Exception {
    Path history = SharedSpark.tempDir("sql-history").resolve("history");
    Run run = interactive("SELECT 1 AS a;\n\\format json\nSELECT 2\n  AS b;", history);
    assertThat(run.out).isEqualTo("+---+\n|a  |\n+---+\n|1  |\n+---+\n\n{\"b\":2}\n");
    assertThat(Files.readString(history)).contains("SELECT 1 AS a;").contains(":SELECT 2\n").contains(":AS b;");
  }

  private record Run(String out, String err, Exception failure) {}

  /** Runs {@code sql} with {@code args} on the shared session, stdin = {@code stdin} (when not null). */
  private static Run sql(String stdin, String... args) {
    return capture(cmd -> {
      JobConfig config = cmd.common.load();
      cmd.validate(config);
      if (stdin != null) {
        cmd.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
      }
      cmd.run(config, SharedSpark.get());
    }, args);
  }

  private static Run interactive(String input) {
    return interactive(input, SharedSpark.tempDir("sql-history").resolve("history"));
  }

  private static Run interactive(String input, Path history) {
    return capture(cmd -> {
      JobConfig config = cmd.common.load();
      SqlShell shell = cmd.shell(config, SharedSpark.get());
      ByteArrayOutputStream screen = new ByteArrayOutputStream();
      try (DumbTerminal terminal = new DumbTerminal(
          new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), screen)) {
        shell.interactive(SqlCommand.lineReader(terminal, history));
      }
    }, "--format", "table");
  }

  private interface Body {
    void run(SqlCommand cmd) throws Exception;
  }

  private static Run capture(Body body, String... args) {
    SqlCommand cmd = new SqlCommand();
    String[] all = new String[args.length + 2];
    all[0] = "--warehouse";
    all[1] = warehouse;
    System.arraycopy(args, 0, all, 2, args.length);
    new CommandLine(cmd).parseArgs(all);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream outBefore = System.out;
    PrintStream errBefore = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    Exception failure = null;
    try {
      body.run(cmd);
    } catch (ConfigException | JobFailure e) {
      failure = e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      System.setOut(outBefore);
      System.setErr(errBefore);
    }
    return new Run(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), failure);
  }
}
