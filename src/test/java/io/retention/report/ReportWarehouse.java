package io.retention.report;

import io.retention.clv.ClvEvaluation;
import io.retention.clv.CustomerLifetimeValue;
import io.retention.clv.TimeUnit;
import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.metrics.MetricsStage;
import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * A tiny warehouse with real gold tables: 40 seeded customers buying over 2025-01..2025-06 (one of them with a
 * hostile id), run through the metrics, CLV and CLV-evaluation stages.
 */
final class ReportWarehouse {
  static final String HOSTILE = "<script>alert(1)</script>";
  static final LocalDate START = LocalDate.parse("2025-01-01");
  static final LocalDate LAST = LocalDate.parse("2025-06-20");

  private ReportWarehouse() {}

  /** Silver rows: (customer, order_date) purchases, plus one refund. */
  static List<Row> purchases() {
    Random rnd = new Random(7);
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < 40; c++) {
      String id = c == 0 ? HOSTILE : String.format("c%02d", c);
      LocalDate d = START.plusDays(rnd.nextInt(120));
      int n = 1 + rnd.nextInt(5);
      for (int k = 0; k < n && !d.isAfter(LAST); k++) {
        rows.add(row(id + "-" + k, id, d, new BigDecimal(20 + rnd.nextInt(80) + ".50")));
        d = d.plusDays(7 + rnd.nextInt(50));
      }
    }
    rows.add(row("c01-refund", "c01", LAST, new BigDecimal("-10.00")));
    if (rows.stream().noneMatch(r -> r.getDate(3).toLocalDate().equals(LAST) && r.getDecimal(4).signum() > 0)) {
      rows.add(row("c02-last", "c02", LAST, new BigDecimal("42.00")));
    }
    return rows;
  }

  private static Row row(String orderId, String customer, LocalDate d, BigDecimal amount) {
    String kind = amount.signum() < 0 ? Columns.KIND_REFUND : Columns.KIND_PURCHASE;
    return RowFactory.create(orderId, customer, Timestamp.valueOf(d.atTime(12, 0)), Date.valueOf(d), amount, "EUR",
        1L, kind, scala.collection.immutable.Map$.MODULE$.empty(), null, "test.csv", 0L, "run-0");
  }

  /** A fresh warehouse with silver, the metrics and CLV gold tables and the CLV evaluation. */
  static DeltaTables build() {
    DeltaTables t = new DeltaTables(SharedSpark.get(), SharedSpark.tempDir("report-wh").toString());
    t.overwrite(Table.PURCHASES, SharedSpark.get().createDataFrame(purchases(), Schemas.PURCHASES));
    new MetricsStage(t, MetricsStage.Options.defaults(), "run-m").run();
    new CustomerLifetimeValue(t, new CustomerLifetimeValue.Options(null, TimeUnit.WEEK, 12, 0.01, 0.0, 90))
        .run("run-c");
    new ClvEvaluation(t, new ClvEvaluation.Options(LocalDate.parse("2025-04-30"), LAST, TimeUnit.WEEK, 0.0))
        .run("run-e");
    return t;
  }
}
