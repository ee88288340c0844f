package io.retention.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.retention.clv.ClvEvaluation;
import io.retention.clv.CustomerLifetimeValue;
import io.retention.clv.TimeUnit;
import io.retention.ingest.IngestStage;
import io.retention.ingest.SourceProfile;
import io.retention.ingest.ValidationRules;
import io.retention.lake.DeltaTables;
import io.retention.metrics.MetricsStage;
import io.retention.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regenerates the README's screenshot from data-samples/landing: ingest, metrics, clv, clv-evaluate, report, then
 * a headless Chromium screenshot. Opt-in (it ingests 733 files):
 * {@code mvn -B test -Dtest=SampleReportTest -Dretention.report.screenshot=docs/report-screenshot.png}.
 */
class SampleReportTest {
  static final String PROPERTY = "retention.report.screenshot";

  @TempDir
  Path work;

  @Test
  @EnabledIfSystemProperty(named = PROPERTY, matches = ".+")
  void sampleReportScreenshot() throws Exception {
    assumeTrue(Chromium.available(), "SKIPPED: " + Chromium.BINARY + " is not installed");
    Path project = Path.of(System.getProperty("retention.project.dir", "."));
    DeltaTables t = new DeltaTables(SharedSpark.get(), work.resolve("warehouse").toString());
    ValidationRules rules = new ValidationRules("UTC", "EUR", List.of("EUR", "GBP", "USD"), 1_000_000,
        Instant.now().plusSeconds(86_400), false);
    new IngestStage(t, new IngestStage.Options(project.resolve("data-samples/landing").toString(),
        SourceProfile.load("canonical", project.resolve("conf/sources").toString()), rules)).run();
    new MetricsStage(t, MetricsStage.Options.defaults(), "sample-metrics").run();
    new CustomerLifetimeValue(t, new CustomerLifetimeValue.Options(null, TimeUnit.WEEK, 12, 0.01, 0.0, 90))
        .run("sample-clv");
    new ClvEvaluation(t, new ClvEvaluation.Options(LocalDate.parse("2025-06-30"), LocalDate.parse("2025-12-31"),
        TimeUnit.WEEK, 0.0)).run("sample-eval");
    ReportModel m = new ReportData(t).load(new ReportData.Options(null, 90));
    Path dir = HtmlReport.write(m, work.resolve("reports"));

    Chromium.Run page = Chromium.screenshot(dir.resolve("index.html"), work.resolve("sample.png"), work);
    assertThat(page.pageErrors()).isEmpty();
    Chromium.assertNonTrivial(page.screenshot());
    Path target = project.resolve(System.getProperty(PROPERTY));
    Files.createDirectories(target.getParent());
    Files.copy(page.screenshot(), target, StandardCopyOption.REPLACE_EXISTING);
  }
}
