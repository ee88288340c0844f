package io.retention.report;

import io.retention.pipeline.Progress;
import io.retention.report.ReportModel.CohortCell;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import javax.imageio.ImageIO;

/**
 * A cohort heatmap (customer or net revenue retention, see {@link Measure}), drawn with Java2D at 2× scale: one
 * row per cohort (oldest first), one column per period index, the rate as a colour and a number in each cell.
 * Cells of a period that is not complete yet are grey with the observed rate in grey, so they never read as low
 * retention; a rate that is not defined (no period-0 revenue) reads "n/a".
 */
final class CohortHeatmap {
  private static final int CELL_W = 46;
  private static final int CELL_H = 24;
  private static final int LEFT = 190;
  private static final int TOP = 84;
  private static final int BOTTOM = 56;
  private static final int SCALE = 2;
  private static final Color PARTIAL = new Color(0xdd, 0xdd, 0xdd);
  private static final Color INK = new Color(0x22, 0x22, 0x22);

  /** What a heatmap shows: file name (without .png), title, legend and the rate of a cell (null: not defined). */
  record Measure(String name, String title, String legend, Function<CohortCell, Double> value) {}

  private static final String GREY = "grey: period not complete yet (observed so far)";
  static final Measure CUSTOMERS = new Measure("cohort_heatmap",
      "Cohort retention (% of the cohort buying in each period)", GREY, CohortCell::retention);
  static final Measure REVENUE = new Measure("revenue_heatmap",
      "Net revenue retention (% of the cohort's period-0 net revenue)", GREY + "; n/a: no period-0 revenue",
      CohortCell::revenueRetention);

  private CohortHeatmap() {}

  static Charts.Image write(Path dir, List<CohortCell> cells, String grain, Measure m) throws IOException {
    Path file = dir.resolve(m.name() + ".png");
    Progress.step("drawing chart " + m.name(), 0, 0);
    TreeMap<LocalDate, Long> cohorts = new TreeMap<>();
    TreeSet<Integer> periods = new TreeSet<>();
    for (CohortCell c : cells) {
      cohorts.put(c.cohort(), c.cohortSize());
      periods.add(c.periodIndex());
    }
    int cols = periods.isEmpty() ? 1 : periods.last() + 1;
    int w = Math.max(LEFT + cols * CELL_W + 24, 560);
    int h = TOP + Math.max(1, cohorts.size()) * CELL_H + BOTTOM;
    BufferedImage img = new BufferedImage(w * SCALE, h * SCALE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.scale(SCALE, SCALE);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      drawFrame(g, cohorts, cols, grain, h, m);
      for (CohortCell c : cells) {
        drawCell(g, c, m.value().apply(c), LEFT + c.periodIndex() * CELL_W,
            TOP + cohorts.headMap(c.cohort()).size() * CELL_H);
      }
    } finally {
      g.dispose();
    }
    ImageIO.write(img, "png", file.toFile());
    return new Charts.Image(file.getFileName().toString(), w, h);
  }

  /** Title, axis labels, cohort labels and the legend of partial cells. */
  private static void drawFrame(Graphics2D g, TreeMap<LocalDate, Long> cohorts, int cols, String grain, int h,
      Measure m) {
    g.setColor(INK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(m.title(), 12, 24);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    g.drawString("cohort (first " + grain + ", customers)", 12, TOP - 10);
    g.drawString("period index →", LEFT, TOP - 30);
    for (int k = 0; k < cols; k++) {
      centre(g, String.valueOf(k), LEFT + k * CELL_W, TOP - 10, CELL_W);
    }
    int row = 0;
    for (var e : cohorts.entrySet()) {
      g.drawString(label(e.getKey(), grain) + "  (" + e.getValue() + ")", 12, TOP + row * CELL_H + 16);
      row++;
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    centre(g, "period index (" + grain + "s since first purchase)", LEFT, h - 30, cols * CELL_W);
    g.setColor(PARTIAL);
    g.fillRect(12, h - 18, 14, 10);
    g.setColor(INK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    g.drawString(m.legend(), 32, h - 9);
  }

  private static void drawCell(Graphics2D g, CohortCell c, Double rate, int x, int y) {
    Color fill = c.complete() && rate != null ? colour(c.periodIndex() == 0 ? 1.0 : rate) : PARTIAL;
    g.setColor(fill);
    g.fillRect(x, y, CELL_W, CELL_H);
    g.setColor(Color.WHITE);
    g.setStroke(new BasicStroke(1f));
    g.drawRect(x, y, CELL_W, CELL_H);
    boolean dark = c.complete() && luminance(fill) < 0.5;
    g.setColor(!c.complete() ? new Color(0x66, 0x66, 0x66) : dark ? Color.WHITE : INK);
    g.setFont(new Font(Font.SANS_SERIF, c.complete() ? Font.PLAIN : Font.ITALIC, 10));
    centre(g, rate == null ? "n/a" : String.format(Locale.ROOT, "%.1f", 100 * rate), x, y + 16, CELL_W);
  }

  /** White → deep blue; the square root spreads the low rates that matter after period 0. */
  static Color colour(double rate) {
    double t = Math.sqrt(Math.max(0, Math.min(1, rate)));
    return new Color((int) Math.round(247 - t * (247 - 8)), (int) Math.round(251 - t * (251 - 48)),
        (int) Math.round(255 - t * (255 - 107)));
  }

  private static double luminance(Color c) {
    return (0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue()) / 255;
  }

  private static String label(LocalDate cohort, String grain) {
    return switch (grain) {
      case "month" -> cohort.toString().substring(0, 7);
      case "quarter" -> cohort.getYear() + "-Q" + ((cohort.getMonthValue() - 1) / 3 + 1);
      default -> cohort.toString();
    };
  }

  private static void centre(Graphics2D g, String s, int x, int baseline, int width) {
    FontMetrics m = g.getFontMetrics();
    g.drawString(s, x + (width - m.stringWidth(s)) / 2, baseline);
  }
}
