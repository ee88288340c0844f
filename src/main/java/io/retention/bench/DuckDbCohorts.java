package io.retention.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The peer of the cohort benchmark: DuckDB (in-process, JDBC) computing the monthly gold.cohort_retention table
 * with plain SQL from a Parquet copy of silver.purchases, with the same definitions as
 * {@link io.retention.metrics.CohortRetention} (DESIGN §5, §9): cohort = month of the first purchase day,
 * active = distinct customers with a purchase in cohort + k, unbounded retention from each customer's last
 * active month, revenue = net amount of all orders (a refund before the first purchase counts in month 0),
 * cumulative revenue per customer rounded half-up to cents, net and capped revenue retention (each customer's
 * month-k net capped at their month-0 net, both floored at 0), and a dense grid of months 0 .. as-of.
 * The result is fetched whole over JDBC (cohorts × months rows), which forces every column to be computed.
 */
public final class DuckDbCohorts implements AutoCloseable {
  /** Output columns, in the order of gold.cohort_retention. */
  public static final List<String> COLUMNS = List.of("grain", "cohort", "period_index", "period_start",
      "cohort_size", "active_customers", "retention_rate", "unbounded_retention_rate", "revenue",
      "cumulative_revenue_per_customer", "is_complete", "net_revenue_retention", "capped_revenue_retention");

  private final Connection connection;

  /** An in-memory DuckDB with {@code threads} worker threads (the same count as Spark's cores). */
  public DuckDbCohorts(int threads) throws SQLException {
    connection = open(threads);
  }

  /** A new in-memory DuckDB with {@code threads} worker threads and UTC as its time zone. */
  static Connection open(int threads) throws SQLException {
    try {
      Class.forName("org.duckdb.DuckDBDriver");
    } catch (ClassNotFoundException e) {
      throw new SQLException("DuckDB JDBC driver (org.duckdb:duckdb_jdbc) is not on the class path", e);
    }
    Connection c = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement s = c.createStatement()) {
      s.execute("SET threads = " + threads);
      s.execute("SET TimeZone = 'UTC'"); // a landed timestamp without offset is UTC wall-clock, as ingest reads it
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** The monthly cohort SQL over {@code parquetDir/*.parquet}, up to {@code asOf} inclusive. */
  public static String sql(String parquetDir, LocalDate asOf) {
    String glob = (parquetDir.endsWith("/") ? parquetDir : parquetDir + "/") + "*.parquet";
    int last = asOf.getYear() * 12 + asOf.getMonthValue() - 1;
    String d = "DATE '" + asOf + "'";
    return "WITH p AS (SELECT customer_id, amount AS a, kind = 'purchase' AS buy,"
        + " year(order_date) * 12 + month(order_date) - 1 AS per"
        + " FROM read_parquet('" + glob.replace("'", "''") + "') WHERE order_date <= " + d + "),"
        + " cust AS (SELECT customer_id, min(per) FILTER (WHERE buy) AS c, max(per) FILTER (WHERE buy) AS lastp"
        + " FROM p GROUP BY customer_id HAVING min(per) FILTER (WHERE buy) IS NOT NULL),"
        + " pc AS (SELECT p.per, p.a, p.buy, p.customer_id, cust.c FROM p JOIN cust USING (customer_id)),"
        + " act AS (SELECT c, per - c AS k, count(DISTINCT customer_id) AS act FROM pc WHERE buy GROUP BY c, k),"
        + " rev AS (SELECT c, greatest(per - c, 0) AS k, sum(a) AS rev FROM pc GROUP BY c, greatest(per - c, 0)),"
        + " ends AS (SELECT c, lastp - c AS k, count(*) AS ends FROM cust GROUP BY c, lastp - c),"
        + " ck AS (SELECT customer_id, c, greatest(per - c, 0) AS k, sum(a) AS net FROM pc"
        + " GROUP BY customer_id, c, greatest(per - c, 0)),"
        + " base AS (SELECT customer_id, greatest(net, 0) AS b FROM ck WHERE k = 0),"
        + " capk AS (SELECT ck.c, ck.k, sum(least(greatest(ck.net, 0), base.b)) AS cap FROM ck"
        + " JOIN base USING (customer_id) GROUP BY ck.c, ck.k),"
        + " sizes AS (SELECT c, count(*) AS size FROM cust GROUP BY c),"
        + " grid AS (SELECT c, size, unnest(range(0, " + last + " - c + 1)) AS k FROM sizes),"
        + " dense AS (SELECT g.c, g.k, g.size, coalesce(act.act, 0) AS act, coalesce(rev.rev, 0) AS rev,"
        + " coalesce(ends.ends, 0) AS ends, coalesce(capk.cap, 0) AS cap FROM grid g"
        + " LEFT JOIN act ON act.c = g.c AND act.k = g.k LEFT JOIN rev ON rev.c = g.c AND rev.k = g.k"
        + " LEFT JOIN ends ON ends.c = g.c AND ends.k = g.k LEFT JOIN capk ON capk.c = g.c AND capk.k = g.k),"
        + " sums AS (SELECT *,"
        + " sum(ends) OVER (PARTITION BY c ORDER BY k ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS later,"
        + " sum(rev) OVER (PARTITION BY c ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumrev,"
        + " max(CASE WHEN k = 0 THEN rev END) OVER (PARTITION BY c) AS rev0,"
        + " max(CASE WHEN k = 0 THEN cap END) OVER (PARTITION BY c) AS cap0"
        + " FROM dense),"
        + " cents AS (SELECT *, CAST(cumrev * 100 AS HUGEINT) AS cc FROM sums)"
        + " SELECT 'month' AS grain, make_date(CAST(c // 12 AS INT), CAST(c % 12 + 1 AS INT), 1) AS cohort,"
        + " CAST(k AS INT) AS period_index,"
        + " make_date(CAST((c + k) // 12 AS INT), CAST((c + k) % 12 + 1 AS INT), 1) AS period_start,"
        + " CAST(size AS BIGINT) AS cohort_size, CAST(act AS BIGINT) AS active_customers,"
        + " CAST(act AS DOUBLE) / size AS retention_rate, CAST(later AS DOUBLE) / size AS unbounded_retention_rate,"
        + " CAST(rev AS DECIMAL(18,2)) AS revenue,"
        + " CAST(CAST(sign(cc) * ((abs(cc) * 2 + size) // (2 * size)) AS DECIMAL(20,0)) * CAST(0.01 AS DECIMAL(3,2))"
        + " AS DECIMAL(18,2)) AS cumulative_revenue_per_customer,"
        + " last_day(make_date(CAST((c + k) // 12 AS INT), CAST((c + k) % 12 + 1 AS INT), 1)) <= " + d
        + " AS is_complete,"
        + " CASE WHEN rev0 > 0 THEN CAST(rev AS DOUBLE) / CAST(rev0 AS DOUBLE) END AS net_revenue_retention,"
        + " CASE WHEN cap0 > 0 THEN CAST(cap AS DOUBLE) / CAST(cap0 AS DOUBLE) END AS capped_revenue_retention"
        + " FROM cents ORDER BY c, k";
  }

  /** Runs the cohort SQL and returns every row as Java values (String, LocalDate, Integer, Long, Double, ...). */
  public List<Object[]> run(String parquetDir, LocalDate asOf) throws SQLException {
    List<Object[]> rows = new ArrayList<>();
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql(parquetDir, asOf))) {
      while (rs.next()) {
        rows.add(new Object[] {rs.getString(1), rs.getObject(2, LocalDate.class), rs.getInt(3),
            rs.getObject(4, LocalDate.class), rs.getLong(5), rs.getLong(6), rs.getDouble(7), rs.getDouble(8),
            rs.getBigDecimal(9), rs.getBigDecimal(10), rs.getBoolean(11), nullableDouble(rs, 12),
            nullableDouble(rs, 13)});
      }
    }
    return rows;
  }

  private static Double nullableDouble(ResultSet rs, int column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }

  /** DuckDB's version string. */
  public String version() throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT version()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
