package io.retention.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
  private static final Pattern IMG = Pattern.compile("<img src=\"([^\"]+)\"[^>]*width=\"(\\d+)\" height=\"(\\d+)\"");

  @TempDir
  Path out;

  @Test
  void pageHasEveryChartAsA2xPngBesideIt() throws Exception {
    Path dir = HtmlReport.write(ReportFixtures.full(), out);
    assertThat(dir).isEqualTo(out.resolve("2025-06-15"));
    String html = Files.readString(dir.resolve("index.html"));
    List<String> images = new ArrayList<>();
    Matcher m = IMG.matcher(html);
    while (m.find()) {
      images.add(m.group(1));
      BufferedImage png = ImageIO.read(dir.resolve(m.group(1)).toFile());
      assertThat(png).as(m.group(1)).isNotNull();
      assertThat(png.getWidth()).as("2x width of " + m.group(1)).isEqualTo(2 * Integer.parseInt(m.group(2)));
      assertThat(png.getHeight()).as("2x height of " + m.group(1)).isEqualTo(2 * Integer.parseInt(m.group(3)));
    }
    assertThat(images).containsExactly("cohort_heatmap.png", "revenue_heatmap.png", "retention_curves.png",
        "kpi_rates.png",
        "kpi_aov.png", "gap_histogram.png", "gap_percentiles.png", "clv_distribution.png", "clv_by_cohort.png",
        "clv_calibration.png", "churn_risk.png", "churn_roc.png", "churn_lift.png", "churn_calibration.png");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".png")))
          .containsExactlyInAnyOrderElementsOf(images);
    }
    // month 1 complete for cohorts 0..3; revenue retention 0.8 + 0.1·c: 0.8, (cohort 1 none), 1.0, 1.1 -> 2.9 / 3
    assertThat(html).contains("<figcaption>Month-1 retention of the latest complete cohort (2025-04-01) is 33.0 %, against 31.5 %")
        .contains("<figcaption>Month-1 net revenue retention of the latest complete cohort (2025-04-01) is 110.0 %, "
            + "against 96.7 % on average over the 3 cohorts shown.")
        .contains("CRR</div><div class=\"value\">86.0 %</div>")
        .contains("-1.0 pts vs previous period")
        .contains("Total predicted CLV</div><div class=\"value\">42,000.50</div>")
        .contains("Over all 430 customers the model predicted 0.420 holdout purchases per customer against 0.400");
  }

  @Test
  void theQualitySectionListsTheLatestGateChecksWithWhatTripped() throws Exception {
    ReportModel f = ReportFixtures.full();
    io.retention.quality.GateResult tripped = new io.retention.quality.GateResult("quarantine_rate",
        "quarantine_rate", 0.6, 0.2, null, "fail", "fail", "quarantine_rate 0.6 > 0.2");
    java.time.Instant at = java.time.Instant.parse("2026-12-06T02:31:17Z");
    var failed = new io.retention.quality.QualityLog.Check("nightly-1", java.util.List.of("i1"), at, 10, 0.6, 3,
        "fail", java.util.List.of(tripped), null, null);
    var accepted = new io.retention.quality.QualityLog.Check("nightly-2", java.util.List.of("i1"),
        at.plusSeconds(3600), 10, 0.6, 3, "accepted", java.util.List.of(tripped), "ops<b>", at.plusSeconds(3600));
    ReportModel m = new ReportModel(f.asOf(), f.grain(), f.headline(), f.cohorts(), f.kpis(), f.gaps(), f.clv(),
        f.calibration(), f.churn(), f.churnModel(), java.util.List.of(accepted, failed));
    String html = Files.readString(HtmlReport.write(m, out).resolve("index.html"));
    assertThat(html).contains("<h2>Data quality gates</h2>")
        .contains("<tr><td>2026-12-06T03:31:00Z</td><td>10</td><td>60.0 %</td><td>3</td><td>accepted by ops&lt;b&gt;"
            + "</td><td>quarantine_rate: quarantine_rate 0.6 &gt; 0.2</td></tr>")
        .contains("<td>2026-12-06T02:31:00Z</td><td>10</td><td>60.0 %</td><td>3</td><td>fail</td>");
    assertThat(Files.readString(HtmlReport.write(f, out).resolve("index.html")))
        .contains("Not computed yet: ops.night_quality does not exist. Run `jobs/retention nightly` to fill this "
            + "section.");
  }

  @Test
  void churnModelSectionShowsVersionMetricsAndReadingsFromTheEvaluation() throws Exception {
    String html = Files.readString(HtmlReport.write(ReportFixtures.full(), out).resolve("index.html"));
    assertThat(html).contains("Model v&lt;1&gt; · chosen: gradient-boosted trees · validated on 1,000 customers")
        .contains("<tr><td>gradient-boosted trees (chosen)</td><td>0.812</td><td>0.655</td><td>2.50</td>"
            + "<td>0.1734</td></tr>")
        .contains("<tr><td>baseline: recency alone</td><td>0.701</td><td>0.520</td><td>2.00</td><td>–</td></tr>")
        .contains("<figcaption>The chosen model (gradient-boosted trees) has a ROC-AUC of 0.812 against 0.701 for "
            + "recency alone and 0.744 for 1 - P(alive): it beats both baselines.</figcaption>")
        // lifts x 100 customers: top two deciles 400 of 900 = 44.4 %; baselines 340 of 900 = 37.8 %
        .contains("<figcaption>Customers in the top decile of gradient-boosted trees churn 2.5× as often as average; "
            + "its top 20 % of customers hold 44.4 % of the churners (recency alone: 37.8 %, 1 - P(alive): 37.8 %)."
            + "</figcaption>")
        .contains("<figcaption>Gradient-boosted trees: predicted and observed churn differ by at most 15.0 pts over 2 "
            + "bins (predicted 75.0 %, observed 60.0 %, 400 customers); Brier score 0.1734.</figcaption>")
        .doesNotContain("not computed yet (no model-evaluation table");
  }

  @Test
  void aBaselineThatWinsIsSaidLoudly() {
    ReportModel.ChurnModel m = ReportFixtures.churnModel();
    var s = new java.util.ArrayList<>(m.scorers());
    ReportModel.Scorer p = s.get(2);
    s.set(2, new ReportModel.Scorer(p.scorer(), false, p.roc(), p.lift(), p.calibration(), 0.9, p.prAuc(),
        p.topDecileLift(), p.brier(), p.customers()));
    assertThat(Readings.roc(new ReportModel.ChurnModel("v", s, null)))
        .endsWith("0.900 for 1 - P(alive): it does NOT beat every baseline, so rank with caution.");
  }

  @Test
  void hostileIdsAndReasonsAreEscaped() throws Exception {
    String html = Files.readString(HtmlReport.write(ReportFixtures.full(), out).resolve("index.html"));
    assertThat(html).doesNotContain("<script").doesNotContain("<img src=x").doesNotContain("v<1>")
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;&lt;img src=x onerror=alert(1)&gt;")
        .contains("&lt;/td&gt;&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;")
        .contains("model v&lt;1&gt;");
    // self-contained: nothing is loaded from elsewhere
    assertThat(html).doesNotContain("http://").doesNotContain("https://").doesNotContain("@import")
        .doesNotContain("url(");
  }

  @Test
  void missingTablesRenderAsNotComputedYet() throws Exception {
    Path dir = HtmlReport.write(ReportFixtures.empty(), out);
    String html = Files.readString(dir.resolve("index.html"));
    assertThat(html).contains("Not computed yet: gold.cohort_retention does not exist. Run `jobs/retention nightly`, "
            + "or `jobs/retention metrics` to fill this section.")
        .contains("Not computed yet: gold.customer_clv does not exist. Run `jobs/retention nightly`, or "
            + "`jobs/retention clv` to fill this section.")
        .contains("Not computed yet: gold.churn_scores does not exist. Run `jobs/retention nightly`, or "
            + "`jobs/retention train-churn &amp;&amp; jobs/retention score-churn` to fill this section.")
        .contains("Not computed yet: gold.churn_evaluation (ROC, lift and calibration of the churn model) does not "
            + "exist. Run `jobs/retention train-churn`, or `jobs/retention nightly --retrain` to fill this section.")
        .contains("Total predicted CLV</div><div class=\"value\">not computed yet</div>")
        .doesNotContain("<img");
  }

  @Test
  void rewritingReplacesTheFolderAndLeavesNoTemporaryFolders() throws Exception {
    HtmlReport.write(ReportFixtures.full(), out);
    Path dir = HtmlReport.write(ReportFixtures.empty(), out);
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("2025-06-15");
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("index.html");
    }
  }

  @Test
  void degenerateDataStillRenders() throws Exception {
    java.time.LocalDate d = java.time.LocalDate.parse("2025-01-01");
    var kpi = new ReportModel.KpiPoint(d, d.plusDays(6), true, null, null, null, null, null, 0L);
    var partial = new ReportModel.CohortCell(d, 0, 1, 1, 1.0, 1.0, false, null);
    ReportModel m = new ReportModel(d.plusDays(3), "week", new ReportModel.Headline(1L, 1L, 90, kpi, null, null,
        null), List.of(partial), List.of(kpi), null, null, List.of(), null, null);
    String html = Files.readString(HtmlReport.write(m, out).resolve("index.html"));
    assertThat(html).contains("CRR</div><div class=\"value\">–</div>")
        .contains("No cohort has a complete second week yet")
        .contains("<img src=\"kpi_rates.png\"");
  }

  @Test
  void escapeCoversTextAndAttributes() {
    assertThat(Page.escape("a<b>&\"c'")).isEqualTo("a&lt;b&gt;&amp;&quot;c&#39;");
    assertThat(Page.escape(null)).isEmpty();
  }

  @Test
  void theClvEvaluateHintHasBothRequiredDatesAndSaysTheNightlyDoesNotRunIt() throws Exception {
    ReportModel empty = ReportFixtures.empty();
    String html = Files.readString(HtmlReport.write(empty, out).resolve("index.html"));
    String holdoutEnd = empty.asOf().toString();
    String calibrationEnd = empty.asOf().minusWeeks(26).toString();
    assertThat(html).contains("Not computed yet: gold.clv_evaluation (calibration/holdout check) does not exist. "
        + "Run `jobs/retention clv-evaluate --calibration-end " + calibrationEnd + " --holdout-end " + holdoutEnd
        + "` to fill this section (the nightly does not run it).");
  }

  @Test
  void everySuggestedCommandCarriesTheReportsDataOptions() throws Exception {
    String html = Files.readString(HtmlReport.write(ReportFixtures.empty(), out, " --warehouse /data/wh")
        .resolve("index.html"));
    assertThat(html).contains("`jobs/retention nightly --warehouse /data/wh`, or "
            + "`jobs/retention metrics --warehouse /data/wh`")
        .contains("`jobs/retention train-churn --warehouse /data/wh &amp;&amp; "
            + "jobs/retention score-churn --warehouse /data/wh`");
    Matcher hints = Pattern.compile("Run (`[^<]*)to fill this section").matcher(html);
    int n = 0;
    while (hints.find()) {
      n++;
      assertThat(hints.group(1).split("`")).filteredOn(c -> c.startsWith("jobs/retention "))
          .isNotEmpty().allMatch(c -> c.endsWith(" --warehouse /data/wh"), "every command, " + hints.group(1));
    }
    assertThat(n).isGreaterThanOrEqualTo(6);
  }
}
