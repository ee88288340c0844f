package io.retention.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.schema.Columns;
import io.retention.schema.MetricsColumns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CDNOW master file (one acquisition cohort, Q1 1997): Spark tables vs the plain-Java computation. */
class CdnowCrossCheckIT {
  static List<IndependentMonthlyMetrics.Order> orders;
  static Dataset<Row> purchases;
  static final LocalDate AS_OF = LocalDate.parse("1998-06-30");

  @BeforeAll
  static void load() throws IOException {
    Path shared = SharedSpark.sharedDatasets();
    Assumptions.assumeTrue(shared != null && Files.isRegularFile(shared.resolve("cdnow/CDNOW_master.txt")),
        "../shared/datasets absent: skipping");
    orders = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    Map<String, Integer> perDay = new HashMap<>();
    DateTimeFormatter ymd = DateTimeFormatter.BASIC_ISO_DATE;
    List<String> lines = Files.readAllLines(shared.resolve("cdnow/CDNOW_master.txt"), StandardCharsets.US_ASCII);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 4) {
        continue;
      }
      LocalDate date = LocalDate.parse(f[1], ymd);
      BigDecimal amount = new BigDecimal(f[3]).setScale(2);
      int k = perDay.merge(f[0] + "-" + f[1], 1, Integer::sum);
      orders.add(new IndependentMonthlyMetrics.Order(f[0], date, amount, true));
      rows.add(RowFactory.create(f[0] + "-" + f[1] + "-" + k, f[0], Timestamp.valueOf(date.atStartOfDay()),
          Date.valueOf(date), amount, "EUR", Long.parseLong(f[2]), Columns.KIND_PURCHASE,
          scala.collection.immutable.Map$.MODULE$.empty(), null, "CDNOW_master.txt", null, "cdnow"));
    }
    purchases = SharedSpark.get().createDataFrame(rows, Schemas.PURCHASES).cache();
  }

  @Test
  void monthlyCohortTableAndKpisMatchAnIndependentComputation() {
    assertThat(orders).hasSize(69_659);
    IndependentMonthlyMetrics expected = new IndependentMonthlyMetrics(orders, AS_OF, 90);
    MetricsStage.Options o = MetricsStage.Options.defaults(); // as-of = latest purchase day = 1998-06-30
    Dataset<Row> cohorts = CohortRetention.compute(purchases, o)
        .orderBy(MetricsColumns.COHORT, MetricsColumns.PERIOD_INDEX);
    List<Object[]> cohortRows = expected.cohortRows();
    assertThat(cohortRows).hasSize(3 * 18 - 3); // Jan, Feb, Mar 1997 cohorts up to June 1998
    SharedSpark.assertApproxRows(Fixtures.table(CohortRetentionTest.COHORT_TABLE,
        cohortRows.toArray(new Object[0][])), cohorts, 1e-12);
    Dataset<Row> kpis = RetentionKpis.compute(purchases, o).orderBy(MetricsColumns.PERIOD_START);
    SharedSpark.assertApproxRows(Fixtures.table(RetentionKpisTest.KPI_TABLE,
        expected.kpiRows().toArray(new Object[0][])), kpis, 1e-12);
  }
}
