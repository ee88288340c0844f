package io.retention.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The growth exponent against hand computations of the least-squares slope of log(time) on log(orders). */
class ScaleFitTest {
  @Test
  void twoPointsGiveTheSlopeThroughThem() {
    // 1 M → 3 M orders, 10 s → 40 s: e = ln(40 / 10) / ln(3) = 1.386294 / 1.098612 = 1.261860
    assertThat(ScaleFit.exponent(new double[] {1e6, 3e6}, new double[] {10, 40})).isCloseTo(1.261860,
        within(1e-6));
  }

  @Test
  void threePointsGiveTheLeastSquaresSlope() {
    // x = ln(1, 2, 4) = (0, a, 2a) with a = ln 2; y = ln(1, 4, 8) = (0, 2a, 3a); x̄ = a, ȳ = 5a/3;
    // slope = Σ(x - x̄)(y - ȳ) / Σ(x - x̄)² = (-a · -5a/3 + a · 4a/3) / (2a²) = 3a² / 2a² = 1.5
    assertThat(ScaleFit.exponent(new double[] {1_000, 2_000, 4_000}, new double[] {1, 4, 8})).isCloseTo(1.5,
        within(1e-12));
    assertThat(ScaleFit.exponent(new double[] {1_000, 10_000, 100_000}, new double[] {2, 20, 200}))
        .isCloseTo(1.0, within(1e-12));
  }

  @Test
  void pointsWithoutTimeAreLeftOutAndOneIsNotEnough() {
    assertThat(ScaleFit.exponent(new double[] {1e6, 3e6, 1e7}, new double[] {0, 5, 20})).isCloseTo(
        Math.log(4) / Math.log(10.0 / 3), within(1e-12));
    assertThat(ScaleFit.exponent(new double[] {1e6, 3e6}, new double[] {0, 5})).isNaN();
    assertThatThrownBy(() -> ScaleFit.exponent(new double[] {1}, new double[] {1, 2}))
        .hasMessage("bench: orders and times differ in length: 1 / 2");
  }
}
