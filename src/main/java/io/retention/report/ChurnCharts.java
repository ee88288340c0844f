package io.retention.report;

import io.retention.report.ReportModel.ChurnModel;
import io.retention.report.ReportModel.Point;
import io.retention.report.ReportModel.Scorer;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The churn model's charts from gold.churn_evaluation: ROC curves, lift by decile and the calibration plot, every
 * scorer of the model version (the chosen model drawn thicker) with a reference line. Driver only.
 */
final class ChurnCharts {
  private static final Color REFERENCE = new Color(0x888888);
  private static final BasicStroke DASHED = new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
      new float[] {5f, 4f}, 0f);

  private ChurnCharts() {}

  /** TPR against FPR per scorer, with the diagonal of a random ranking. */
  static Charts.Image roc(Path dir, ChurnModel m) throws IOException {
    XYChart c = Charts.xy("ROC curve of the churn scores (validation, out of time)",
        "false positive rate (% of customers who stayed, flagged)", "true positive rate (% of churners flagged)");
    percentAxes(c);
    reference(c, "random ranking (AUC 0.5)", List.of(0.0, 1.0), List.of(0.0, 1.0));
    series(c, m, Scorer::roc, s -> s.label() + (s.rocAuc() == null ? "" : String.format(Locale.ROOT, ", AUC %.3f",
        s.rocAuc())), false);
    return Charts.save(c, dir, "churn_roc");
  }

  /** Lift of each score decile per scorer, with the 1.0 line of no model. */
  static Charts.Image lift(Path dir, ChurnModel m) throws IOException {
    XYChart c = Charts.xy("Lift by decile of churn score (validation, out of time)",
        "decile of customers by score (1 = highest 10 %)", "lift (× the overall churn rate)");
    c.getStyler().setXAxisDecimalPattern("#0").setYAxisDecimalPattern("#0.0").setYAxisMin(0.0)
        .setXAxisMin(1.0).setXAxisMax(10.0).setXAxisTickMarkSpacingHint(40);
    reference(c, "no model (lift 1.0)", List.of(1.0, 10.0), List.of(1.0, 1.0));
    series(c, m, Scorer::lift, Scorer::label, true);
    return Charts.save(c, dir, "churn_lift");
  }

  /** Observed churn rate against mean predicted risk per bin, for the scorers that are probabilities. */
  static Charts.Image calibration(Path dir, ChurnModel m) throws IOException {
    XYChart c = Charts.xy("Calibration of the churn probabilities (0.1-wide bins of predicted risk)",
        "mean predicted churn risk in the bin (%)", "observed churn rate in the bin (%)");
    percentAxes(c);
    reference(c, "perfectly calibrated", List.of(0.0, 1.0), List.of(0.0, 1.0));
    series(c, m, Scorer::calibration, Scorer::label, true);
    return Charts.save(c, dir, "churn_calibration");
  }

  static boolean hasCalibration(ChurnModel m) {
    return m.scorers().stream().anyMatch(s -> !s.calibration().isEmpty());
  }

  private static void percentAxes(XYChart c) {
    c.getStyler().setXAxisDecimalPattern("#0%").setYAxisDecimalPattern("#0%").setXAxisMin(0.0).setXAxisMax(1.0)
        .setYAxisMin(0.0).setYAxisMax(1.0);
  }

  private static void reference(XYChart c, String name, List<Double> x, List<Double> y) {
    // beside the plot, one entry a line: inside it the legend covered the curves' ends (lift at deciles 9-10)
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE).setLegendLayout(Styler.LegendLayout.Vertical);
    c.addSeries(name, x, y).setMarker(SeriesMarkers.NONE).setLineColor(REFERENCE).setLineStyle(DASHED);
  }

  private static void series(XYChart c, ChurnModel m, Function<Scorer, List<Point>> curve,
      Function<Scorer, String> name, boolean markers) {
    int i = 0;
    for (Scorer s : m.scorers()) {
      Color colour = Charts.PALETTE[i++ % Charts.PALETTE.length];
      List<Point> ps = curve.apply(s);
      if (ps.isEmpty()) {
        continue;
      }
      XYSeries x = c.addSeries(name.apply(s), ps.stream().map(Point::x).toList(), ps.stream().map(Point::y).toList());
      x.setMarkerColor(colour).setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
      x.setLineColor(colour);
      x.setLineStyle(new BasicStroke(s.chosen() ? 3f : 1.5f));
    }
  }
}
