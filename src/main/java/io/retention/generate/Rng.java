package io.retention.generate;

import java.util.SplittableRandom;

/**
 * Seeded per-row random streams and the few samplers the generator needs. A stream depends only on
 * (seed, stream, id), never on partitioning or execution order, so the output is reproducible.
 */
final class Rng {
  /** Stream ids: customers and bad rows draw from independent streams. */
  static final long CUSTOMERS = 1;
  static final long BAD_ROWS = 2;
  static final long TRICKY = 3;

  private Rng() {}

  static SplittableRandom of(long seed, long stream, long id) {
    long h = mix(seed ^ 0x9E3779B97F4A7C15L * (stream + 1));
    return new SplittableRandom(mix(h + id * 0xBF58476D1CE4E5B9L));
  }

  /** A deterministic value in [0, 1) for (seed, stream, key): for decisions that must not consume a stream. */
  static double unit(long seed, long stream, long key) {
    return (mix(mix(seed + stream * 0x632BE59BD9B4E019L) ^ key) >>> 11) * 0x1.0p-53;
  }

  /** MurmurHash3's 64-bit finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return z ^ (z >>> 33);
  }

  /** Uniform in (0, 1]: safe for logarithms and powers. */
  static double open(SplittableRandom rng) {
    return 1.0 - rng.nextDouble();
  }

  static double exponential(SplittableRandom rng, double rate) {
    return -Math.log(open(rng)) / rate;
  }

  /** Gamma(shape, scale) by Marsaglia and Tsang (2000), boosted for shape below 1. */
  static double gamma(SplittableRandom rng, double shape, double scale) {
    if (shape < 1) {
      return gamma(rng, shape + 1, scale) * Math.pow(open(rng), 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = rng.nextGaussian();
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = open(rng);
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v * scale;
      }
    }
  }

  static double beta(SplittableRandom rng, double a, double b) {
    double x = gamma(rng, a, 1);
    double y = gamma(rng, b, 1);
    return x / (x + y);
  }

  /** Poisson by Knuth's product method (small means only). */
  static int poisson(SplittableRandom rng, double mean) {
    double limit = Math.exp(-mean);
    double prod = rng.nextDouble();
    int n = 0;
    while (prod > limit) {
      prod *= rng.nextDouble();
      n++;
    }
    return n;
  }

  /** Index drawn with probability proportional to {@code cumulative[i] - cumulative[i - 1]}. */
  static int pick(SplittableRandom rng, double[] cumulative) {
    double u = rng.nextDouble() * cumulative[cumulative.length - 1];
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > u) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  static double[] cumulative(double... weights) {
    double[] c = new double[weights.length];
    double s = 0;
    for (int i = 0; i < weights.length; i++) {
      s += weights[i];
      c[i] = s;
    }
    return c;
  }
}
