package io.retention.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renders the report in headless Chromium from disk (file://, no network): every image loads, no page errors. */
class ChromiumReportTest {
  @TempDir
  Path work;

  @BeforeEach
  void needsChromium() {
    assumeTrue(Chromium.available(), "SKIPPED: " + Chromium.BINARY + " is not installed (Debian package chromium;"
        + " .ci/run installs it): the headless-browser check of the report did not run");
  }

  @Test
  void reportRendersWithEveryImageAndNoErrors() throws Exception {
    Path dir = HtmlReport.write(ReportFixtures.full(), work.resolve("reports"));
    Chromium.Run page = Chromium.screenshot(dir.resolve("index.html"), work.resolve("page.png"), work);
    assertThat(page.log()).contains("written to file");
    assertThat(page.pageErrors()).as("console messages or failed loads of the page").isEmpty();
    Chromium.assertNonTrivial(page.screenshot());

    Chromium.Run probe = Chromium.screenshot(Chromium.probe(dir), work.resolve("probe.png"), work);
    assertThat(probe.log()).contains("IMAGES OK " + images(dir)).doesNotContain("IMAGE MISSING");
  }

  @Test
  void aMissingImageIsCaught() throws Exception {
    Path dir = HtmlReport.write(ReportFixtures.full(), work.resolve("reports"));
    Files.delete(dir.resolve("churn_lift.png"));
    Chromium.Run probe = Chromium.screenshot(Chromium.probe(dir), work.resolve("probe.png"), work);
    assertThat(probe.log()).contains("IMAGE MISSING churn_lift.png").contains("IMAGES OK " + (images(dir) - 1));
  }

  /** The images the page shows: its {@code <img} elements (the written PNGs, one per chart). */
  private static int images(Path dir) throws java.io.IOException {
    int n = Files.readString(dir.resolve("index.html")).split("<img ", -1).length - 1;
    assertThat(n).as("images in the report").isGreaterThan(10);
    return n;
  }
}
