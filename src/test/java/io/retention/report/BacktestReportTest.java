package io.retention.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.churn.ChurnBacktest;
import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.report.ReportModel.Backtest;
import io.retention.report.ReportModel.BacktestPoint;
import io.retention.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** The backtest section: its chart over time, the uplift chart when a list had a control group, and the table. */
class BacktestReportTest {
  private static final LocalDate D1 = LocalDate.parse("2025-06-01");
  private static final LocalDate D2 = LocalDate.parse("2025-07-01");

  private static Row row(LocalDate d, String kind, String key, long customers, Double mean, Double observed,
      Double precision, Double recall, Long t, Long c, Double diff, Double low, Double high) {
    return RowFactory.create(Date.valueOf(d), 90, Date.valueOf(d.plusDays(90)), "m1", kind, key, customers, 0L,
        mean, observed, precision, recall, t, c, null, null, diff, low, high);
  }

  @Test
  void loadsOnePointPerScoreDateAndDrawsBothChartsAndTheTable() throws Exception {
    DeltaTables tables = new DeltaTables(SharedSpark.get(), SharedSpark.tempDir("backtest-report").toString());
    assertThat(BacktestReport.load(tables)).as("no table: no section data").isNull();
    ChurnBacktest.write(tables, D1, List.of(row(D1, "overall", "all", 100, 0.4, 0.35, null, null, null, null,
        null, null, null), row(D1, "band", "high", 20, 0.8, 0.7, null, null, null, null, null, null, null),
        row(D1, "band", "low", 50, 0.1, 0.1, null, null, null, null, null, null, null),
        row(D1, "decile", "1", 10, 0.9, 0.8, null, null, null, null, null, null, null)));
    ChurnBacktest.write(tables, D2, List.of(row(D2, "overall", "all", 120, 0.45, 0.5, null, null, null, null,
        null, null, null), row(D2, "list", "all", 5, 0.8, 0.8, 0.8, 2.0 / 3, 3L, 2L, null, null, null),
        row(D2, "uplift", "treatment-control", 5, null, null, null, null, 3L, 2L, 1.0 / 3, -0.378258, 0.792340)));

    Backtest b = BacktestReport.load(tables);
    assertThat(b.horizonDays()).isEqualTo(90);
    assertThat(b.points()).extracting(BacktestPoint::scoreDate).containsExactly(D1, D2);
    BacktestPoint first = b.points().get(0);
    assertThat(first.highMeanRisk()).isEqualTo(0.8);
    assertThat(first.highObservedChurn()).isEqualTo(0.7);
    assertThat(first.listSize()).isNull();
    BacktestPoint second = b.points().get(1);
    assertThat(second.precision()).isEqualTo(0.8);
    assertThat(second.control()).isEqualTo(2L);
    assertThat(second.uplift()).isEqualTo(1.0 / 3);

    Path dir = SharedSpark.tempDir("backtest-report-out");
    Page p = new Page("");
    BacktestReport.render(p, b, dir);
    String html = p.toString();
    assertThat(html).contains("<img src=\"churn_backtest.png\"", "<img src=\"churn_uplift.png\"",
        "<td>+33.3 pts (-37.8 to +79.2)</td>", "<td>2025-06-01</td>", "<td>80.0 %</td>");
    assertThat(html.indexOf("2025-07-01")).as("newest first").isLessThan(html.indexOf("2025-06-01"));
    assertThat(dir.resolve("churn_backtest.png")).exists();
    assertThat(Files.size(dir.resolve("churn_uplift.png"))).isPositive();
  }

  @Test
  void withoutTheTableTheSectionSaysHowToFillIt() throws Exception {
    Page p = new Page("");
    BacktestReport.render(p, null, SharedSpark.tempDir("backtest-report-none"));
    assertThat(p.toString()).contains("Not computed yet: gold.churn_backtest").contains("backtest --backfill");
  }
}
