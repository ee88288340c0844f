package io.retention.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GammaGammaTest {
  @Test
  void gradientMatchesFiniteDifferences() {
    GammaGamma.Data d = GammaGamma.Data.of(List.of(new double[] {1, 12.5, 3}, new double[] {2, 30.1, 2},
        new double[] {5, 8.75, 1}, new double[] {3, 55.0, 4}));
    double[] p = {4.1, 2.7, 13.0};
    double[] g = new double[3];
    GammaGamma.logLikelihood(p, d, g);
    for (int k = 0; k < 3; k++) {
      double h = 1e-6 * p[k];
      double[] up = p.clone();
      double[] down = p.clone();
      up[k] += h;
      down[k] -= h;
      double fd = (GammaGamma.logLikelihood(up, d, new double[3]) - GammaGamma.logLikelihood(down, d, new double[3]))
          / (2 * h);
      assertThat(g[k]).as("dLL/d%s", GammaGamma.NAMES[k]).isCloseTo(fd, within(1e-6 * Math.max(1, Math.abs(fd))));
    }
  }

  @Test
  void fastLikelihoodEqualsThePairByPairSum() {
    java.util.Random rnd = new java.util.Random(11);
    List<double[]> rows = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      rows.add(new double[] {1 + rnd.nextInt(25), Math.round(1 + rnd.nextDouble() * 20_000) / 100.0,
          i % 53 == 0 ? 0 : 1 + rnd.nextInt(4)});
    }
    GammaGamma.Data d = GammaGamma.Data.of(rows);
    for (double[] p : new double[][] {{4.1, 2.7, 13.0}, {6.25, 3.74, 15.45}, {0.3, 20, 400}}) {
      double[] fast = new double[3];
      double[] slow = new double[3];
      double ll = GammaGamma.logLikelihood(p, d, fast);
      double ref = GammaGamma.logLikelihoodByPattern(p, d, slow);
      assertThat(ll).isCloseTo(ref, within(1e-11 * Math.abs(ref)));
      for (int k = 0; k < 3; k++) {
        assertThat(fast[k]).as("dLL/d%s", GammaGamma.NAMES[k])
            .isCloseTo(slow[k], within(1e-9 * Math.max(1, Math.abs(slow[k]))));
      }
    }
  }

  @Test
  void reproducesPublishedCdnowFitOnThe946RepeatBuyers() {
    List<double[]> rows = new ArrayList<>();
    for (String[] r : CdnowFiles.csv("cdnow_customers_summary_with_transactions.csv")) {
      rows.add(new double[] {Double.parseDouble(r[1]), Double.parseDouble(r[4]), 1});
    }
    ModelFit fit = GammaGamma.fit(GammaGamma.Data.of(rows), 0, 0);
    assertThat(fit.customers()).isEqualTo(946);
    assertThat(fit.param("p")).isCloseTo(6.2488, within(0.01 * 6.2488));
    assertThat(fit.param("q")).isCloseTo(3.7446, within(0.01 * 3.7446));
    assertThat(fit.param("v")).isCloseTo(15.4477, within(0.01 * 15.4477));
    assertThat(fit.converged()).isTrue();
    assertThat(fit.warnings()).isEmpty();
  }

  @Test
  void expectedAverageValueBlendsPopulationAndCustomerMeans() {
    GammaGamma.Params g = new GammaGamma.Params(6.248802, 3.744588, 15.447748);
    // lifetimes_reference gg_exp_avg_profit of customers 1 (x=2, m=22.35) and 3 (x=0); parameters rounded to 1e-6
    assertThat(GammaGamma.expectedAverageValue(g, 2, 22.35)).isCloseTo(24.65861619, within(1e-6 * 24.66));
    assertThat(GammaGamma.expectedAverageValue(g, 0, 0)).isCloseTo(35.17100215, within(1e-6 * 35.17));
  }

  @Test
  void noPositiveRepeatValueIsAClearError() {
    GammaGamma.Data d = GammaGamma.Data.of(List.of(new double[] {1, 0, 3}));
    assertThatThrownBy(() -> GammaGamma.fit(d, 0, 0))
        .hasMessage("Gamma-Gamma: no repeat customer with a positive mean purchase value: nothing to fit");
  }
}
