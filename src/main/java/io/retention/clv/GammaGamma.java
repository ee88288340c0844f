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
    Likelihood likelihood = new Likelihood(scaled);
    MleFitter.Result r = new MleFitter(ModelFit.GAMMA_GAMMA, NAMES, likelihood::value, scaled.customers(),
        penalizer).fit(new double[] {1, 1, 1});
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

  /** Total log-likelihood at {p, q, v}; fills {@code grad} with its gradient (one-off layout, see {@link Likelihood}). */
  static double logLikelihood(double[] params, Data d, double[] grad) {
    return new Likelihood(d).value(params, grad);
  }

  /** The same total, pair by pair in the textbook form: the reference {@link Likelihood} is tested against. */
  static double logLikelihoodByPattern(double[] params, Data d, double[] grad) {
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
   * The Gamma-Gamma log-likelihood laid out for many evaluations: the log-gamma / digamma terms depend on the
   * parameters and the frequency only (once per distinct frequency), the log m and log x terms on the data
   * only (summed once), so each (x, m) pair costs one log and one division per evaluation. Pairs with count
   * 0 are dropped.
   */
  static final class Likelihood {
    private final double[] xs;
    private final double[] xWeight;
    private final int[] freqIndex;
    private final double[] xm;
    private final double[] weight;
    /** Sum of w log m and of w x log m (the (p x - 1) log m term), and of w x log x. */
    private final double sumLogM;
    private final double sumXLogM;
    private final double sumXLogX;

    Likelihood(Data d) {
      int n = d.count().length;
      double[] f = new double[n];
      int k = 0;
      for (int i = 0; i < n; i++) {
        if (d.count()[i] != 0) {
          f[k++] = d.frequency()[i];
        }
      }
      f = java.util.Arrays.copyOf(f, k);
      xs = java.util.Arrays.stream(f).sorted().distinct().toArray();
      xWeight = new double[xs.length];
      freqIndex = new int[k];
      xm = new double[k];
      weight = new double[k];
      double lm = 0;
      double xlm = 0;
      double xlx = 0;
      k = 0;
      for (int i = 0; i < n; i++) {
        double w = d.count()[i];
        if (w == 0) {
          continue;
        }
        double x = d.frequency()[i];
        double m = d.monetary()[i];
        int j = java.util.Arrays.binarySearch(xs, x);
        xWeight[j] += w;
        freqIndex[k] = j;
        xm[k] = x * m;
        weight[k] = w;
        lm += w * Math.log(m);
        xlm += w * x * Math.log(m);
        xlx += w * x * Math.log(x);
        k++;
      }
      sumLogM = lm;
      sumXLogM = xlm;
      sumXLogX = xlx;
    }

    double value(double[] params, double[] grad) {
      double p = params[0];
      double q = params[1];
      double v = params[2];
      int nx = xs.length;
      // per frequency: sum of w log(x m + v) and of w / (x m + v)
      double[] sumLog = new double[nx];
      double[] sumInv = new double[nx];
      for (int i = 0; i < weight.length; i++) {
        double s = xm[i] + v;
        int j = freqIndex[i];
        sumLog[j] += weight[i] * Math.log(s);
        sumInv[j] += weight[i] / s;
      }
      double lgQ = logGamma(q);
      double psiQ = digamma(q);
      double logV = Math.log(v);
      double total = p * sumXLogM - sumLogM + p * sumXLogX;
      double gp = sumXLogM + sumXLogX;
      double gq = 0;
      double gv = 0;
      for (int j = 0; j < nx; j++) {
        double w = xWeight[j];
        double x = xs[j];
        double px = p * x;
        double psiPxq = digamma(px + q);
        total += w * (logGamma(px + q) - logGamma(px) - lgQ + q * logV) - (px + q) * sumLog[j];
        gp += x * (w * (psiPxq - digamma(px)) - sumLog[j]);
        gq += w * (psiPxq - psiQ + logV) - sumLog[j];
        gv += w * q / v - (px + q) * sumInv[j];
      }
      grad[0] = gp;
      grad[1] = gq;
      grad[2] = gv;
      return total;
    }
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
