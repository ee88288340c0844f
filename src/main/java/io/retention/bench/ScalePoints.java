package io.retention.bench;

import io.retention.bench.Benchmark.Result;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench --scales}: the whole benchmark at each scale point (orders; customers in the single point's
 * proportion), each in its own work folder {@code <work>/orders-<N>}, one after the other in one Spark session,
 * after an untimed warm-up run at the smallest point;
 * then, per step and per night stage, its time at each point and the fitted growth exponent
 * ({@link ScaleFit}) so that a user can extrapolate.
 */
public final class ScalePoints {
  /** Bench-only steps (data making, peers, the night as a whole, the cohort comparison): never marked. */
  private static final Set<String> NOT_JOB = Set.of(Benchmark.GENERATE, Benchmark.PLAIN_COPY,
      Benchmark.DUCKDB_LOAD, Benchmark.NIGHTLY, Benchmark.COHORT);
  /** A stage under this share of the largest point's full pipeline is not marked: its exponent is mostly noise. */
  static final double MARK_MIN_SHARE = 0.05;
  static final String NIGHT_PREFIX = "night ";
  /** The work folder prefix of the untimed warm-up run at the smallest point. */
  static final String WARM_UP = "warm-up-orders-";

  /** One row of the scale table: a step's (or night stage's) time and peak heap per point (-1: not sampled). */
  public record Growth(String name, double[] seconds, long[] peakHeapBytes, double exponent) {}

  private ScalePoints() {}

  /** Runs every point, smallest first. */
  public static List<Result> run(SparkSession spark, BenchOptions base, List<Long> scales,
      Benchmark.Nightly nightly) throws Exception {
    List<Long> sorted = scales.stream().sorted().toList();
    if (sorted.size() > 1) { // else the first point pays the JVM's and Spark's warm-up and bends the fits
      Path warm = base.work().resolve(WARM_UP + sorted.get(0));
      System.err.printf(Locale.ROOT, "bench: warm-up run at %,d orders in %s (not reported)%n", sorted.get(0), warm);
      new Benchmark(spark, base.atScale(sorted.get(0), warm), nightly).run();
    }
    List<Result> out = new ArrayList<>();
    for (long n : sorted) {
      Path work = base.work().resolve("orders-" + n);
      System.err.printf(Locale.ROOT, "bench: scale point %,d orders in %s%n", n, work);
      out.add(new Benchmark(spark, base.atScale(n, work), nightly).run());
    }
    return out;
  }

  /** Each step of the last point, then each stage of its night, with its times and fitted exponent. */
  public static List<Growth> growth(List<Result> points) {
    Result last = points.get(points.size() - 1);
    double[] orders = points.stream().mapToDouble(Result::generatedOrders).toArray();
    List<Growth> rows = new ArrayList<>();
    for (Benchmark.Step s : last.steps()) {
      double[] t = points.stream().mapToDouble(p -> p.step(s.name()).seconds()).toArray();
      long[] heap = points.stream().mapToLong(p -> p.step(s.name()).peakHeapBytes()).toArray();
      rows.add(new Growth(s.name(), t, heap, ScaleFit.exponent(orders, t)));
    }
    for (String stage : last.night().names()) {
      double[] t = points.stream().mapToDouble(p -> p.night().seconds(stage)).toArray();
      long[] heap = points.stream().mapToLong(p -> -1L).toArray();
      rows.add(new Growth(NIGHT_PREFIX + stage, t, heap, ScaleFit.exponent(orders, t)));
    }
    return rows;
  }

  /**
   * The job's stage that grows fastest (highest positive exponent) among those taking at least
   * {@link #MARK_MIN_SHARE} of the largest point's full pipeline; null when none qualifies.
   */
  public static String fastest(List<Growth> rows, double fullSeconds) {
    Growth best = null;
    for (Growth g : rows) {
      double atLargest = g.seconds()[g.seconds().length - 1];
      if (NOT_JOB.contains(g.name()) || !(g.exponent() > 0) || atLargest < MARK_MIN_SHARE * fullSeconds) {
        continue;
      }
      if (best == null || g.exponent() > best.exponent()) {
        best = g;
      }
    }
    return best == null ? null : best.name();
  }

  /** The report's scale section. */
  static void markdown(StringBuilder sb, List<Result> points) {
    List<Growth> rows = growth(points);
    String mark = fastest(rows, points.get(points.size() - 1).fullSeconds());
    sb.append("\n## Scale points\n\n");
    sb.append("Each point is a whole bench run in its own work folder, one after the other in one Spark session,"
        + " customers in proportion to orders. Per point: wall time / peak heap (night stages: time from ops.runs)."
        + " Growth exponent: least-squares slope of log(time) on log(generated orders), so time ≈ c · orders^e"
        + " (1 = linear); extrapolate a step as t₂ = t₁ · (n₂ / n₁)^e. The job's stage that grows fastest (among"
        + " those taking at least 5 % of the largest point's full pipeline) is marked. Before the points, the smallest one"
        + " ran once untimed (folder " + WARM_UP + "N) so that the first point does not pay the JVM's and Spark's"
        + " warm-up.\n\n| step |");
    StringBuilder rule = new StringBuilder("|---|");
    for (Result p : points) {
      sb.append(String.format(Locale.ROOT, " %,d orders |", p.generatedOrders()));
      rule.append("---:|");
    }
    sb.append(" growth exponent |\n").append(rule).append("---:|\n");
    for (Growth g : rows) {
      sb.append("| ").append(g.name()).append(" |");
      for (int i = 0; i < g.seconds().length; i++) {
        sb.append(String.format(Locale.ROOT, " %.1f s", g.seconds()[i]))
            .append(g.peakHeapBytes()[i] < 0 ? "" : " / " + BenchReport.gib(g.peakHeapBytes()[i])).append(" |");
      }
      sb.append(Double.isNaN(g.exponent()) ? " –" : String.format(Locale.ROOT, " %.2f", g.exponent()))
          .append(g.name().equals(mark) ? " **grows fastest: needs a cluster first**" : "").append(" |\n");
    }
    sb.append(String.format(Locale.ROOT, "%nfastest-growing stage: %s%n", mark == null ? "none marked" : mark));
  }
}
