package io.retention.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.metrics.CohortRetention;
import io.retention.metrics.Grain;
import io.retention.metrics.MetricsStage;
import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * DuckDB's cohort SQL against {@link CohortRetention} on the edge cases the generated data rarely has: a
 * refund-only customer (no cohort), a refund dated before the first purchase (month 0), same-day orders,
 * reactivation after empty months, cumulative revenue that rounds half-up (and away from zero when negative),
 * rows after the as-of date and an unfinished last month.
 */
class DuckDbCohortsTest {
  private static int seq;

  private static Row order(String customer, String date, String amount, String kind) {
    seq++;
    return RowFactory.create("o" + seq, customer, Timestamp.from(Instant.parse(date + "T12:00:00Z")),
        Date.valueOf(date), new BigDecimal(amount), "EUR", 1L, kind, CollectionConverters.asScala(Map.of()),
        "h" + seq, "f.csv", (long) seq, "run");
  }

  private static Row buy(String c, String d, String a) {
    return order(c, d, a, Columns.KIND_PURCHASE);
  }

  private static Row refund(String c, String d, String a) {
    return order(c, d, a, Columns.KIND_REFUND);
  }

  @Test
  void sameTableAsCohortRetentionOnEdgeCases() throws Exception {
    SparkSession spark = SharedSpark.get();
    List<Row> rows = new ArrayList<>(List.of(
        buy("a", "2024-01-05", "10.00"), buy("a", "2024-01-05", "0.01"), buy("a", "2024-04-02", "5.00"),
        buy("b", "2024-01-31", "0.00"), refund("b", "2024-02-01", "-0.01"),
        refund("c", "2023-12-30", "-3.00"), buy("c", "2024-01-10", "1.00"),
        refund("r", "2024-02-10", "-9.99"),
        buy("d", "2024-02-29", "20.00"), buy("d", "2024-05-01", "1.00"),
        buy("e", "2024-03-15", "7.77"), refund("e", "2024-03-16", "-7.78"),
        buy("g", "2024-02-03", "0.01"), buy("h", "2024-03-02", "0.00"),
        buy("f", "2024-05-20", "3.00"), buy("a", "2024-06-01", "99.00")));
    Dataset<Row> purchases = spark.createDataFrame(rows, Schemas.PURCHASES);
    MetricsStage.Options o = MetricsStage.Options.defaults().withGrain(Grain.MONTH)
        .withAsOf(LocalDate.parse("2024-05-20"));
    String dir = SharedSpark.tempDir("duck").resolve("p").toString();
    CohortBench.writeParquet(purchases, dir);
    Dataset<Row> spark0 = CohortRetention.compute(spark.read().parquet(dir), o);
    List<Row> duck = new ArrayList<>();
    try (DuckDbCohorts db = new DuckDbCohorts(2)) {
      for (Object[] r : db.run(dir, o.asOf())) {
        Object[] v = r.clone();
        v[1] = Date.valueOf((LocalDate) r[1]);
        v[3] = Date.valueOf((LocalDate) r[3]);
        duck.add(RowFactory.create(v));
      }
    }
    // cohorts Jan (a, b, c: 5 months), Feb (d, g: 4; 20.01 / 2 rounds up to 10.01), Mar (e, h: 3; -0.01 / 2
    // rounds to -0.01), May (f: 1); r has only a refund and no cohort; a's June order is after the as-of date
    assertThat(duck).hasSize(5 + 4 + 3 + 1);
    SharedSpark.assertSameRows(spark0, spark.createDataFrame(duck, spark0.schema()));
  }
}
