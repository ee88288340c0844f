package io.retention.bench;

import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * How a step's time grows with the data: the least-squares slope of log(time) on log(orders) over the scale
 * points, so time ≈ c · orders^exponent (1 = linear, 2 = quadratic). Points with no time are left out.
 */
public final class ScaleFit {
  private ScaleFit() {}

  /** The fitted exponent, or NaN when fewer than two points have distinct orders and a positive time. */
  public static double exponent(double[] orders, double[] seconds) {
    if (orders.length != seconds.length) {
      throw new IllegalArgumentException("bench: orders and times differ in length: " + orders.length + " / "
          + seconds.length);
    }
    SimpleRegression fit = new SimpleRegression();
    for (int i = 0; i < orders.length; i++) {
      if (orders[i] > 0 && seconds[i] > 0) {
        fit.addData(Math.log(orders[i]), Math.log(seconds[i]));
      }
    }
    return fit.getN() < 2 ? Double.NaN : fit.getSlope();
  }
}
