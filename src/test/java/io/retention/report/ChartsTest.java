package io.retention.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

class ChartsTest {
  @TempDir
  Path out;

  @Test
  void aChartWithItsLegendInsideThePlotIsRefused() {
    XYChart c = Charts.xy("t", "x", "y");
    c.addSeries("s", List.of(1.0, 2.0), List.of(1.0, 2.0));
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    assertThatThrownBy(() -> Charts.save(c, out, "inside")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("legend inside the plot");
    assertThat(out.resolve("inside.png")).doesNotExist();
  }

  @Test
  void legendsBesideOrBelowThePlotOrHiddenAreDrawn() throws Exception {
    XYChart c = Charts.xy("t", "x", "y");
    c.addSeries("s", List.of(1.0, 2.0), List.of(1.0, 2.0));
    assertThat(Charts.legendOutside(c.getStyler())).as("the default of every chart").isTrue();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    assertThat(Charts.save(c, out, "beside").file()).isEqualTo("beside.png");
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW).setLegendVisible(false);
    assertThat(Charts.save(c, out, "hidden").file()).isEqualTo("hidden.png");
  }

  @Test
  void theChurnChartsKeepTheirLegendsOffTheCurves() throws Exception {
    // each would throw in save() with a legend inside the plot (the lift legend covered deciles 9-10)
    ReportModel.ChurnModel m = ReportFixtures.full().churnModel();
    assertThat(List.of(ChurnCharts.roc(out, m).file(), ChurnCharts.lift(out, m).file(),
        ChurnCharts.calibration(out, m).file())).containsExactly("churn_roc.png", "churn_lift.png",
        "churn_calibration.png");
  }
}
