package io.retention.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.retention.churn.ChurnEvaluation;
import io.retention.churn.ChurnScorer;
import io.retention.churn.ChurnTrainer;
import io.retention.churn.ModelRegistry;
import io.retention.clv.ClvEvaluation;
import io.retention.clv.TimeUnit;
import io.retention.lake.DeltaTables;
import io.retention.lake.LatestPurchase;
import io.retention.lake.Table;
import io.retention.testing.SampleWarehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regenerates the README's screenshots from data-samples/landing: ingest, metrics, clv, clv-evaluate, train-churn,
 * score-churn, report, then headless Chromium screenshots of the top of the page and of the churn model section. Opt-in (it ingests 733 files):
 * {@code mvn -B test -Dtest=SampleReportIT -Dretention.report.screenshot=docs/report-screenshot.png}.
 */
class SampleReportIT {
  static final String PROPERTY = "retention.report.screenshot";

  @TempDir
  Path work;

  @Test
  @EnabledIfSystemProperty(named = PROPERTY, matches = ".+")
  void sampleReportScreenshot() throws Exception {
    assumeTrue(Chromium.available(), "SKIPPED: " + Chromium.BINARY + " is not installed");
    Path project = SampleWarehouse.project();
    DeltaTables t = SampleWarehouse.build(work.resolve("warehouse"));
    new ClvEvaluation(t, new ClvEvaluation.Options(LocalDate.parse("2025-06-30"), LocalDate.parse("2025-12-31"),
        TimeUnit.WEEK, 0.0)).run("sample-eval");
    churn(t, work.resolve("warehouse").toString());
    ReportModel m = new ReportData(t).load(new ReportData.Options(null, 90));
    assertThat(m.churnModel()).isNotNull();
    Path dir = HtmlReport.write(m, work.resolve("reports"));

    Chromium.Run page = Chromium.screenshot(dir.resolve("index.html"), work.resolve("sample.png"), work);
    assertThat(page.pageErrors()).isEmpty();
    Chromium.assertNonTrivial(page.screenshot());
    Path target = project.resolve(System.getProperty(PROPERTY));
    Files.createDirectories(target.getParent());
    Files.copy(page.screenshot(), target, StandardCopyOption.REPLACE_EXISTING);
    // the churn model section further down the page (headless screenshots ignore #fragments): the same page from
    // that heading on, as docs/report-churn-screenshot.png beside the first one
    String html = Files.readString(dir.resolve("index.html"));
    int at = html.indexOf("<h3 id=\"churn-model\">");
    assertThat(at).isPositive();
    Path section = dir.resolve("churn-section.html");
    Files.writeString(section, html.substring(0, html.indexOf("<body>") + "<body>".length()) + html.substring(at));
    Chromium.Run churn = Chromium.screenshot(section, work.resolve("churn.png"), work);
    assertThat(churn.pageErrors()).isEmpty();
    Chromium.assertNonTrivial(churn.screenshot());
    Files.copy(churn.screenshot(), target.resolveSibling("report-churn-screenshot.png"),
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** train-churn (validation cutoff = last day - 90) and score-churn, as the commands do them. */
  private static void churn(DeltaTables t, String warehouse) {
    Dataset<Row> purchases = t.read(Table.PURCHASES);
    LocalDate last = LatestPurchase.day(purchases).orElseThrow();
    ChurnTrainer.Options o = ChurnTrainer.Options.defaults(last.minusDays(90), 90, 365, 42);
    ChurnTrainer.Result r = ChurnTrainer.train(purchases, o);
    Instant now = Instant.now();
    String version = ChurnTrainer.version(now);
    ChurnEvaluation.write(t, version, r.curves());
    ModelRegistry registry = ModelRegistry.under(warehouse);
    registry.save(version, r.model(), ChurnTrainer.metadata(version, r, o, now));
    new ChurnScorer(t, registry, new ChurnScorer.Options(null, 365, 90, 0.0, 0.6, 0.3, null)).run();
  }
}
