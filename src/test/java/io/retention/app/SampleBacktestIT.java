package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.lake.DeltaTables;
import io.retention.pipeline.StageContext;
import io.retention.report.HtmlReport;
import io.retention.report.ReportData;
import io.retention.report.ReportModel;
import io.retention.testing.SampleWarehouse;
import io.retention.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The bundled samples get a backtest history: {@code backtest --backfill 2025-06-01 2025-08-01 --every 30} scores
 * three past dates point in time and evaluates them, and the report shows all three. Each date's overall observed
 * churn is checked against an independent count from silver.purchases (scored customers with no purchase order in
 * the 90 days after the date).
 */
class SampleBacktestIT {
  static final List<LocalDate> DATES = List.of(LocalDate.parse("2025-06-01"), LocalDate.parse("2025-07-01"),
      LocalDate.parse("2025-07-31"));

  @Test
  void aBackfilledHistoryOfThreeScoreDatesIsEvaluatedAndShownInTheReport() throws Exception {
    Path root = SharedSpark.tempDir("sample-backtest");
    Path wh = root.resolve("warehouse");
    DeltaTables t = SampleWarehouse.build(wh);

    BacktestCommand cmd = new BacktestCommand();
    new CommandLine(cmd).parseArgs("--warehouse", wh.toString(), "--backfill", "2025-06-01", "2025-08-01",
        "--every", "30");
    JobConfig config = cmd.common.load();
    cmd.validate(config);
    cmd.execute(config, StageContext.forCommand(t, "backtest", null, System.err));

    ReportModel m = new ReportData(t).load(new ReportData.Options(null, 90));
    assertThat(m.backtest()).isNotNull();
    assertThat(m.backtest().points()).extracting(ReportModel.BacktestPoint::scoreDate).containsExactlyElementsOf(DATES);
    for (ReportModel.BacktestPoint p : m.backtest().points()) {
      Row expected = t.spark().sql(String.format("""
          SELECT count(*), count_if(NOT bought) FROM (
            SELECT s.customer_id, EXISTS (SELECT 1 FROM delta.`%s` p WHERE p.customer_id = s.customer_id
                AND p.kind = 'purchase' AND p.order_date > s.score_date
                AND p.order_date <= date_add(s.score_date, 90)) AS bought
            FROM delta.`%s` s WHERE s.score_date = DATE'%s')""",
          t.path(io.retention.lake.Table.PURCHASES), t.path(io.retention.lake.Table.CHURN_SCORES), p.scoreDate()))
          .first();
      assertThat(p.customers()).as(p.scoreDate() + " customers").isEqualTo(expected.getLong(0)).isPositive();
      assertThat(p.observedChurn()).as(p.scoreDate() + " observed churn")
          .isCloseTo((double) expected.getLong(1) / expected.getLong(0), org.assertj.core.data.Offset.offset(1e-12));
    }

    Path page = HtmlReport.write(m, root.resolve("reports")).resolve("index.html");
    String html = Files.readString(page);
    int at = html.indexOf("<h3 id=\"churn-backtest\">");
    assertThat(at).as("the report's backtest section").isPositive();
    String section = html.substring(at, html.indexOf("</table>", at));
    for (LocalDate d : DATES) {
      assertThat(section).as("the backtest table lists " + d).contains("<td>" + d + "</td>");
    }
  }
}
