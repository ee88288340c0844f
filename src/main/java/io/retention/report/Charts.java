package io.retention.report;

import io.retention.pipeline.Progress;
import io.retention.report.ReportModel.Bin;
import io.retention.report.ReportModel.CalibrationBin;
import io.retention.report.ReportModel.CohortCell;
import io.retention.report.ReportModel.CohortClv;
import io.retention.report.ReportModel.KpiPoint;
import io.retention.report.ReportModel.Transition;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's PNG charts (XChart, rendered at 144 DPI: 2× the logical size, sharp on high-density screens). Each
 * method draws from the small aggregated {@link ReportModel} parts and writes {@code <dir>/<name>.png}; the
 * cohort heatmap is drawn by {@link CohortHeatmap}. Runs on the driver only.
 */
public final class Charts {
  /** Logical size of a chart in CSS pixels (the PNG is twice as large). */
  public static final int WIDTH = 880;
  public static final int HEIGHT = 420;
  static final int DPI = 144;
  static final int CURVE_COHORTS = 5;
  static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
      new Color(0x9467bd), new Color(0xff7f0e)};

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** A written chart: its file name (beside index.html) and logical size. */
  public record Image(String file, int width, int height) {}

  public static Image heatmap(Path dir, List<CohortCell> cells, String grain) throws IOException {
    return CohortHeatmap.write(dir, cells, grain, CohortHeatmap.CUSTOMERS);
  }

  /** Net revenue retention per cohort × period index, beside the customer heatmap. */
  public static Image revenueHeatmap(Path dir, List<CohortCell> cells, String grain) throws IOException {
    return CohortHeatmap.write(dir, cells, grain, CohortHeatmap.REVENUE);
  }

  /** Classic and unbounded retention by period index for the last {@value #CURVE_COHORTS} cohorts. */
  public static Image retentionCurves(Path dir, List<CohortCell> cells, String grain) throws IOException {
    XYChart c = xy("Retention curves of the last cohorts (solid: classic, dashed: unbounded)",
        "period index (" + grain + "s since first purchase)", "customers retained (% of cohort)");
    c.getStyler().setYAxisDecimalPattern("#0%").setYAxisMin(0.0).setYAxisMax(1.0);
    Map<java.time.LocalDate, List<CohortCell>> byCohort = new TreeMap<>();
    cells.forEach(x -> byCohort.computeIfAbsent(x.cohort(), k -> new ArrayList<>()).add(x));
    List<java.time.LocalDate> last = new ArrayList<>(byCohort.keySet());
    last = last.subList(Math.max(0, last.size() - CURVE_COHORTS), last.size());
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE).setLegendLayout(Styler.LegendLayout.Vertical);
    int i = 0;
    for (java.time.LocalDate cohort : last) {
      Color colour = PALETTE[i++ % PALETTE.length];
      List<CohortCell> cs = byCohort.get(cohort).stream().filter(CohortCell::complete).toList();
      if (cs.isEmpty()) {
        continue;
      }
      List<Integer> k = cs.stream().map(CohortCell::periodIndex).toList();
      var classic = c.addSeries(cohort + " classic", k, cs.stream().map(CohortCell::retention).toList());
      classic.setMarkerColor(colour).setMarker(SeriesMarkers.CIRCLE).setLineColor(colour);
      var unb = c.addSeries(cohort + " unb.", k, cs.stream().map(CohortCell::unbounded).toList());
      unb.setMarker(SeriesMarkers.NONE).setLineColor(colour)
          .setLineStyle(new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER,
              10f, new float[] {6f, 4f}, 0f));
    }
    return save(c, dir, "retention_curves");
  }

  /** CRR and churn rate per complete period. */
  public static Image kpiRates(Path dir, List<KpiPoint> kpis, String grain) throws IOException {
    XYChart c = xy("Customer retention rate and churn rate per " + grain, "period start (date)",
        "rate (% of customers at period start)");
    c.getStyler().setYAxisDecimalPattern("#0%").setDatePattern("yyyy-MM");
    List<KpiPoint> done = kpis.stream().filter(KpiPoint::complete).toList();
    addDated(c, "CRR = (E - N) / S", done, KpiPoint::crr);
    addDated(c, "churn rate = churned / S", done, KpiPoint::churnRate);
    return save(c, dir, "kpi_rates");
  }

  /** Average order value per complete period. */
  public static Image kpiAov(Path dir, List<KpiPoint> kpis, String grain) throws IOException {
    XYChart c = xy("Average order value per " + grain, "period start (date)", "AOV (currency units per order)");
    c.getStyler().setDatePattern("yyyy-MM").setYAxisDecimalPattern("#,##0.00");
    addDated(c, "AOV = net revenue / orders", kpis.stream().filter(KpiPoint::complete).toList(), KpiPoint::aov);
    return save(c, dir, "kpi_aov");
  }

  public static Image gapHistogram(Path dir, List<Bin> bins) throws IOException {
    CategoryChart c = histogram("Days between consecutive purchase days", "gap (days; 14-day bins, labelled by their first day)",
        "gaps (count)", bins, "%.0f");
    return save(c, dir, "gap_histogram");
  }

  /** p25 / p50 / p75 / p90 of the gap per transition (1-2, 2-3, 3-4, 4+, all). */
  public static Image gapPercentiles(Path dir, List<Transition> ts) throws IOException {
    CategoryChart c = category("Gap percentiles by purchase transition", "transition (purchase n to n+1)",
        "gap (days)");
    List<String> names = ts.stream().map(Transition::transition).toList();
    c.addSeries("p25", names, ts.stream().map(Transition::p25).toList());
    c.addSeries("p50 (median)", names, ts.stream().map(Transition::p50).toList());
    c.addSeries("p75", names, ts.stream().map(Transition::p75).toList());
    c.addSeries("p90", names, ts.stream().map(Transition::p90).toList());
    return save(c, dir, "gap_percentiles");
  }

  public static Image clvDistribution(Path dir, List<Bin> bins, int horizonMonths) throws IOException {
    CategoryChart c = histogram("Predicted CLV per customer (next " + horizonMonths + " months, discounted)",
        "predicted CLV (currency units)", "customers (count)", bins, "%.0f");
    return save(c, dir, "clv_distribution");
  }

  /** Mean historical vs predicted CLV per customer by first-purchase month. */
  public static Image clvByCohort(Path dir, List<CohortClv> rows) throws IOException {
    CategoryChart c = category("Historical vs predicted CLV by first-purchase month", "first purchase (month)",
        "mean CLV per customer (currency units)");
    List<String> months = rows.stream().map(r -> r.cohort().toString().substring(0, 7)).toList();
    c.addSeries("historical (net revenue to date)", months, rows.stream().map(CohortClv::historical).toList());
    c.addSeries("predicted (future, discounted)", months, rows.stream().map(CohortClv::predicted).toList());
    c.getStyler().setXAxisLabelRotation(60);
    return save(c, dir, "clv_by_cohort");
  }

  /** Actual vs predicted mean holdout purchases by calibration frequency (gold.clv_evaluation). */
  public static Image calibration(Path dir, List<CalibrationBin> bins) throws IOException {
    CategoryChart c = category("Holdout check: actual vs predicted purchases by calibration frequency",
        "repeat purchase days in the calibration period", "mean purchases in the holdout (per customer)");
    List<CalibrationBin> bs = bins.stream().filter(b -> !"all".equals(b.bin())).toList();
    List<String> names = bs.stream().map(CalibrationBin::bin).toList();
    c.addSeries("actual", names, bs.stream().map(CalibrationBin::actualMean).toList());
    c.addSeries("predicted (BG/NBD)", names, bs.stream().map(CalibrationBin::predictedMean).toList());
    return save(c, dir, "clv_calibration");
  }

  public static Image churnRisk(Path dir, List<Bin> bins) throws IOException {
    CategoryChart c = histogram("Churn risk of scored customers", "churn risk (probability, 0.1 bins)",
        "customers (count)", bins, "%.1f");
    return save(c, dir, "churn_risk");
  }

  private static void addDated(XYChart c, String name, List<KpiPoint> ps, Function<KpiPoint, Double> f) {
    List<java.util.Date> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (KpiPoint p : ps) {
      if (f.apply(p) != null) {
        x.add(Date.valueOf(p.periodStart()));
        y.add(f.apply(p));
      }
    }
    if (!x.isEmpty()) {
      c.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
    }
  }

  private static CategoryChart histogram(String title, String xTitle, String yTitle, List<Bin> bins, String fmt) {
    CategoryChart c = category(title, xTitle, yTitle);
    List<String> labels = bins.stream().map(b -> Double.isInfinite(b.to())
        ? "≥" + String.format(Locale.ROOT, fmt, b.from()) : String.format(Locale.ROOT, fmt, b.from())).toList();
    c.addSeries("count", labels, bins.stream().map(Bin::count).toList());
    c.getStyler().setAvailableSpaceFill(0.9).setXAxisLabelRotation(60);
    c.getStyler().setLegendVisible(false);
    return c;
  }

  static XYChart xy(String title, String xTitle, String yTitle) {
    XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle).build();
    style(c.getStyler());
    return c;
  }

  private static CategoryChart category(String title, String xTitle, String yTitle) {
    CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle).build();
    style(c.getStyler());
    return c;
  }

  /** Whether the legend sits beside or below the plot area, where it cannot cover a series. */
  static boolean legendOutside(Styler s) {
    return s.getLegendPosition() == Styler.LegendPosition.OutsideE
        || s.getLegendPosition() == Styler.LegendPosition.OutsideS;
  }

  private static void style(Styler s) {
    s.setChartBackgroundColor(Color.WHITE).setPlotBorderVisible(false)
        .setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal)
        .setChartTitleBoxVisible(false);
  }

  static Image save(Chart<?, ?> c, Path dir, String name) throws IOException {
    if (c.getStyler().isLegendVisible() && !legendOutside(c.getStyler())) {
      throw new IllegalStateException(name + ": a legend inside the plot hides data; put it outside");
    }
    Progress.step("drawing chart " + name, 0, 0);
    String file = name + ".png";
    BitmapEncoder.saveBitmapWithDPI(c, dir.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG, DPI);
    return new Image(file, WIDTH, HEIGHT);
  }
}
