package io.retention.clv;

import java.util.List;

/**
 * Distinct (frequency, recency, T) patterns with how many customers share each: all the BG/NBD likelihood
 * needs, and small enough for the driver (customers with the same history collapse into one row).
 * Recency and T are in the model's time unit.
 */
public record RfmPatterns(double[] frequency, double[] recency, double[] age, double[] count) {

  public RfmPatterns {
    int n = frequency.length;
    if (recency.length != n || age.length != n || count.length != n) {
      throw new IllegalArgumentException("RfmPatterns: arrays of different lengths");
    }
  }

  /** One row {frequency, recency, T, count} per pattern. */
  public static RfmPatterns of(List<double[]> rows) {
    int n = rows.size();
    double[] x = new double[n];
    double[] tx = new double[n];
    double[] t = new double[n];
    double[] c = new double[n];
    for (int i = 0; i < n; i++) {
      double[] r = rows.get(i);
      x[i] = r[0];
      tx[i] = r[1];
      t[i] = r[2];
      c[i] = r[3];
    }
    return new RfmPatterns(x, tx, t, c);
  }

  public int size() {
    return frequency.length;
  }

  /** Number of customers (sum of the counts). */
  public double customers() {
    double s = 0;
    for (double v : count) {
      s += v;
    }
    return s;
  }

  public double maxAge() {
    double m = 0;
    for (double v : age) {
      m = Math.max(m, v);
    }
    return m;
  }

  /** Same patterns with recency and T multiplied by {@code factor}. */
  RfmPatterns scaled(double factor) {
    double[] tx = recency.clone();
    double[] t = age.clone();
    for (int i = 0; i < tx.length; i++) {
      tx[i] *= factor;
      t[i] *= factor;
    }
    return new RfmPatterns(frequency, tx, t, count);
  }
}
