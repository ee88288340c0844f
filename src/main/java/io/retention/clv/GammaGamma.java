package io.retention.clv;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The Gamma-Gamma model of the mean transaction value (Fader, Hardie &amp; Lee 2005, "RFM and CLV"): fitted on
 * repeat customers only (frequency &gt; 0 and mean repeat value &gt; 0), on distinct (frequency, mean value)
 * patterns, on the driver. Formulas follow {@code lifetimes}' GammaGammaFitter.
 */
public final class GammaGamma {
  static final String[] NAMES = {"p", "q", "v"};

  private GammaGamma() {}

  /** Distinct (frequency, mean repeat value) pairs with their customer counts. */
  public record Data(double[] frequency, double[] monetary, double[] count) {
    public static Data of(List<double[]> rows) {
      int n = rows.size();
      Data d = new Data(new double[n], new double[n], new double[n]);
      for (int i = 0; i < n; i++) {
        d.frequency[i] = rows.get(i)[0];
        d.monetary[i] = rows.get(i)[1];
        d.count[i] = rows.get(i)[2];
      }
      return d;
    }

    double customers() {
      double s = 0;
      for (double c : count) {
        s += c;
      }
      return s;
    }

    double meanMonetary() {
      double s = 0;
      for (int i = 0; i < count.length; i++) {
        s += count[i] * monetary[i];
      }
      return s / customers();
    }
  }

  /** Fitted Gamma-Gamma parameters; serialisable for executor-side predictions. */
  public record Params(double p, double q, double v) implements Serializable {
    public static Params of(ModelFit fit) {
      return new Params(fit.param("p"), fit.param("q"), fit.param("v"));
    }
  }

  /**
   * Fits p, q, v. Values are rescaled to a mean of 10 for conditioning; v, its standard error and the
   * log-likelihood are reported in money units. {@code excluded} (repeat customers whose mean value is not
   * positive) is recorded in the result.
   *
   * @throws IllegalArgumentException when no repeat customer has a positive mean value
   */
  public static ModelFit fit(Data data, long excluded, double penalizer) {
    Data usable = positive(data);
    if (usable.customers() <= 0) {
      throw new IllegalArgumentException("Gamma-Gamma: no repeat customer with a positive mean purchase value: "
          + "nothing to fit");
    }
    double scale = 10 / usable.meanMonetary();
    Data scaled = new Data(usable.frequency(), usable.monetary().clone(), usable.count());
    for (int i = 0; i < scaled.monetary().length; i++) {
      scaled.monetary()[i] *= scale;
    }
    MleFitter.Result r = new MleFitter(ModelFit.GAMMA_GAMMA, NAMES, (p, g) -> logLikelihood(p, scaled, g),
        scaled.customers(), penalizer).fit(new double[] {1, 1, 1});
    double[] p = r.params().clone();
    double[] se = r.stdErrors().clone();
    p[2] /= scale;
    se[2] /= scale;
    List<String> warnings = new ArrayList<>(r.warnings());
    if (p[1] <= 1) {
      warnings.add(String.format(java.util.Locale.ROOT, "gamma_gamma: q = %.4f <= 1: the population mean value is "
          + "infinite; expected values of customers without repeat purchases are left empty", p[1]));
    }
    return new ModelFit(ModelFit.GAMMA_GAMMA, MleFitter.named(NAMES, p), MleFitter.named(NAMES, se),
        logLikelihood(p, usable, new double[3]), Math.round(usable.customers()), usable.frequency().length,
        excluded + Math.round(data.customers() - usable.customers()), penalizer, r.iterations(), r.evaluations(),
        r.gradientNorm(), r.converged(), List.copyOf(warnings));
  }

  private static Data positive(Data d) {
    List<double[]> rows = new ArrayList<>();
    for (int i = 0; i < d.count().length; i++) {
      if (d.frequency()[i] > 0 && d.monetary()[i] > 0 && d.count()[i] > 0) {
        rows.add(new double[] {d.frequency()[i], d.monetary()[i], d.count()[i]});
      }
    }
    return Data.of(rows);
  }

  /** Total log-likelihood at {p, q, v}; fills {@code grad} with its gradient. */
  static double logLikelihood(double[] params, Data d, double[] grad) {
    double p = params[0];
    double q = params[1];
    double v = params[2];
    double total = 0;
    java.util.Arrays.fill(grad, 0);
    double lgQ = logGamma(q);
    double psiQ = digamma(q);
    for (int i = 0; i < d.count().length; i++) {
      double w = d.count()[i];
      double x = d.frequency()[i];
      double m = d.monetary()[i];
      double px = p * x;
      double lxmv = Math.log(x * m + v);
      double psiPxq = digamma(px + q);
      total += w * (logGamma(px + q) - logGamma(px) - lgQ + q * Math.log(v) + (px - 1) * Math.log(m)
          + px * Math.log(x) - (px + q) * lxmv);
      grad[0] += w * x * (psiPxq - digamma(px) + Math.log(m) + Math.log(x) - lxmv);
      grad[1] += w * (psiPxq - psiQ + Math.log(v) - lxmv);
      grad[2] += w * (q / v - (px + q) / (x * m + v));
    }
    return total;
  }

  /**
   * E[mean transaction value | x, mean value m] (lifetimes' conditional_expected_average_profit): a weighted
   * mean of the population mean v p / (q - 1) and the customer's own m. NaN when q &lt;= 1 and x = 0 (the
   * fit then carries a warning and callers store NULL).
   */
  public static double expectedAverageValue(Params g, double x, double m) {
    double populationMean = g.v() * g.p() / (g.q() - 1);
    if (x == 0) {
      return g.q() > 1 ? populationMean : Double.NaN;
    }
    double weight = g.p() * x / (g.p() * x + g.q() - 1);
    return (1 - weight) * populationMean + weight * m;
  }
}
