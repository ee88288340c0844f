package io.retention.clv;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Scale harness for the driver-side fits (not a test: runs only with {@code -Dclv.scale=N}, N customers).
 * Simulates BG/NBD customers the way the generator does (arrival uniform over a 730-day window, purchase rate
 * Gamma(r, rate alpha) per day, dropout Beta(a, b) after each repeat purchase, whole-day recency and T) and
 * Gamma-Gamma mean values rounded to cents, aggregates them into distinct patterns exactly as
 * {@link RfmSummary#patterns} does (whole days, then / 7 for weeks), and times both fits.
 *
 * <pre>mvn -B -o test -Dtest=ClvScaleBench -Dclv.scale=1000000 -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
@EnabledIfSystemProperty(named = "clv.scale", matches = "\\d+")
class ClvScaleBench {
  @Test
  void fitTimes() {
    int n = Integer.parseInt(System.getProperty("clv.scale"));
    int repeats = Integer.parseInt(System.getProperty("clv.scale.repeats", "1"));
    long t0 = System.nanoTime();
    Simulated s = simulate(n, 730, 0.5, 15.0, 1.5, 8.0, new SplittableRandom(42));
    System.out.printf("clv-scale: simulated %,d customers in %.1f s: %,d BG/NBD patterns, %,d Gamma-Gamma pairs%n",
        n, (System.nanoTime() - t0) / 1e9, s.patterns.size(), s.values.frequency().length);
    int evals = Integer.parseInt(System.getProperty("clv.scale.evaluations", "0"));
    if (evals > 0) {
      // the cost of one likelihood + gradient evaluation on the unscaled patterns (wall and process CPU)
      double[] g4 = new double[4];
      double[] g3 = new double[3];
      BgNbd.logLikelihood(new double[] {0.5, 2.4, 1.5, 8}, s.patterns, g4);
      long c0 = cpu();
      long w0 = System.nanoTime();
      for (int i = 0; i < evals; i++) {
        BgNbd.logLikelihood(new double[] {0.5 + i * 1e-3, 2.4, 1.5, 8}, s.patterns, g4);
      }
      System.out.printf("clv-scale: BG/NBD likelihood+gradient: %.3f s wall, %.3f s CPU per evaluation%n",
          (System.nanoTime() - w0) / 1e9 / evals, (cpu() - c0) / 1e9 / evals);
      c0 = cpu();
      w0 = System.nanoTime();
      for (int i = 0; i < evals; i++) {
        GammaGamma.logLikelihood(new double[] {6 + i * 1e-3, 4, 30}, s.values, g3);
      }
      System.out.printf("clv-scale: Gamma-Gamma likelihood+gradient: %.3f s wall, %.3f s CPU per evaluation%n",
          (System.nanoTime() - w0) / 1e9 / evals, (cpu() - c0) / 1e9 / evals);
    }
    for (int rep = 0; rep < repeats; rep++) {
      double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      long c1 = cpu();
      long t1 = System.nanoTime();
      ModelFit bg = BgNbd.fit(s.patterns, 0);
      double bgSec = (System.nanoTime() - t1) / 1e9;
      double bgCpu = (cpu() - c1) / 1e9;
      long c2 = cpu();
      long t2 = System.nanoTime();
      ModelFit gg = GammaGamma.fit(s.values, 0, 0);
      double ggSec = (System.nanoTime() - t2) / 1e9;
      double ggCpu = (cpu() - c2) / 1e9;
      System.out.printf("clv-scale: load %.2f | BG/NBD %.2f s (CPU %.2f s), %d iterations, %d evaluations, gradient "
          + "norm %.2e, converged %s | Gamma-Gamma %.2f s (CPU %.2f s), %d iterations, %d evaluations%n", load, bgSec,
          bgCpu, bg.iterations(), bg.evaluations(), bg.gradientNorm(), bg.converged(), ggSec, ggCpu, gg.iterations(),
          gg.evaluations());
      System.out.print(bg.describe());
      System.out.print(gg.describe());
      ClvPredictor predictor = new ClvPredictor(BgNbd.Params.of(bg), GammaGamma.Params.of(gg), 12,
          ClvPredictor.monthIn(7), 0.01);
      long t3 = System.nanoTime();
      double sink = 0;
      RfmPatterns d = s.patterns;
      for (int i = 0; i < d.size(); i++) {
        sink += predictor.predict(d.frequency()[i], d.recency()[i], d.age()[i], 50).predictedClv();
      }
      double predSec = (System.nanoTime() - t3) / 1e9;
      System.out.printf("clv-scale: predictions for the %,d patterns (one per pattern, 12 months) %.2f s, %.2f us "
          + "each (checksum %.6e)%n", d.size(), predSec, predSec * 1e6 / d.size(), sink);
    }
  }

  /** Process CPU time in ns (all threads, incl. JIT and GC). */
  static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  record Simulated(RfmPatterns patterns, GammaGamma.Data values) {}

  /** Days-based BG/NBD + Gamma-Gamma simulation, aggregated to distinct patterns (week unit). */
  static Simulated simulate(int n, int days, double r, double alpha, double a, double b, SplittableRandom rnd) {
    org.apache.commons.math3.random.RandomGenerator g =
        new org.apache.commons.math3.random.Well19937c(rnd.nextLong());
    var lambdas = new org.apache.commons.math3.distribution.GammaDistribution(g, r, 1 / alpha);
    var dropouts = new org.apache.commons.math3.distribution.BetaDistribution(g, a, b);
    var nus = new org.apache.commons.math3.distribution.GammaDistribution(g, 4.0, 1 / 30.0);
    Map<List<Long>, Long> bg = new HashMap<>();
    Map<List<Double>, Long> gg = new HashMap<>();
    for (int i = 0; i < n; i++) {
      int first = g.nextInt(days);
      int age = days - 1 - first;
      double lambda = lambdas.sample();
      double drop = dropouts.sample();
      double nu = nus.sample();
      double now = 0;
      int lastDay = 0;
      long x = 0;
      double value = 0;
      while (true) {
        now += -Math.log(g.nextDouble()) / lambda;
        int day = (int) Math.floor(now);
        if (day > age) {
          break;
        }
        if (day != lastDay) {
          x++;
          lastDay = day;
          value += new org.apache.commons.math3.distribution.GammaDistribution(g, 6.0, 1 / nu).sample();
        }
        if (g.nextDouble() < drop) {
          break;
        }
      }
      bg.merge(List.of(x, (long) lastDay, (long) age), 1L, Long::sum);
      if (x > 0) {
        gg.merge(List.of((double) x, Math.round(value / x * 100) / 100.0), 1L, Long::sum);
      }
    }
    List<double[]> rows = new ArrayList<>();
    bg.forEach((k, c) -> rows.add(new double[] {k.get(0), k.get(1) / 7.0, k.get(2) / 7.0, c}));
    rows.sort((p, q) -> java.util.Arrays.compare(p, q));
    List<double[]> vrows = new ArrayList<>();
    gg.forEach((k, c) -> vrows.add(new double[] {k.get(0), k.get(1), c}));
    vrows.sort((p, q) -> java.util.Arrays.compare(p, q));
    return new Simulated(RfmPatterns.of(rows), GammaGamma.Data.of(vrows));
  }
}
