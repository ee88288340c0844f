package io.retention.clv;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

import java.io.Serializable;

/**
 * The BG/NBD model (Fader, Hardie &amp; Lee 2005, "Counting your customers the easy way"): likelihood and its
 * analytic gradient on (frequency x, recency t_x, age T, count) patterns, a maximum-likelihood fit on the
 * driver, and the per-customer predictions P(alive) and E[X(t) | x, t_x, T]. Formulas follow the
 * {@code lifetimes} library (BetaGeoFitter) so results can be checked side by side.
 */
public final class BgNbd {
  static final String[] NAMES = {"r", "alpha", "a", "b"};

  private BgNbd() {}

  /** Fitted BG/NBD parameters; serialisable so executors can use them in a UDF. */
  public record Params(double r, double alpha, double a, double b) implements Serializable {
    public static Params of(ModelFit fit) {
      return new Params(fit.param("r"), fit.param("alpha"), fit.param("a"), fit.param("b"));
    }
  }

  /**
   * Fits on the patterns. Recency and T are rescaled so that the largest T is 10 (as lifetimes does) for a
   * well-conditioned problem; alpha, its standard error and the log-likelihood are reported in the original
   * unit. The penalizer (lifetimes' convention: {@code penalizer * sum(p^2)} on the mean negative LL) acts on
   * the rescaled parameters.
   *
   * @throws IllegalArgumentException when there are no customers or no repeat purchases at all
   */
  public static ModelFit fit(RfmPatterns data, double penalizer) {
    checkFittable(data);
    double scale = 10 / data.maxAge();
    RfmPatterns scaled = data.scaled(scale);
    BgNbdLikelihood likelihood = new BgNbdLikelihood(scaled);
    MleFitter.Result r = new MleFitter(ModelFit.BGNBD, NAMES, likelihood::value, scaled.customers(), penalizer)
        .fit(new double[] {1, 1, 1, 1});
    double[] p = r.params().clone();
    double[] se = r.stdErrors().clone();
    p[1] /= scale;
    se[1] /= scale;
    double ll = logLikelihood(p, data, new double[4]);
    return new ModelFit(ModelFit.BGNBD, MleFitter.named(NAMES, p), MleFitter.named(NAMES, se), ll,
        Math.round(data.customers()), data.size(), 0, penalizer, r.iterations(), r.evaluations(),
        r.gradientNorm(), r.converged(), r.warnings());
  }

  private static void checkFittable(RfmPatterns data) {
    if (data.size() == 0 || data.customers() <= 0) {
      throw new IllegalArgumentException("BG/NBD: no customers in the calibration period: nothing to fit");
    }
    boolean repeat = false;
    for (int i = 0; i < data.size(); i++) {
      repeat |= data.frequency()[i] > 0 && data.count()[i] > 0;
    }
    if (!repeat) {
      throw new IllegalArgumentException("BG/NBD: no customer has a repeat purchase day in the calibration "
          + "period: the model cannot be fitted (use a later calibration end or more history)");
    }
    if (!(data.maxAge() > 0)) {
      throw new IllegalArgumentException("BG/NBD: every customer's T is 0: the calibration period is empty");
    }
  }

  /**
   * Total log-likelihood at p = {r, alpha, a, b}; fills {@code grad} with dLL/dp. Builds the evaluation layout
   * ({@link BgNbdLikelihood}) for one call; the fit builds it once.
   */
  static double logLikelihood(double[] p, RfmPatterns d, double[] grad) {
    return new BgNbdLikelihood(d).value(p, grad);
  }

  /**
   * The same total, pattern by pattern with {@link #patternLl} (the textbook form, kept as the reference the
   * fast layout is tested against).
   */
  static double logLikelihoodByPattern(double[] p, RfmPatterns d, double[] grad) {
    double total = 0;
    double[] g = new double[4];
    java.util.Arrays.fill(grad, 0);
    for (int i = 0; i < d.size(); i++) {
      double w = d.count()[i];
      if (w == 0) {
        continue;
      }
      total += w * patternLl(p[0], p[1], p[2], p[3], d.frequency()[i], d.recency()[i], d.age()[i], g);
      for (int k = 0; k < 4; k++) {
        grad[k] += w * g[k];
      }
    }
    return total;
  }

  /** One pattern's log-likelihood; {@code g} receives its gradient. */
  static double patternLl(double r, double alpha, double a, double b, double x, double tx, double t, double[] g) {
    double a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
    double a2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
    double a3 = -(r + x) * Math.log(alpha + t);
    double psiAbx = digamma(a + b + x);
    double psiAb = digamma(a + b);
    g[0] = digamma(r + x) - digamma(r) + Math.log(alpha);
    g[1] = r / alpha;
    g[2] = psiAb - psiAbx;
    g[3] = psiAb + digamma(b + x) - digamma(b) - psiAbx;
    if (x == 0) {
      g[0] += -Math.log(alpha + t);
      g[1] += -(r + x) / (alpha + t);
      return a1 + a2 + a3;
    }
    double a4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
    double max = Math.max(a3, a4);
    double e3 = Math.exp(a3 - max);
    double e4 = Math.exp(a4 - max);
    double w3 = e3 / (e3 + e4);
    double w4 = e4 / (e3 + e4);
    g[0] += -w3 * Math.log(alpha + t) - w4 * Math.log(alpha + tx);
    g[1] += -w3 * (r + x) / (alpha + t) - w4 * (r + x) / (alpha + tx);
    g[2] += w4 / a;
    g[3] += -w4 / (b + x - 1);
    return a1 + a2 + max + Math.log(e3 + e4);
  }

  /** P(alive | x, t_x, T) (lifetimes' conditional_probability_alive). */
  public static double pAlive(Params p, double x, double tx, double t) {
    if (x == 0) {
      return 1.0;
    }
    double logDiv = (p.r() + x) * Math.log((p.alpha() + t) / (p.alpha() + tx))
        + Math.log(p.a() / (p.b() + x - 1));
    return 1 / (1 + Math.exp(logDiv));
  }

  /**
   * P(no purchase in (T, T + horizon] | x, t_x, T): the customer has dropped out, or is alive and makes no
   * purchase in the horizon (the Poisson rate integrated over its gamma posterior):
   * {@code (1 - P(alive)) + P(alive) * ((alpha + T) / (alpha + T + horizon))^(r + x)}, every time in the fit's
   * unit (an empty horizon gives 1).
   */
  public static double pNoPurchase(Params p, double horizon, double x, double tx, double t) {
    double alive = pAlive(p, x, tx, t);
    double silent = Math.exp((p.r() + x) * Math.log((p.alpha() + t) / (p.alpha() + t + horizon)));
    return (1 - alive) + alive * silent;
  }

  /**
   * E[X(horizon) | x, t_x, T]: expected repeat purchases in the next {@code horizon} time units
   * (lifetimes' conditional_expected_number_of_purchases_up_to_time).
   */
  public static double expectedPurchases(Params p, double horizon, double x, double tx, double t) {
    if (horizon <= 0) {
      return 0;
    }
    return expectedPurchasesIfAlive(p, horizon, x, t) / aliveDivisor(p, x, tx, t);
  }

  /**
   * The numerator of {@link #expectedPurchases} (horizon &gt; 0): it depends on x and T but not on t_x, so
   * customers with the same x and T share it (and its 2F1, the costly part).
   */
  static double expectedPurchasesIfAlive(Params p, double horizon, double x, double t) {
    double ha = p.r() + x;
    double hb = p.b() + x;
    double hc = p.a() + p.b() + x - 1;
    double z = horizon / (p.alpha() + t + horizon);
    double logHyp = Hyp2F1.log(ha, hb, hc, z);
    double first = (p.a() + p.b() + x - 1) / (p.a() - 1);
    double second = -Math.expm1(logHyp + (p.r() + x) * Math.log((p.alpha() + t) / (p.alpha() + t + horizon)));
    return first * second;
  }

  /** The denominator of {@link #expectedPurchases}, the same for every horizon. */
  static double aliveDivisor(Params p, double x, double tx, double t) {
    double denominator = 1;
    if (x > 0) {
      denominator += p.a() / (p.b() + x - 1) * Math.pow((p.alpha() + t) / (p.alpha() + tx), p.r() + x);
    }
    return denominator;
  }

  /** E[X(t)] for a customer acquired at time 0 (BG/NBD paper, eq. 9). */
  public static double expectedPurchasesNew(Params p, double t) {
    if (t <= 0) {
      return 0;
    }
    double hyp = Hyp2F1.log(p.r(), p.b(), p.a() + p.b() - 1, t / (p.alpha() + t));
    double first = (p.a() + p.b() - 1) / (p.a() - 1);
    return first * -Math.expm1(p.r() * Math.log(p.alpha() / (p.alpha() + t)) + hyp);
  }
}
