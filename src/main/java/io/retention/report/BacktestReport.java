package io.retention.report;

import static io.retention.report.Readings.count;
import static io.retention.report.Readings.pct;
import static io.retention.schema.BacktestColumns.*;
import static org.apache.spark.sql.functions.col;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.report.ReportModel.Backtest;
import io.retention.report.ReportModel.BacktestPoint;
import io.retention.schema.ChurnColumns;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's backtest section from gold.churn_backtest: per evaluated score date, the high band's observed
 * churn against its mean predicted risk, the list's precision (a chart over time), the treatment-vs-control
 * uplift with its 95 % interval (a second chart, when a list had a control group) and a table. Only the overall,
 * high-band, list and uplift rows of at most {@value #MAX_DATES} score dates reach the driver.
 */
final class BacktestReport {
  static final int MAX_DATES = 400;
  private static final BasicStroke DASHED = new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
      10f, new float[] {5f, 4f}, 0f);

  private BacktestReport() {}

  /** The evaluated score dates, oldest first; null without gold.churn_backtest (or without rows). */
  static Backtest load(DeltaTables tables) {
    if (!tables.exists(Table.CHURN_BACKTEST)) {
      return null;
    }
    List<Row> rows = tables.read(Table.CHURN_BACKTEST)
        .where(col(KIND).isin(KIND_OVERALL, KIND_LIST, KIND_UPLIFT)
            .or(col(KIND).equalTo(KIND_BAND).and(col(KEY).equalTo(ChurnColumns.BAND_HIGH))))
        .select(ChurnColumns.SCORE_DATE, HORIZON_DAYS, ChurnColumns.MODEL_VERSION, KIND, CUSTOMERS, MEAN_RISK,
            OBSERVED_CHURN, PRECISION, RECALL, TREATMENT_CUSTOMERS, CONTROL_CUSTOMERS, DIFF, CI_LOW, CI_HIGH)
        .orderBy(col(ChurnColumns.SCORE_DATE).desc()).limit(4 * MAX_DATES).collectAsList();
    if (rows.isEmpty()) {
      return null;
    }
    Map<LocalDate, Map<String, Row>> byDate = new TreeMap<>();
    rows.forEach(r -> byDate.computeIfAbsent(r.getDate(0).toLocalDate(), k -> new java.util.HashMap<>())
        .put(r.getString(3), r));
    List<BacktestPoint> points = new ArrayList<>();
    byDate.forEach((d, m) -> points.add(point(d, m)));
    return new Backtest(rows.get(0).getInt(1), points);
  }

  private static BacktestPoint point(LocalDate d, Map<String, Row> m) {
    Row all = m.get(KIND_OVERALL);
    Row high = m.get(KIND_BAND);
    Row list = m.get(KIND_LIST);
    Row up = m.get(KIND_UPLIFT);
    return new BacktestPoint(d, all == null ? null : all.getString(2), lng(all, 4), dbl(all, 6), dbl(high, 5),
        dbl(high, 6), lng(list, 4), dbl(list, 7), dbl(list, 8), lng(up, 9), lng(up, 10), dbl(up, 11), dbl(up, 12),
        dbl(up, 13));
  }

  private static Double dbl(Row r, int i) {
    return r == null || r.isNullAt(i) ? null : r.getDouble(i);
  }

  private static Long lng(Row r, int i) {
    return r == null || r.isNullAt(i) ? null : r.getLong(i);
  }

  static void render(Page p, Backtest b, Path dir) throws IOException {
    p.raw("<h3 id=\"churn-backtest\">").text("Churn backtest: past score dates against what customers did")
        .raw("</h3>");
    if (b == null) {
      p.missing("gold.churn_backtest (past score dates evaluated)", "backtest",
          "backtest --backfill FROM TO --every 30");
      return;
    }
    p.figure(overTime(dir, b), "Observed churn of the high band against its predicted risk, and list precision",
        "Each point is a score date d whose outcome window (d, d + " + b.horizonDays() + " days] has closed. "
            + "A calibrated model keeps the high band's observed churn near its mean predicted risk; precision "
            + "is the share of the exported list that churned (contacts can lower it).");
    if (b.points().stream().anyMatch(x -> x.uplift() != null)) {
      p.figure(uplift(dir, b), "Reactivation uplift of contacting, treatment minus control, with 95 % interval",
          "Reactivation = a purchase within " + b.horizonDays() + " days after the list date. An interval "
              + "(Newcombe's hybrid score) that spans 0 shows no evidence that contacting helped.");
    }
    p.raw("<table><thead><tr><th>score date</th><th>customers</th><th>observed churn</th>")
        .raw("<th>high band: predicted</th><th>high band: observed</th><th>list</th><th>precision</th>")
        .raw("<th>recall</th><th>uplift (95 % interval)</th></tr></thead><tbody>");
    List<BacktestPoint> newestFirst = new ArrayList<>(b.points());
    java.util.Collections.reverse(newestFirst);
    for (BacktestPoint x : newestFirst) {
      p.row(x.scoreDate().toString(), count(x.customers()), pct(x.observedChurn()), pct(x.highMeanRisk()),
          pct(x.highObservedChurn()), count(x.listSize()), pct(x.precision()), pct(x.recall()), uplift(x));
    }
    p.raw("</tbody></table>");
  }

  /** "+4.1 pts (−2.0 to +10.3)", or "–" without a control group. */
  static String uplift(BacktestPoint x) {
    if (x.uplift() == null) {
      return x.listSize() == null ? "–" : "– (no control group)";
    }
    return String.format(Locale.ROOT, "%+.1f pts (%+.1f to %+.1f)", 100 * x.uplift(), 100 * x.upliftLow(),
        100 * x.upliftHigh());
  }

  private static Charts.Image overTime(Path dir, Backtest b) throws IOException {
    XYChart c = Charts.xy("Backtest per score date (horizon " + b.horizonDays() + " days)", "score date",
        "rate (%)");
    c.getStyler().setYAxisDecimalPattern("#0%").setDatePattern("yyyy-MM-dd").setYAxisMin(0.0).setYAxisMax(1.0);
    dated(c, "high band: mean predicted risk", b, BacktestPoint::highMeanRisk, Charts.PALETTE[1], true);
    dated(c, "high band: observed churn", b, BacktestPoint::highObservedChurn, Charts.PALETTE[1], false);
    dated(c, "list: precision", b, BacktestPoint::precision, Charts.PALETTE[0], false);
    dated(c, "all scored: observed churn", b, BacktestPoint::observedChurn, Charts.PALETTE[2], false);
    return Charts.save(c, dir, "churn_backtest");
  }

  private static Charts.Image uplift(Path dir, Backtest b) throws IOException {
    XYChart c = Charts.xy("Reactivation uplift of the at-risk list (treatment − control)", "list date",
        "difference in reactivation rate (pts)");
    c.getStyler().setYAxisDecimalPattern("#0%").setDatePattern("yyyy-MM-dd");
    dated(c, "uplift", b, BacktestPoint::uplift, Charts.PALETTE[0], false);
    dated(c, "95 % interval: low", b, BacktestPoint::upliftLow, Charts.PALETTE[0], true);
    dated(c, "95 % interval: high", b, BacktestPoint::upliftHigh, Charts.PALETTE[0], true);
    List<BacktestPoint> ps = b.points();
    c.addSeries("no effect (0)", List.of(Date.valueOf(ps.get(0).scoreDate()),
        Date.valueOf(ps.get(ps.size() - 1).scoreDate())), List.of(0.0, 0.0)).setMarker(SeriesMarkers.NONE)
        .setLineColor(new Color(0x888888)).setLineStyle(DASHED);
    return Charts.save(c, dir, "churn_uplift");
  }

  private static void dated(XYChart c, String name, Backtest b, Function<BacktestPoint, Double> f, Color colour,
      boolean dashed) {
    List<java.util.Date> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (BacktestPoint p : b.points()) {
      if (f.apply(p) != null) {
        x.add(Date.valueOf(p.scoreDate()));
        y.add(f.apply(p));
      }
    }
    if (!x.isEmpty()) {
      var s = c.addSeries(name, x, y);
      s.setMarker(SeriesMarkers.CIRCLE).setMarkerColor(colour).setLineColor(colour);
      if (dashed) {
        s.setLineStyle(DASHED);
      }
    }
  }
}
