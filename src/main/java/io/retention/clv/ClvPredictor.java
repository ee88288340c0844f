package io.retention.clv;

import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-customer predictions from fitted BG/NBD and Gamma-Gamma parameters. Small and serialisable: the stage
 * ships it to the executors inside a UDF, so predictions for millions of customers never touch the driver.
 *
 * <p>Time: the BG/NBD unit (day or week) is the unit of recency and T; {@code monthInUnits} is the length of a
 * CLV month in that unit (365.25 / 12 days, i.e. 30.4375 / 7 weeks). The CLV sums, for months i = 1..H, the
 * expected purchases in month i times the expected average value, discounted by (1 + d)^i:
 * {@code sum_i value * (E[X(i m)] - E[X((i-1) m)]) / (1 + d)^i} (lifetimes' customer_lifetime_value).
 *
 * @param gammaGamma null when no Gamma-Gamma model could be fitted (values and CLV are then NaN)
 */
public record ClvPredictor(BgNbd.Params bgNbd, GammaGamma.Params gammaGamma, int horizonMonths,
    double monthInUnits, double monthlyDiscountRate) implements Serializable {

  /** Days per CLV month: 365.25 / 12. */
  public static final double MONTH_DAYS = 365.25 / 12;

  public ClvPredictor {
    if (horizonMonths < 1) {
      throw new IllegalArgumentException("horizonMonths must be at least 1, cannot be: " + horizonMonths);
    }
    if (!(monthInUnits > 0)) {
      throw new IllegalArgumentException("monthInUnits must be positive, cannot be: " + monthInUnits);
    }
  }

  /** A CLV month in a time unit of {@code unitDays} days. */
  public static double monthIn(double unitDays) {
    return MONTH_DAYS / unitDays;
  }

  /** What the stage stores for one customer. */
  public record Prediction(double pAlive, double expectedPurchases, double expectedAverageValue,
      double predictedClv) {}

  /**
   * One customer's prediction. The month-by-month cumulative expected purchases are computed once: the last
   * of them is E[X(horizon)], so the horizon's 2F1 is not evaluated twice.
   */
  public Prediction predict(double x, double tx, double t, double monetary) {
    return predict(x, tx, t, monetary, ifAlive(x, t));
  }

  private Prediction predict(double x, double tx, double t, double monetary, double[] ifAlive) {
    double value = gammaGamma == null ? Double.NaN : GammaGamma.expectedAverageValue(gammaGamma, x, monetary);
    double[] cumulative = cumulativePurchases(ifAlive, x, tx, t);
    return new Prediction(BgNbd.pAlive(bgNbd, x, tx, t), cumulative[horizonMonths - 1], value,
        discounted(cumulative, value));
  }

  /** The numerators of E[X(i months) | x, t_x, T] for i = 1..horizonMonths: they depend on x and T alone. */
  private double[] ifAlive(double x, double t) {
    double[] out = new double[horizonMonths];
    for (int i = 1; i <= horizonMonths; i++) {
      out[i - 1] = BgNbd.expectedPurchasesIfAlive(bgNbd, i * monthInUnits, x, t);
    }
    return out;
  }

  /** E[X(i months) | x, t_x, T] for i = 1..horizonMonths, from {@link #ifAlive}. */
  private double[] cumulativePurchases(double[] ifAlive, double x, double tx, double t) {
    double divisor = BgNbd.aliveDivisor(bgNbd, x, tx, t);
    double[] out = new double[horizonMonths];
    for (int i = 0; i < horizonMonths; i++) {
      out[i] = ifAlive[i] / divisor;
    }
    return out;
  }

  /**
   * The predictor with a memo of each (x, T)'s month-by-month numerators (one 2F1 evaluation per month of the
   * horizon). x (repeat purchases) takes few values and T is a whole number of days, so many customers share
   * (x, T) and cost a lookup instead; predictions are exactly those of {@link ClvPredictor#predict}. Each
   * deserialised copy (one per Spark task) starts its own memo, bounded to {@value #MAX_ENTRIES} entries.
   */
  public static final class Memo implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int MAX_ENTRIES = 1 << 16;
    private final ClvPredictor predictor;
    private final transient Map<Key, double[]> terms = new ConcurrentHashMap<>();

    public Memo(ClvPredictor predictor) {
      this.predictor = predictor;
    }

    /** As {@link ClvPredictor#predict}. */
    public Prediction predict(double x, double tx, double t, double monetary) {
      Key k = new Key(x, t);
      double[] ifAlive = terms.get(k);
      if (ifAlive == null) {
        ifAlive = predictor.ifAlive(x, t);
        if (terms.size() >= MAX_ENTRIES) {
          terms.clear();
        }
        terms.put(k, ifAlive);
      }
      return predictor.predict(x, tx, t, monetary, ifAlive);
    }

    /** Entries in the memo (for tests). */
    int size() {
      return terms.size();
    }

    /** A deserialised copy gets a memo of its own (transient fields are not restored). */
    private Object readResolve() {
      return new Memo(predictor);
    }

    private record Key(double x, double t) {}
  }

  private double discounted(double[] cumulative, double value) {
    if (Double.isNaN(value)) {
      return Double.NaN;
    }
    double total = 0;
    double previous = 0;
    for (int i = 1; i <= horizonMonths; i++) {
      double c = cumulative[i - 1];
      total += value * (c - previous) / Math.pow(1 + monthlyDiscountRate, i);
      previous = c;
    }
    return total;
  }
}
