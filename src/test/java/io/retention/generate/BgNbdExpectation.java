package io.retention.generate;

/**
 * BG/NBD expectations in closed form (Fader, Hardie and Lee 2005, eq. 9), written independently of the
 * generator's calibration (which integrates over Beta quantiles instead): the test oracle.
 */
final class BgNbdExpectation {
  private final double r;
  private final double alpha;
  private final double a;
  private final double b;

  BgNbdExpectation(double r, double alpha, double a, double b) {
    this.r = r;
    this.alpha = alpha;
    this.a = a;
    this.b = b;
  }

  /** E[X(t)]: expected repeat purchases in t days after the first purchase. */
  double expectedRepeats(double t) {
    double z = t / (alpha + t);
    return (a + b - 1) / (a - 1) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, z));
  }

  /** P(X(t) = 0): no repeat purchase in t days (the customer cannot drop out before a repeat purchase). */
  double probNoRepeat(double t) {
    return Math.pow(alpha / (alpha + t), r);
  }

  /** Gauss hypergeometric 2F1(a, b; c; z) by its power series, |z| < 1. */
  static double hyp2f1(double a, double b, double c, double z) {
    double term = 1;
    double sum = 1;
    for (int n = 0; n < 1_000_000; n++) {
      term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
      sum += term;
      if (Math.abs(term) < 1e-15 * Math.abs(sum)) {
        return sum;
      }
    }
    throw new ArithmeticException("2F1 series did not converge for z = " + z);
  }
}
