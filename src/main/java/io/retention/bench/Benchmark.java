package io.retention.bench;

import io.retention.clv.BgNbd;
import io.retention.clv.CustomerLifetimeValue;
import io.retention.clv.ModelFit;
import io.retention.clv.RfmPatterns;
import io.retention.clv.RfmSummary;
import io.retention.generate.GeneratorOptions;
import io.retention.generate.SyntheticPurchases;
import io.retention.ingest.IngestStage;
import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.metrics.MetricsStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;

/**
 * The benchmark: generate (seeded) → ingest → metrics → clv (the full nightly pipeline on the whole history),
 * then one incremental night (one more day's file: ingest only that file, re-run metrics), then the cohort
 * ratio against DuckDB ({@link CohortBench}). Each step's wall time, rows, peak heap and slowest Spark stages
 * are recorded; nothing customer-level reaches the driver except the (bounded) DuckDB cohort table.
 */
public final class Benchmark {
  /** One timed step: wall time, the rows it processed (for rows/s) and the peak heap. */
  public record Step(String name, double seconds, long rows, long peakHeapBytes, String detail) {
    public double rowsPerSecond() {
      return seconds > 0 ? rows / seconds : 0;
    }
  }

  /** Everything the report needs. */
  public record Result(BenchOptions options, Machine machine, double loadAfter, long generatedOrders,
      long silverRows, long customers, long nightOrders, List<Step> steps, ModelFit bgNbd,
      CohortBench.Result cohort, StageListener stages, MetricsStage.Options metricsOptions) {
    public Step step(String name) {
      return steps.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    public double fullSeconds() {
      return step(INGEST).seconds() + step(METRICS).seconds() + step(CLV).seconds();
    }

    /** Incremental (ingest + metrics of one night) over full (ingest + metrics of the history). */
    public double incrementalRatio() {
      return (step(NIGHT_INGEST).seconds() + step(NIGHT_METRICS).seconds())
          / (step(INGEST).seconds() + step(METRICS).seconds());
    }
  }

  public static final String GENERATE = "generate";
  public static final String INGEST = "ingest";
  public static final String METRICS = "metrics";
  public static final String CLV = "clv";
  public static final String NIGHT_INGEST = "night ingest";
  public static final String NIGHT_METRICS = "night metrics";
  public static final String BGNBD_FIT = "bg/nbd fit";
  public static final String COHORT = "cohort ratio";

  private final SparkSession spark;
  private final BenchOptions o;
  private final StageListener listener = new StageListener();
  private final List<Step> steps = new ArrayList<>();

  public Benchmark(SparkSession spark, BenchOptions options) {
    this.spark = spark;
    this.o = options;
  }

  public Result run() throws Exception {
    Path work = o.work().toAbsolutePath();
    Path landing = work.resolve("landing");
    Files.createDirectories(work);
    DeltaTables tables = new DeltaTables(spark, work.resolve("warehouse").toString());
    Machine machine = Machine.current(spark);
    spark.sparkContext().addSparkListener(listener);
    try (HeapSampler heap = new HeapSampler(50)) {
      GeneratorOptions g = GeneratorOptions.of(o.orders(), o.customers(), o.days(), o.seed(), o.start(),
          GeneratorOptions.FORMAT_CSV, 0.0);
      SyntheticPurchases.Result gen = time(heap, GENERATE, () ->
          new SyntheticPurchases(spark, g, landing.toString()).run(), r -> r.orders(), "");
      IngestStage.Options ingest = new IngestStage.Options(landing.toString(), o.profile(), o.rules());
      time(heap, INGEST, () -> new IngestStage(tables, ingest).run(), r -> r.books().linesRead(),
          "lines read");
      long silver = tables.read(Table.PURCHASES).count();
      MetricsStage.Result m = time(heap, METRICS, () ->
          new MetricsStage(tables, o.metrics(), "bench-" + UUID.randomUUID()).run(), r -> silver, "silver rows");
      CustomerLifetimeValue.Result clv = time(heap, CLV, () ->
          new CustomerLifetimeValue(tables, o.clv()).run("bench-" + UUID.randomUUID()), r -> silver, "silver rows");
      ModelFit fit = bgNbdFit(heap, tables, clv);
      listener.step("night file");
      NightFile.Result night = NightFile.write(spark, landing, work.resolve("scratch"), o.nightDate(),
          o.ordersPerDay(), o.seed() + 1);
      time(heap, NIGHT_INGEST, () -> new IngestStage(tables, ingest).run(), r -> r.books().linesRead(),
          "lines read (new file only)");
      long silverAfter = tables.read(Table.PURCHASES).count();
      MetricsStage.Result m2 = timeNightMetrics(heap, tables);
      String parquet = work.resolve("purchases-parquet").toString();
      listener.step("parquet copy");
      CohortBench.writeParquet(tables.read(Table.PURCHASES), parquet);
      CohortBench bench = new CohortBench(spark, m2.options(), o.repetitions());
      CohortBench.Result cohort = time(heap, COHORT, () -> bench.run(parquet), r -> silverAfter,
          "warm-up + timed runs, both sides");
      return new Result(o, machine, Machine.loadNow(), gen.orders(), silver, m.customers(), night.orders(),
          List.copyOf(steps), fit, cohort, listener, m2.options());
    } finally {
      listener.step("-");
      spark.sparkContext().removeSparkListener(listener);
    }
  }

  /** The night's metrics run; rows = silver rows it read, detail = how its state was updated. */
  private MetricsStage.Result timeNightMetrics(HeapSampler heap, DeltaTables tables) throws Exception {
    listener.step(NIGHT_METRICS);
    heap.reset();
    long t0 = System.nanoTime();
    MetricsStage.Result r = new MetricsStage(tables, o.metrics(), "bench-" + UUID.randomUUID()).run();
    double s = (System.nanoTime() - t0) / 1e9;
    steps.add(new Step(NIGHT_METRICS, s, r.state().rowsRead(), heap.peakBytes(), r.state().note()
        + ", silver rows read"));
    System.err.printf(java.util.Locale.ROOT, "bench: %-14s %8.1f s (%s)%n", NIGHT_METRICS, s, r.state().note());
    return r;
  }

  /**
   * The BG/NBD fit alone (DESIGN §8: "the fit itself in seconds"): the distinct (frequency, recency, T)
   * patterns are aggregated on the cluster first (not timed), then the driver-side fit is timed.
   */
  private ModelFit bgNbdFit(HeapSampler heap, DeltaTables tables, CustomerLifetimeValue.Result clv)
      throws Exception {
    listener.step("bg/nbd patterns");
    RfmSummary.Options ro = new RfmSummary.Options(clv.calibrationEnd(), o.clv().unit());
    RfmPatterns patterns = RfmSummary.patterns(RfmSummary.compute(tables.read(Table.PURCHASES), ro),
        o.clv().unit());
    return time(heap, BGNBD_FIT, () -> BgNbd.fit(patterns, o.clv().penalizer()), f -> f.customers(),
        "customers (fit on the distinct patterns, driver only)");
  }

  private <T> T time(HeapSampler heap, String name, Callable<T> body, java.util.function.ToLongFunction<T> rows,
      String detail) throws Exception {
    listener.step(name);
    heap.reset();
    long t0 = System.nanoTime();
    T r = body.call();
    double s = (System.nanoTime() - t0) / 1e9;
    steps.add(new Step(name, s, rows.applyAsLong(r), heap.peakBytes(), detail));
    System.err.printf(java.util.Locale.ROOT, "bench: %-14s %8.1f s%n", name, s);
    return r;
  }
}
