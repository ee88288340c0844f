package io.retention.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/** Headless Chromium (Debian package {@code chromium}) with no network: screenshots and console output of a page. */
final class Chromium {
  static final Path BINARY = Path.of("/usr/bin/chromium");

  /** What one run printed (stderr with --enable-logging) and the screenshot it wrote. */
  record Run(String log, Path screenshot) {
    /** Console messages, failed loads and uncaught errors of the page (Chromium's own D-Bus noise excluded). */
    List<String> pageErrors() {
      List<String> out = new ArrayList<>();
      for (String line : log.split("\\R")) {
        if (line.contains(":CONSOLE") || line.contains("Failed to load resource") || line.contains("Uncaught")) {
          out.add(line);
        }
      }
      return out;
    }
  }

  private Chromium() {}

  static boolean available() {
    return Files.isExecutable(BINARY);
  }

  static Run screenshot(Path html, Path png, Path work) throws IOException, InterruptedException {
    return screenshot(html.toUri().toString(), png, work);
  }

  /** A screenshot of {@code url} (a file:// address, optionally with a #fragment to scroll to). */
  static Run screenshot(String url, Path png, Path work) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(work, "chromium-profile");
    Path log = work.resolve("chromium-" + System.nanoTime() + ".log");
    Process p = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--screenshot=" + png, "--window-size=1280,2400",
        "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
        // waits for the page's load handlers (the probe's console line) before the screenshot ends the run
        "--virtual-time-budget=10000", url)
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 180 s: " + Files.readString(log));
    }
    return new Run(Files.readString(log), png);
  }

  /** A copy of the page that logs, once loaded, every image the browser could not decode and the count of good ones. */
  static Path probe(Path dir) throws IOException {
    String html = Files.readString(dir.resolve("index.html"));
    String script = "<script>window.addEventListener('load',function(){var n=0;for(var i of document.images){"
        + "if(i.complete&&i.naturalWidth>0){n++}else{console.error('IMAGE MISSING '+i.getAttribute('src'))}}"
        + "console.log('IMAGES OK '+n)});</script></body>";
    Path probe = dir.resolve("probe.html");
    Files.writeString(probe, html.replace("</body>", script));
    return probe;
  }

  /** The screenshot is a real rendering: the full window, with many colours (text, charts), not a blank page. */
  static void assertNonTrivial(Path png) throws IOException {
    assertThat(png).exists();
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isEqualTo(1280);
    Set<Integer> colours = new HashSet<>();
    long nonWhite = 0;
    for (int y = 0; y < img.getHeight(); y += 3) {
      for (int x = 0; x < img.getWidth(); x += 3) {
        int rgb = img.getRGB(x, y) & 0xffffff;
        colours.add(rgb);
        nonWhite += rgb == 0xffffff ? 0 : 1;
      }
    }
    assertThat(colours.size()).as("distinct colours").isGreaterThan(100);
    assertThat(nonWhite).as("non-white pixels sampled").isGreaterThan(20_000);
  }
}
