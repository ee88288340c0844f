package io.retention.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BgNbdTest {
  /** A small mixed data set: one-timers, repeaters with early and late last purchases. */
  private static final RfmPatterns SMALL = RfmPatterns.of(List.of(
      new double[] {0, 0, 30, 40}, new double[] {1, 5, 30, 10}, new double[] {3, 28, 30, 6},
      new double[] {2, 4, 25, 8}, new double[] {7, 20, 31, 3}, new double[] {1, 1.5, 12, 5}));

  @Test
  void gradientMatchesFiniteDifferences() {
    double[] p = {0.7, 3.1, 1.4, 2.2};
    double[] g = new double[4];
    BgNbd.logLikelihood(p, SMALL, g);
    for (int k = 0; k < 4; k++) {
      double h = 1e-6 * p[k];
      double[] up = p.clone();
      double[] down = p.clone();
      up[k] += h;
      down[k] -= h;
      double fd = (BgNbd.logLikelihood(up, SMALL, new double[4]) - BgNbd.logLikelihood(down, SMALL, new double[4]))
          / (2 * h);
      assertThat(g[k]).as("dLL/d%s", BgNbd.NAMES[k]).isCloseTo(fd, within(1e-6 * Math.max(1, Math.abs(fd))));
    }
  }

  @Test
  void fastLikelihoodEqualsThePatternByPatternSum() {
    // more patterns than one parallel chunk, zero counts, x = 0 rows, shared T and t_x values
    Random rnd = new Random(7);
    List<double[]> rows = new ArrayList<>();
    for (int i = 0; i < BgNbdLikelihood.CHUNK + 7_000; i++) {
      double t = 1 + rnd.nextInt(700) / 7.0;
      int x = rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(30);
      double tx = x == 0 ? 0 : Math.floor(rnd.nextDouble() * t * 7) / 7;
      rows.add(new double[] {x, tx, t, i % 97 == 0 ? 0 : 1 + rnd.nextInt(5)});
    }
    RfmPatterns many = RfmPatterns.of(rows);
    for (double[] p : new double[][] {{0.7, 3.1, 1.4, 2.2}, {0.24, 4.4, 0.79, 2.43}, {2.5, 40, 0.05, 9}}) {
      double[] fast = new double[4];
      double[] slow = new double[4];
      double ll = BgNbd.logLikelihood(p, many, fast);
      double ref = BgNbd.logLikelihoodByPattern(p, many, slow);
      assertThat(ll).isCloseTo(ref, within(1e-11 * Math.abs(ref)));
      for (int k = 0; k < 4; k++) {
        assertThat(fast[k]).as("dLL/d%s", BgNbd.NAMES[k])
            .isCloseTo(slow[k], within(1e-9 * Math.max(1, Math.abs(slow[k]))));
      }
    }
  }

  @Test
  void reproducesPublishedCdnowFit() {
    ModelFit fit = BgNbd.fit(CdnowFiles.summaryPatterns(), 0);
    assertThat(fit.param("r")).isCloseTo(0.2426, within(0.005 * 0.2426));
    assertThat(fit.param("alpha")).isCloseTo(4.4135, within(0.005 * 4.4135));
    assertThat(fit.param("a")).isCloseTo(0.7929, within(0.005 * 0.7929));
    assertThat(fit.param("b")).isCloseTo(2.4258, within(0.005 * 2.4258));
    assertThat(fit.logLikelihood()).isCloseTo(-9582.4, within(0.1));
    assertThat(fit.customers()).isEqualTo(2357);
    assertThat(fit.converged()).isTrue();
    assertThat(fit.warnings()).isEmpty();
    // standard errors are positive and smaller than the estimates on 2,357 customers
    fit.stdErrors().forEach((k, se) -> assertThat(se).as("se %s", k).isPositive().isLessThan(fit.param(k)));
  }

  @Test
  void recoversParametersFromSimulatedData() {
    BgNbd.Params truth = new BgNbd.Params(0.5, 6.0, 0.8, 2.5);
    RfmPatterns sim = simulate(truth, 10_000, 52, new Random(42));
    ModelFit fit = BgNbd.fit(sim, 0);
    assertThat(fit.converged()).isTrue();
    assertThat(fit.param("r")).isCloseTo(truth.r(), within(3 * fit.stdErrors().get("r")));
    assertThat(fit.param("alpha")).isCloseTo(truth.alpha(), within(3 * fit.stdErrors().get("alpha")));
    assertThat(fit.param("a")).isCloseTo(truth.a(), within(3 * fit.stdErrors().get("a")));
    assertThat(fit.param("b")).isCloseTo(truth.b(), within(3 * fit.stdErrors().get("b")));
    assertThat(fit.param("r")).isCloseTo(truth.r(), within(0.15 * truth.r()));
  }

  @Test
  void degenerateDataGivesABoundaryWarningAndAUsableFit() {
    // every repeat buyer bought on the last day: no sign of dropout, so p = a / (a + b) runs to 0
    RfmPatterns noDropout = RfmPatterns.of(List.of(new double[] {0, 0, 30, 50}, new double[] {1, 30, 30, 20},
        new double[] {3, 30, 30, 10}, new double[] {6, 30, 30, 5}));
    ModelFit fit = BgNbd.fit(noDropout, 0);
    assertThat(fit.warnings()).anySatisfy(w -> assertThat(w).contains("ran to its").contains("bound"));
    BgNbd.Params p = BgNbd.Params.of(fit);
    for (double x : new double[] {0, 1, 3, 6}) {
      assertThat(BgNbd.pAlive(p, x, x == 0 ? 0 : 30, 30)).isFinite().isBetween(0.0, 1.0);
      assertThat(BgNbd.expectedPurchases(p, 39, x, x == 0 ? 0 : 30, 30)).isFinite().isNotNegative();
    }
    fit.parameters().values().forEach(v -> assertThat(v).isFinite());
  }

  @Test
  void dataWithoutRepeatPurchasesIsAClearError() {
    RfmPatterns none = RfmPatterns.of(List.of(new double[] {0, 0, 30, 50}));
    assertThatThrownBy(() -> BgNbd.fit(none, 0)).hasMessage("BG/NBD: no customer has a repeat purchase day in "
        + "the calibration period: the model cannot be fitted (use a later calibration end or more history)");
  }

  /** Simulates the BG/NBD process for n customers observed for t weeks, as patterns (recency in whole days). */
  static RfmPatterns simulate(BgNbd.Params p, int n, double t, Random rnd) {
    org.apache.commons.math3.random.RandomGenerator g = new org.apache.commons.math3.random.Well19937c(rnd.nextLong());
    var lambdas = new org.apache.commons.math3.distribution.GammaDistribution(g, p.r(), 1 / p.alpha());
    var dropouts = new org.apache.commons.math3.distribution.BetaDistribution(g, p.a(), p.b());
    List<double[]> rows = new ArrayList<>();
    java.util.Map<List<Double>, Double> counts = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      double lambda = lambdas.sample();
      double drop = dropouts.sample();
      double now = 0;
      int x = 0;
      double last = 0;
      while (true) {
        now += -Math.log(g.nextDouble()) / lambda;
        if (now > t) {
          break;
        }
        x++;
        last = now;
        if (g.nextDouble() < drop) {
          break;
        }
      }
      counts.merge(List.of((double) x, Math.floor(last * 7) / 7), 1.0, Double::sum);
    }
    counts.forEach((k, c) -> rows.add(new double[] {k.get(0), k.get(1), t, c}));
    return RfmPatterns.of(rows);
  }
}
