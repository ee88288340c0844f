package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code query} is read-only: the attacks are refused before they run (ConfigException, which Main turns
 * into one line and exit 2) and leave silver.purchases exactly as it was (same files, same rows); reads run.
 */
class QueryReadOnlyTest {
  private static final String READ_ONLY = " - query is read-only (SELECT, SHOW, DESCRIBE, EXPLAIN)";
  private static String warehouse;
  private static Path purchases;
  private static Path scratch;

  @BeforeAll
  static void warehouseWithTwoVersions() {
    warehouse = SharedSpark.tempDir("query-ro").toString();
    scratch = SharedSpark.tempDir("query-ro-scratch");
    DeltaTables tables = new DeltaTables(SharedSpark.get(), warehouse);
    SparkSession spark = SharedSpark.get();
    tables.overwrite(Table.PURCHASES, spark.createDataFrame(List.of(order("o1", "A", "2024-01-05", "10.00"),
        order("o2", "A", "2024-02-05", "5.00"), order("o3", "B", "2024-01-07", "7.50")), Schemas.PURCHASES));
    tables.append(Table.PURCHASES,
        spark.createDataFrame(List.of(order("o4", "C", "2024-03-01", "1.00")), Schemas.PURCHASES));
    purchases = Path.of(tables.path(Table.PURCHASES));
  }

  static Row order(String id, String customer, String day, String amount) {
    return RowFactory.create(id, customer, Timestamp.valueOf(day + " 10:00:00"), Date.valueOf(day),
        new BigDecimal(amount), "EUR", 1L, "purchase", CollectionConverters.asScala(Map.<String, String>of()), "h",
        "f", 1L, "r");
  }

  static Stream<Arguments> attacks() {
    String x = scratch.resolve("x").toString();
    String table = purchases.toString();
    return Stream.of(
        Arguments.of("DELETE FROM silver.purchases WHERE customer_id = 'A'", "DELETE FROM TABLE"),
        Arguments.of("INSERT INTO silver.purchases SELECT * FROM purchases", "INSERT INTO"),
        Arguments.of("INSERT OVERWRITE silver.purchases SELECT * FROM purchases LIMIT 1", "INSERT INTO"),
        Arguments.of("ALTER TABLE silver.purchases SET TBLPROPERTIES "
            + "('delta.deletedFileRetentionDuration'='interval 0 hours')", "SET TABLE PROPERTIES"),
        Arguments.of("VACUUM silver.purchases RETAIN 0 HOURS", "VACUUM TABLE"),
        Arguments.of("CREATE TABLE x LOCATION '" + x + "' AS SELECT * FROM silver.purchases",
            "CREATE TABLE AS SELECT"),
        Arguments.of("SELECT * FROM csv.`/etc/passwd`", "reading files by path (csv.`/etc/passwd`)"),
        Arguments.of("SELECT * FROM delta.`" + table + "`", "reading files by path (delta.`" + table + "`)"),
        Arguments.of("DESCRIBE HISTORY '" + table + "'", "reading files by path"),
        Arguments.of("SET spark.sql.runSQLOnFiles=true", "SET"),
        Arguments.of("RESET", "RESET"),
        Arguments.of("SELECT reflect('java.lang.System', 'getenv', 'HOME')", "function reflect"),
        Arguments.of("SELECT JAVA_METHOD('java.lang.System', 'getenv', 'HOME')", "function java_method"),
        Arguments.of("SELECT try_reflect('java.lang.System', 'getenv', 'HOME')", "function try_reflect"),
        Arguments.of("SELECT IDENTIFIER('reflect')('java.lang.System', 'getenv', 'HOME')", "function reflect"),
        Arguments.of("WITH t AS (SELECT reflect('java.lang.System', 'getenv', 'HOME') AS h) SELECT * FROM t",
            "function reflect"),
        Arguments.of("SELECT * FROM purchases WHERE customer_id = "
            + "(SELECT java_method('java.lang.System', 'getenv', 'HOME'))", "function java_method"),
        Arguments.of("WITH t AS (SELECT 1) INSERT INTO silver.purchases SELECT * FROM purchases", "INSERT INTO"),
        Arguments.of("INSERT INTO IDENTIFIER('silver.purchases') SELECT * FROM purchases", "INSERT INTO"),
        Arguments.of("SELECT * FROM purchases WHERE EXISTS "
            + "(SELECT TRANSFORM(order_id) USING 'cat /etc/passwd' FROM purchases)", "SCRIPT TRANSFORMATION"),
        Arguments.of("CREATE TEMP VIEW v AS SELECT 1", "CREATE VIEW"),
        Arguments.of("CREATE TEMPORARY VIEW f USING csv OPTIONS (path '/etc/passwd')", "CREATE TEMP VIEW USING"),
        Arguments.of("DROP TABLE silver.purchases", "DROP TABLE"),
        Arguments.of("TRUNCATE TABLE silver.purchases", "TRUNCATE TABLE"),
        Arguments.of("OPTIMIZE silver.purchases", "OPTIMIZE TABLE"),
        Arguments.of("REORG TABLE silver.purchases APPLY (PURGE)", "REORG TABLE"),
        Arguments.of("RESTORE TABLE silver.purchases TO VERSION AS OF 0", "RESTORE TABLE"),
        Arguments.of("MERGE INTO silver.purchases t USING purchases s ON t.order_id = s.order_id "
            + "WHEN MATCHED THEN DELETE", "MERGE INTO TABLE"),
        Arguments.of("UPDATE silver.purchases SET amount = 0", "UPDATE TABLE"),
        Arguments.of("CACHE TABLE purchases", "CACHE TABLE"),
        Arguments.of("REFRESH TABLE purchases", "REFRESH TABLE"),
        Arguments.of("ADD JAR /tmp/x.jar", "ADD JARS"),
        Arguments.of("EXECUTE IMMEDIATE 'DELETE FROM silver.purchases'", "EXECUTE IMMEDIATE"),
        Arguments.of("BEGIN DELETE FROM silver.purchases; END", "SQL scripting (BEGIN ... END)"),
        Arguments.of("USE silver", "USE"),
        Arguments.of("EXPLAIN DELETE FROM silver.purchases", "DELETE FROM TABLE"),
        Arguments.of("EXPLAIN INSERT INTO silver.purchases SELECT * FROM purchases", "INSERT INTO"),
        Arguments.of("EXPLAIN EXECUTE IMMEDIATE 'DELETE FROM silver.purchases'", "EXECUTE IMMEDIATE"),
        Arguments.of("INSERT OVERWRITE DIRECTORY '" + x + "' USING csv SELECT * FROM purchases",
            "INSERT INTO DIR"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void attacksAreRefusedBeforeTheyRun(String sql, String kind) throws IOException {
    List<String> files = files(purchases);
    assertThatThrownBy(() -> query("csv", sql))
        .isInstanceOf(ConfigException.class)
        .hasMessage("query: refused: " + kind + READ_ONLY);
    assertThat(files(purchases)).isEqualTo(files); // no commit, no file added or vacuumed
    assertThat(query("csv", "SELECT count(*) AS n FROM silver.purchases")).isEqualTo("n\r\n4\r\n");
    assertThat(scratch.resolve("x")).doesNotExist();
  }

  @Test
  void sqlSparkCannotParseFailsAsBeforeAndWritesNothing() throws IOException {
    List<String> files = files(purchases);
    assertThatThrownBy(() -> query("csv", "SELECT * FROM (DELETE FROM silver.purchases)"))
        .isInstanceOf(JobFailure.class).hasMessageStartingWith("query failed: [PARSE_SYNTAX_ERROR]");
    assertThatThrownBy(() -> query("csv", "SELECT 1; DELETE FROM silver.purchases"))
        .isInstanceOf(JobFailure.class).hasMessageStartingWith("query failed: [PARSE_SYNTAX_ERROR]");
    // a path hidden in IDENTIFIER() is no table once runSQLOnFiles is off: the file is never read
    assertThatThrownBy(() -> query("csv", "SELECT * FROM IDENTIFIER('csv.`/etc/passwd`')"))
        .isInstanceOf(JobFailure.class).hasMessageContaining("[TABLE_OR_VIEW_NOT_FOUND]");
    assertThat(files(purchases)).isEqualTo(files);
  }

  @Test
  void readsRunAndGiveTheRightResults() throws IOException {
    assertThat(query("csv", "SELECT customer_id, count(*) AS orders FROM silver.purchases "
        + "GROUP BY customer_id ORDER BY customer_id")).isEqualTo("customer_id,orders\r\nA,2\r\nB,1\r\nC,1\r\n");
    assertThat(query("csv", "WITH firsts AS (SELECT customer_id, min(order_date) AS first FROM purchases "
        + "GROUP BY customer_id) SELECT count(*) AS n FROM firsts WHERE first < DATE'2024-02-01'"))
        .isEqualTo("n\r\n2\r\n");
    assertThat(query("csv", "SELECT count(*) AS n FROM silver.purchases VERSION AS OF 0")).isEqualTo("n\r\n3\r\n");
    assertThat(query("csv", "VALUES (1, 'a')")).isEqualTo("col1,col2\r\n1,a\r\n");
    assertThat(query("json", "SELECT (SELECT max(amount) FROM purchases) AS top, count(*) AS n FROM range(2)"))
        .isEqualTo("{\"top\":10.00,\"n\":2}\n");
    assertThat(query("csv", "SHOW TABLES IN silver")).startsWith("namespace,tableName,isTemporary\r\n")
        .contains("silver,purchases,false\r\n");
    assertThat(query("csv", "DESCRIBE silver.purchases").lines().map(l -> l.split(",")[0]).limit(4))
        .containsExactly("col_name", "order_id", "customer_id", "order_ts");
  }

  @Test
  void describeHistoryDetailAndExplainRun() throws IOException {
    assertThat(query("csv", "DESCRIBE HISTORY silver.purchases").lines().skip(1).map(l -> l.split(",")[0]))
        .containsExactly("1", "0");
    assertThat(query("csv", "DESCRIBE DETAIL silver.purchases")).contains("delta");
    assertThat(query("csv", "EXPLAIN SELECT * FROM purchases WHERE customer_id = 'A'"))
        .contains("== Physical Plan ==");
    assertThat(query("csv", "SHOW TBLPROPERTIES silver.purchases")).startsWith("key,value");
  }

  @Test
  void temporaryViewsOnlyWhereAllowedAndOnlyOverReads() {
    SparkSession session = ReadOnlySql.session(SharedSpark.get());
    ReadOnlySql shell = ReadOnlySql.forCommand("sql").allowingTempViews();
    shell.check(session, "CREATE OR REPLACE TEMP VIEW recent AS SELECT * FROM range(3)");
    assertThatThrownBy(() -> ReadOnlySql.forCommand("sql").check(session, "CREATE TEMP VIEW v AS SELECT 1"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("sql: refused: CREATE VIEW - sql is read-only (SELECT, SHOW, DESCRIBE, EXPLAIN)");
    assertThatThrownBy(() -> shell.check(session, "CREATE TEMP VIEW v AS SELECT reflect('a', 'b')"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("sql: refused: function reflect - ");
    assertThatThrownBy(() -> shell.check(session, "CREATE GLOBAL TEMP VIEW v AS SELECT 1"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("sql: refused: CREATE VIEW - ");
    assertThatThrownBy(() -> shell.check(session, "CREATE VIEW v AS SELECT 1"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("sql: refused: CREATE VIEW - ");
    assertThat(session.conf().get("spark.sql.runSQLOnFiles")).isEqualTo("false");
    assertThat(SharedSpark.get().conf().get("spark.sql.runSQLOnFiles")).isEqualTo("true"); // caller untouched
    SparkSession otherZone = SharedSpark.get().newSession();
    otherZone.conf().set("spark.sql.session.timeZone", "Asia/Tokyo");
    assertThat(ReadOnlySql.session(otherZone).conf().get("spark.sql.session.timeZone")).isEqualTo("Asia/Tokyo");
  }

  /** Runs {@code query --sql} on the shared session and returns what it printed to stdout. */
  private static String query(String format, String sql) throws IOException {
    QueryCommand cmd = new QueryCommand();
    new CommandLine(cmd).parseArgs("--warehouse", warehouse, "--format", format, "--sql", sql);
    JobConfig config = cmd.common.load();
    cmd.validate(config);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream before = System.out;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      assertThat(cmd.run(config, SharedSpark.get())).isZero();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      System.setOut(before);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.map(p -> dir.relativize(p) + ":" + p.toFile().length()).sorted().toList();
    }
  }
}
