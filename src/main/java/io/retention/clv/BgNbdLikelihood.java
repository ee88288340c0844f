package io.retention.clv;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The BG/NBD log-likelihood and its analytic gradient, laid out for many evaluations on large pattern sets.
 * Same value as summing {@link BgNbd#patternLl} over the patterns (up to rounding), but:
 *
 * <ul>
 *   <li>the log-gamma / digamma terms depend only on the parameters and the frequency x, so they are computed
 *       once per <em>distinct</em> frequency and multiplied by that frequency's customer count;</li>
 *   <li>log(alpha + T) and log(alpha + t_x) are computed once per distinct T and t_x (on the day grid there are
 *       at most a few thousand), patterns hold int indices into those tables;</li>
 *   <li>customers without repeat purchases (x = 0) contribute -r log(alpha + T) only: they are summed per T;</li>
 *   <li>each repeat pattern costs one exp and one log (the log-sum-exp of the two BG/NBD terms, as
 *       max + log(1 + e) with e = exp(-|difference|) in (0, 1]: log, not the slower log1p, since an absolute
 *       error of 1e-16 per pattern is far below what the total needs); the repeat
 *       patterns are evaluated in fixed chunks, in parallel, and the chunk sums are added in chunk order, so
 *       the result does not depend on the number of threads.</li>
 * </ul>
 * Patterns with count 0 are dropped. Built once per fit from primitive arrays.
 */
final class BgNbdLikelihood {
  /** Repeat patterns per parallel chunk (fixed, so that sums are reproducible). */
  static final int CHUNK = 32_768;

  private final double[] xs;
  private final double[] xWeight;
  private final double[] ts;
  private final double[] txs;
  private final double[] zeroWeightByT;
  private final int[] freqIndex;
  private final int[] ageIndex;
  private final int[] recencyIndex;
  private final double[] weight;

  BgNbdLikelihood(RfmPatterns d) {
    int n = d.size();
    double[] freq = d.frequency();
    double[] count = d.count();
    xs = distinct(freq, count, null);
    ts = distinct(d.age(), count, null);
    txs = distinct(d.recency(), count, freq);
    xWeight = new double[xs.length];
    zeroWeightByT = new double[ts.length];
    int repeat = 0;
    for (int i = 0; i < n; i++) {
      if (count[i] != 0 && freq[i] > 0) {
        repeat++;
      }
    }
    freqIndex = new int[repeat];
    ageIndex = new int[repeat];
    recencyIndex = new int[repeat];
    weight = new double[repeat];
    int k = 0;
    for (int i = 0; i < n; i++) {
      double w = count[i];
      if (w == 0) {
        continue;
      }
      int fi = Arrays.binarySearch(xs, freq[i]);
      int ti = Arrays.binarySearch(ts, d.age()[i]);
      xWeight[fi] += w;
      if (freq[i] > 0) {
        freqIndex[k] = fi;
        ageIndex[k] = ti;
        recencyIndex[k] = Arrays.binarySearch(txs, d.recency()[i]);
        weight[k] = w;
        k++;
      } else {
        zeroWeightByT[ti] += w;
      }
    }
  }

  /** Sorted distinct values of {@code v} over patterns with a non-zero count (and x &gt; 0 if {@code x} given). */
  private static double[] distinct(double[] v, double[] count, double[] x) {
    double[] s = new double[v.length];
    int m = 0;
    for (int i = 0; i < v.length; i++) {
      if (count[i] != 0 && (x == null || x[i] > 0)) {
        s[m++] = v[i];
      }
    }
    s = Arrays.copyOf(s, m);
    Arrays.sort(s);
    int u = 0;
    for (int i = 0; i < m; i++) {
      if (u == 0 || Double.compare(s[i], s[u - 1]) != 0) {
        s[u++] = s[i];
      }
    }
    return Arrays.copyOf(s, u);
  }

  /** Number of patterns with a repeat purchase (the per-pattern work). */
  int repeatPatterns() {
    return weight.length;
  }

  /** Total log-likelihood at p = {r, alpha, a, b}; fills {@code grad} with dLL/dp. */
  double value(double[] p, double[] grad) {
    double r = p[0];
    double alpha = p[1];
    double a = p[2];
    double b = p[3];
    double logAlpha = Math.log(alpha);
    double logA = Math.log(a);
    double[] logT = new double[ts.length];
    double[] invT = new double[ts.length];
    for (int k = 0; k < ts.length; k++) {
      logT[k] = Math.log(alpha + ts[k]);
      invT[k] = 1 / (alpha + ts[k]);
    }
    double[] logTx = new double[txs.length];
    double[] invTx = new double[txs.length];
    for (int k = 0; k < txs.length; k++) {
      logTx[k] = Math.log(alpha + txs[k]);
      invTx[k] = 1 / (alpha + txs[k]);
    }
    int nx = xs.length;
    double[] rx = new double[nx];
    double[] c4 = new double[nx];
    for (int j = 0; j < nx; j++) {
      rx[j] = r + xs[j];
      c4[j] = xs[j] > 0 ? logA - Math.log(b + xs[j] - 1) : Double.NaN;
    }

    // repeat patterns: log(exp(a3) + exp(a4)) with a3 = -(r+x) log(alpha+T), a4 = c4(x) - (r+x) log(alpha+t_x)
    int chunks = (weight.length + CHUNK - 1) / CHUNK;
    double[][] parts = new double[chunks][];
    IntStream.range(0, chunks).parallel().forEach(c -> parts[c] =
        chunk(c * CHUNK, Math.min(weight.length, (c + 1) * CHUNK), rx, c4, logT, invT, logTx, invTx));
    double total = 0;
    double gR = 0;
    double gAlpha = 0;
    double[] s4 = new double[nx];
    for (double[] part : parts) {
      total += part[0];
      gR += part[1];
      gAlpha += part[2];
      for (int j = 0; j < nx; j++) {
        s4[j] += part[3 + j];
      }
    }
    // customers without repeat purchases: a3 only
    for (int k = 0; k < ts.length; k++) {
      double w = zeroWeightByT[k];
      if (w != 0) {
        total -= w * r * logT[k];
        gR -= w * logT[k];
        gAlpha -= w * r * invT[k];
      }
    }
    // terms that depend on the parameters and the frequency only, once per distinct frequency
    double lgR = logGamma(r);
    double lgB = logGamma(b);
    double lgAb = logGamma(a + b);
    double psiR = digamma(r);
    double psiB = digamma(b);
    double psiAb = digamma(a + b);
    double gA = 0;
    double gB = 0;
    for (int j = 0; j < nx; j++) {
      double w = xWeight[j];
      double x = xs[j];
      double psiAbx = digamma(a + b + x);
      total += w * (logGamma(r + x) - lgR + r * logAlpha + lgAb + logGamma(b + x) - lgB - logGamma(a + b + x));
      gR += w * (digamma(r + x) - psiR + logAlpha);
      gAlpha += w * r / alpha;
      gA += w * (psiAb - psiAbx) + s4[j] / a;
      gB += w * (psiAb + digamma(b + x) - psiB - psiAbx) - (x > 0 ? s4[j] / (b + x - 1) : 0);
    }
    grad[0] = gR;
    grad[1] = gAlpha;
    grad[2] = gA;
    grad[3] = gB;
    return total;
  }

  /** Sums over repeat patterns [from, to): {value, dLL/dr, dLL/dalpha, per-frequency sum of w * P(dropped out)}. */
  private double[] chunk(int from, int to, double[] rx, double[] c4, double[] logT, double[] invT, double[] logTx,
      double[] invTx) {
    double[] out = new double[3 + rx.length];
    double total = 0;
    double gR = 0;
    double gAlpha = 0;
    for (int i = from; i < to; i++) {
      int j = freqIndex[i];
      int k = ageIndex[i];
      int m = recencyIndex[i];
      double w = weight[i];
      double rxj = rx[j];
      double lt = logT[k];
      double dl = logTx[m] - lt;
      double a3 = -rxj * lt;
      double d = c4[j] - rxj * dl;
      double lse;
      double w4;
      if (d <= 0) {
        double e = Math.exp(d);
        lse = a3 + Math.log(1 + e);
        w4 = e / (1 + e);
      } else {
        double e = Math.exp(-d);
        lse = a3 + d + Math.log(1 + e);
        w4 = 1 / (1 + e);
      }
      total += w * lse;
      gR -= w * (lt + w4 * dl);
      gAlpha -= w * rxj * (invT[k] + w4 * (invTx[m] - invT[k]));
      out[3 + j] += w * w4;
    }
    out[0] = total;
    out[1] = gR;
    out[2] = gAlpha;
    return out;
  }
}
