package io.retention.clv;

import org.apache.commons.math3.special.Gamma;

/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) for real arguments and 0 &le; z &lt; 1 (no library on the
 * classpath has it).
 *
 * <ul>
 *   <li>z &le; {@value #DIRECT_LIMIT}: the defining power series, summed with rescaling so that large results
 *       (big a, b) do not overflow;</li>
 *   <li>z closer to 1: the linear transformation to 1 &minus; z (Abramowitz &amp; Stegun 15.3.6), whose two
 *       series converge fast there. When c &minus; a &minus; b is (nearly) an integer the two gamma prefactors
 *       diverge; the result is then interpolated in c from six points spaced {@value #INTEGER_SHIFT}
 *       apart around the integer case (error about 1e-11 relative). When the two terms cancel (large a and
 *       b), the direct series is summed instead.</li>
 * </ul>
 *
 * <p>Results are carried as {@code sign * exp(logAbs)} so callers can work with the logarithm.
 */
public final class Hyp2F1 {
  static final double DIRECT_LIMIT = 0.9;
  static final double INTEGER_SHIFT = 1e-3;
  private static final double MAX_CANCELLATION = Math.log(1e5);
  private static final int MAX_TERMS = 20_000_000;
  private static final double RESCALE = 1e200;
  private static final double LOG_RESCALE = Math.log(RESCALE);

  private Hyp2F1() {}

  /** 2F1(a, b; c; z). May be infinite when the true value exceeds the double range. */
  public static double value(double a, double b, double c, double z) {
    double[] r = signedLog(a, b, c, z);
    return r[0] * Math.exp(r[1]);
  }

  /** log 2F1(a, b; c; z); the value must be positive (it is when a, b, c &gt; 0). */
  public static double log(double a, double b, double c, double z) {
    double[] r = signedLog(a, b, c, z);
    if (r[0] <= 0) {
      throw new ArithmeticException("2F1(" + a + ", " + b + "; " + c + "; " + z + ") is not positive");
    }
    return r[1];
  }

  /** {sign, log|2F1|}. */
  static double[] signedLog(double a, double b, double c, double z) {
    if (!(z >= 0 && z < 1)) {
      throw new IllegalArgumentException("Hyp2F1: z must be in [0, 1), cannot be: " + z);
    }
    if (c <= 0 && c == Math.rint(c)) {
      throw new IllegalArgumentException("Hyp2F1: c must not be 0 or a negative integer, cannot be: " + c);
    }
    if (z <= DIRECT_LIMIT) {
      return series(a, b, c, z);
    }
    double m = c - a - b;
    double e = m - Math.rint(m);
    double[] r = Math.abs(e) < 3 * INTEGER_SHIFT ? nearInteger(a, b, c - e, z, e) : nearOne(a, b, c, z);
    return r == null ? series(a, b, c, z) : r;
  }

  /**
   * c - a - b = n + e with n an integer and |e| small: the gamma prefactors of 15.3.6 have poles at e = 0, so
   * interpolate (6-point Lagrange, nodes +-h, +-2h, +-3h around the integer point c0) in c instead.
   */
  private static double[] nearInteger(double a, double b, double c0, double z, double e) {
    double[] nodes = new double[6];
    double[] values = new double[6];
    for (int i = 0; i < 6; i++) {
      nodes[i] = (i < 3 ? -(i + 1) : (i - 2)) * INTEGER_SHIFT;
      double[] r = nearOne(a, b, c0 + nodes[i], z);
      if (r == null) {
        return null;
      }
      values[i] = r[0] * Math.exp(r[1]);
    }
    double sum = 0;
    for (int i = 0; i < 6; i++) {
      double w = 1;
      for (int j = 0; j < 6; j++) {
        if (j != i) {
          w *= (e - nodes[j]) / (nodes[i] - nodes[j]);
        }
      }
      sum += w * values[i];
    }
    return new double[] {Math.signum(sum), Math.log(Math.abs(sum))};
  }

  /** A&amp;S 15.3.6: the two series in 1 - z with their gamma prefactors. */
  private static double[] nearOne(double a, double b, double c, double z) {
    double w = 1 - z;
    double m = c - a - b;
    double[] g1 = ratio(c, m, c - a, c - b);
    double[] f1 = series(a, b, 1 - m, w);
    double[] g2 = ratio(c, -m, a, b);
    double[] f2 = series(c - a, c - b, m + 1, w);
    double l1 = g1[1] + f1[1];
    double l2 = g2[1] + f2[1] + m * Math.log(w);
    double[] r = addSigned(g1[0] * f1[0], l1, g2[0] * f2[0], l2);
    // the two terms cancel (large a and b): too many digits lost, let the caller sum the direct series
    return Math.max(l1, l2) - r[1] > MAX_CANCELLATION ? null : r;
  }

  /** {sign, log|Gamma(p) Gamma(q) / (Gamma(r) Gamma(s))|}; 1/Gamma of a pole is 0. */
  private static double[] ratio(double p, double q, double r, double s) {
    double[] gp = logGamma(p);
    double[] gq = logGamma(q);
    double[] gr = logGamma(r);
    double[] gs = logGamma(s);
    if (gr[0] == 0 || gs[0] == 0) {
      return new double[] {0, Double.NEGATIVE_INFINITY};
    }
    return new double[] {gp[0] * gq[0] * gr[0] * gs[0], gp[1] + gq[1] - gr[1] - gs[1]};
  }

  /** {sign, log|Gamma(x)|}, sign 0 at the poles (0, -1, -2, ...). */
  static double[] logGamma(double x) {
    if (x > 0) {
      return new double[] {1, Gamma.logGamma(x)};
    }
    if (x == Math.rint(x)) {
      return new double[] {0, Double.POSITIVE_INFINITY};
    }
    // reflection: Gamma(x) = pi / (sin(pi x) Gamma(1 - x))
    double s = Math.sin(Math.PI * x);
    return new double[] {Math.signum(s), Math.log(Math.PI) - Math.log(Math.abs(s)) - Gamma.logGamma(1 - x)};
  }

  /** The power series sum_k (a)_k (b)_k / ((c)_k k!) z^k as {sign, log|sum|}, rescaled against overflow. */
  static double[] series(double a, double b, double c, double z) {
    double term = 1;
    double sum = 1;
    double logScale = 0;
    for (int k = 0; k < MAX_TERMS; k++) {
      term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
      sum += term;
      if (Math.abs(sum) > RESCALE) {
        sum /= RESCALE;
        term /= RESCALE;
        logScale += LOG_RESCALE;
      }
      if (term == 0 || (Math.abs(term) <= 1e-17 * Math.abs(sum) && k > 2)) {
        return new double[] {Math.signum(sum), logScale + Math.log(Math.abs(sum))};
      }
    }
    throw new ArithmeticException("Hyp2F1: series did not converge for a=" + a + " b=" + b + " c=" + c
        + " z=" + z);
  }

  /** s1 e^l1 + s2 e^l2 as {sign, log|.|}. */
  private static double[] addSigned(double s1, double l1, double s2, double l2) {
    if (s1 == 0 || l1 == Double.NEGATIVE_INFINITY) {
      return new double[] {s2, l2};
    }
    if (s2 == 0 || l2 == Double.NEGATIVE_INFINITY) {
      return new double[] {s1, l1};
    }
    double max = Math.max(l1, l2);
    double v = s1 * Math.exp(l1 - max) + s2 * Math.exp(l2 - max);
    return new double[] {Math.signum(v), max + Math.log(Math.abs(v))};
  }
}
