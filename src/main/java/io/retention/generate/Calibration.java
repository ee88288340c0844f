package io.retention.generate;

import org.apache.commons.math3.distribution.BetaDistribution;

/**
 * Chooses the BG/NBD scale {@code alpha} so that the expected number of valid orders equals the requested one.
 *
 * <p>Per customer the number of valid rows is {@code (1 + X(t)) / (1 − refundShare)}, where {@code X(t)} is the
 * number of repeat purchases in the {@code t} days between arrival and the window end. For given λ and p,
 * {@code E[X(t) | λ, p] = (1 − e^{−λpt}) / p}; integrating λ over Gamma(r, alpha) gives
 * {@code (1 − (alpha / (alpha + p t))^r) / p}, which is then averaged over p ~ Beta(a, b) (midpoint rule on
 * the Beta quantiles, so singular densities are fine) and over the seasonal arrival day. That average falls as
 * alpha grows, so alpha is found by bisection on log(alpha). Runs on the driver in well under a second; no
 * Spark job.
 */
public final class Calibration {
  private static final int QUANTILES = 1000;
  private static final double ALPHA_MIN = 1e-6;
  private static final double ALPHA_MAX = 1e9;

  private final double r;
  private final double[] pQuantiles;
  private final double[] arrivalShares;

  Calibration(GeneratorOptions o, Seasonality seasonality) {
    this.r = o.r();
    BetaDistribution beta = new BetaDistribution(null, o.a(), o.b());
    this.pQuantiles = new double[QUANTILES];
    for (int k = 0; k < QUANTILES; k++) {
      pQuantiles[k] = Math.max(1e-12, beta.inverseCumulativeProbability((k + 0.5) / QUANTILES));
    }
    this.arrivalShares = seasonality.arrivalShares();
  }

  /** The alpha of {@code o}, or the calibrated one when it is not set. */
  public static double resolveAlpha(GeneratorOptions o) {
    if (!Double.isNaN(o.alpha())) {
      return o.alpha();
    }
    return new Calibration(o, new Seasonality(o.start(), o.days())).solve(o);
  }

  /** Expected valid orders (purchases and refunds) for the options with this alpha. */
  public static double expectedOrders(GeneratorOptions o, double alpha) {
    Calibration c = new Calibration(o, new Seasonality(o.start(), o.days()));
    return o.customers() * (1 + c.meanRepeats(alpha)) / (1 - o.refundShare());
  }

  double solve(GeneratorOptions o) {
    double target = (double) o.orders() * (1 - o.refundShare()) / o.customers() - 1;
    if (target <= meanRepeats(ALPHA_MAX)) {
      return ALPHA_MAX;
    }
    double reachable = meanRepeats(ALPHA_MIN);
    if (target > reachable) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "--orders %d needs %.1f orders per customer, but with --a %s --b %s at most %.1f are reachable in "
              + "%d days: raise --customers or --days, or lower --b", o.orders(),
          (double) o.orders() / o.customers(), o.a(), o.b(), (1 + reachable) / (1 - o.refundShare()), o.days()));
    }
    double lo = Math.log(ALPHA_MIN);
    double hi = Math.log(ALPHA_MAX);
    for (int i = 0; i < 50; i++) {
      double mid = (lo + hi) / 2;
      if (meanRepeats(Math.exp(mid)) > target) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return Math.exp((lo + hi) / 2);
  }

  /** Mean repeat purchases per customer over the arrival distribution. */
  double meanRepeats(double alpha) {
    int days = arrivalShares.length;
    double sum = 0;
    for (int d = 0; d < days; d++) {
      sum += arrivalShares[d] * expectedRepeats(days - d - 0.5, alpha);
    }
    return sum;
  }

  /** E[X(t)] for BG/NBD with the p integral done on Beta quantiles. */
  double expectedRepeats(double t, double alpha) {
    double sum = 0;
    for (double p : pQuantiles) {
      double x = p * t / alpha;
      sum += -Math.expm1(-r * Math.log1p(x)) / p;
    }
    return sum / pQuantiles.length;
  }
}
