package io.retention.bench;

import io.retention.clv.BgNbd;
import io.retention.clv.CustomerLifetimeValue;
import io.retention.clv.ModelFit;
import io.retention.clv.RfmPatterns;
import io.retention.clv.RfmSummary;
import io.retention.currency.CurrencyRates;
import io.retention.generate.GeneratorOptions;
import io.retention.generate.SyntheticPurchases;
import io.retention.ingest.IngestStage;
import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.metrics.MetricsStage;
import io.retention.pipeline.StageContext;
import io.retention.pipeline.StageResult;
import io.retention.pipeline.StageRunner;
import io.retention.quality.QualityGates;
import io.retention.schema.Columns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The benchmark: generate (seeded) → ingest → metrics → clv (the full pipeline on the whole history, each stage
 * through the {@link StageRunner}; after ingest the gates check the history once and the ingest peers
 * ({@link IngestPeers}) load the same files), the BG/NBD fit, one churn training,
 * then one more day's file and the real nightly ({@link Nightly}: every stage of the night) read back from
 * ops.runs, then the cohort ratio against DuckDB ({@link CohortBench}). Each step's wall time, rows, peak heap
 * and slowest Spark stages are recorded; nothing customer-level reaches the driver except the (bounded) DuckDB
 * cohort table.
 */
public final class Benchmark {
  /** One timed step: wall time, the rows it processed (for rows/s) and the peak heap. */
  public record Step(String name, double seconds, long rows, long peakHeapBytes, String detail) {
    public double rowsPerSecond() {
      return seconds > 0 ? rows / seconds : 0;
    }
  }

  /**
   * The stages the app layer owns (bench sits below it), on the warehouse and landing folder of a work folder:
   * train-churn as its command runs it, and one whole nightly as {@code nightly} runs it.
   */
  public interface Nightly {
    /** Trains and registers the churn model through the stage runner with {@code ctx}. */
    StageResult trainChurn(Path work, StageContext ctx) throws Exception;

    /** Loads the configured currency rates (the generated orders mix EUR, GBP and USD) into the bench warehouse. */
    void loadRates(Path work, StageContext ctx) throws Exception;

    /** Runs one nightly (validate, then run) in {@code spark}; its stages record their ops.runs rows. */
    void run(Path work, SparkSession spark) throws Exception;
  }

  /** Everything the report needs. */
  public record Result(BenchOptions options, Machine machine, double loadAfter, long generatedOrders,
      long silverRows, long customers, long nightOrders, List<Step> steps, ModelFit bgNbd,
      CohortBench.Result cohort, StageListener stages, MetricsStage.Options metricsOptions, NightProfile night) {
    public Step step(String name) {
      return steps.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /** The full pipeline: ingest + metrics + clv of the whole history. */
    public double fullSeconds() {
      return step(INGEST).seconds() + step(METRICS).seconds() + step(CLV).seconds();
    }

    /** Every stage of the nightly (ops.runs) over the full pipeline. */
    public double nightRatio() {
      return night.seconds() / fullSeconds();
    }

    /** Incremental (the nightly's ingest + hub + metrics) over full (ingest + metrics of the history). */
    public double incrementalRatio() {
      return night.seconds(INGEST, HUB, METRICS) / (step(INGEST).seconds() + step(METRICS).seconds());
    }

    public double plainCopyRatio() {
      return step(INGEST).seconds() / step(PLAIN_COPY).seconds();
    }

    public double duckLoadRatio() {
      return step(INGEST).seconds() / step(DUCKDB_LOAD).seconds();
    }
  }

  public static final String GENERATE = "generate";
  public static final String INGEST = "ingest";
  public static final String GATES = "gates (history)";
  public static final String PLAIN_COPY = "plain Spark copy";
  public static final String DUCKDB_LOAD = "DuckDB load";
  public static final String METRICS = "metrics";
  public static final String CLV = "clv";
  public static final String BGNBD_FIT = "bg/nbd fit";
  public static final String TRAIN_CHURN = "train-churn";
  public static final String NIGHTLY = "nightly";
  public static final String COHORT = "cohort ratio";
  /** The nightly's hub stage (its name in ops.runs). */
  static final String HUB = "hub";

  private final SparkSession spark;
  private final BenchOptions o;
  private final Nightly nightly;
  private final StageListener listener = new StageListener();
  private final List<Step> steps = new ArrayList<>();

  public Benchmark(SparkSession spark, BenchOptions options, Nightly nightly) {
    this.spark = spark;
    this.o = options;
    this.nightly = nightly;
  }

  public Result run() throws Exception {
    Path work = o.work().toAbsolutePath();
    Path landing = work.resolve("landing");
    Files.createDirectories(work);
    DeltaTables tables = new DeltaTables(spark, work.resolve("warehouse").toString());
    StageContext ctx = StageContext.forCommand(tables, "bench", null, System.err);
    Machine machine = Machine.current(spark);
    spark.sparkContext().addSparkListener(listener);
    try (HeapSampler heap = new HeapSampler(50)) {
      GeneratorOptions g = GeneratorOptions.of(o.orders(), o.customers(), o.days(), o.seed(), o.start(),
          GeneratorOptions.FORMAT_CSV, 0.0);
      SyntheticPurchases.Result gen = time(heap, GENERATE, () ->
          new SyntheticPurchases(spark, g, landing.toString()).run(), r -> r.orders(), "");
      IngestStage.Options ingest = new IngestStage.Options(landing.toString(), o.profile(), o.rules());
      stage(heap, ctx, INGEST, INGEST, () -> new IngestStage(tables, ingest).run(), r -> r.books().linesRead(),
          "lines read");
      stage(heap, ctx, GATES, "gates", () -> new QualityGates(ctx, o.gates()).run(), r -> r.runRow().rowsIn(),
          "records checked (so that the night's gates check only the night, as every later night's do)");
      peers(heap, work, landing);
      nightly.loadRates(work, ctx);
      long silver = tables.read(Table.PURCHASES).count();
      MetricsStage.Result m = stage(heap, ctx, METRICS, METRICS, () ->
          new MetricsStage(tables, o.metrics(), ctx.runId()).run(), r -> silver, "silver rows");
      CustomerLifetimeValue.Result clv = stage(heap, ctx, CLV, CLV, () ->
          new CustomerLifetimeValue(tables, o.clv()).run(ctx.runId()), r -> silver, "silver rows");
      ModelFit fit = bgNbdFit(heap, tables, clv);
      time(heap, TRAIN_CHURN, () -> nightly.trainChurn(work, ctx), r -> r.runRow().rowsIn(),
          "training customers (once, before the night: not part of it)");
      listener.step("night file");
      NightFile.Result file = NightFile.write(spark, landing, work.resolve("scratch"), o.nightDate(),
          o.ordersPerDay(), o.seed() + 1);
      NightProfile night = night(heap, work, tables);
      MetricsStage.Options asOfNight = o.metrics().withAsOf(o.nightDate());
      CohortBench.Result cohort = cohort(heap, work, tables, asOfNight);
      return printed(new Result(o, machine, Machine.loadNow(), gen.orders(), silver, m.customers(),
          file.orders(), List.copyOf(steps), fit, cohort, listener, asOfNight, night));
    } finally {
      listener.step("-");
      spark.sparkContext().removeSparkListener(listener);
    }
  }

  /** {@code r}, after printing its new ratios (the report has them too). */
  private static Result printed(Result r) {
    System.err.printf(Locale.ROOT, "bench: ingest / plain Spark copy: %.1f×, ingest / DuckDB load: %.1f×, night"
        + " all stages / full pipeline: %.3f%n", r.plainCopyRatio(), r.duckLoadRatio(), r.nightRatio());
    return r;
  }

  /** The ingest peers on the same landing files, right after ingest (before the night's file lands). */
  private void peers(HeapSampler heap, Path work, Path landing) throws Exception {
    Path scratch = Files.createDirectories(work.resolve("scratch"));
    time(heap, PLAIN_COPY, () -> IngestPeers.sparkCopy(spark, landing.toString(),
        scratch.resolve("plain-copy").toString()), t -> IngestPeers.rowsWritten(spark, t),
        "rows appended to a scratch Delta table (from its commit, counted after the clock stops)");
    int threads = spark.sparkContext().defaultParallelism();
    DuckDbCohorts.open(threads).close(); // loads DuckDB's native library untimed, once per JVM
    time(heap, DUCKDB_LOAD, () -> IngestPeers.duckLoad(landing.toString(),
        scratch.resolve("duckdb-load.parquet").toString(), threads), r -> r,
        "rows written to Parquet, " + threads + " threads");
  }

  /** The real nightly on the night's file; its per-stage times come from ops.runs, not from this stopwatch. */
  private NightProfile night(HeapSampler heap, Path work, DeltaTables tables) throws Exception {
    return time(heap, NIGHTLY, () -> {
      nightly.run(work, spark);
      return NightProfile.read(tables);
    }, p -> p.stages().isEmpty() ? 0 : p.stages().get(0).rowsIn(), "records the night ingested (wall time of"
        + " the whole nightly command; its stages below)");
  }

  /** The cohort ratio on a Parquet copy of silver after the night. */
  private CohortBench.Result cohort(HeapSampler heap, Path work, DeltaTables tables, MetricsStage.Options m)
      throws Exception {
    long silver = tables.read(Table.PURCHASES).count();
    String parquet = work.resolve("purchases-parquet").toString();
    listener.step("parquet copy");
    // amounts in the reporting currency, converted as the hub converts them: both sides sum the same money
    CurrencyRates rates = new CurrencyRates(tables);
    CohortBench.writeParquet(rates.convert(tables.read(Table.PURCHASES)).withColumn(Columns.CURRENCY,
        functions.lit(rates.reporting())), parquet);
    CohortBench bench = new CohortBench(spark, m, o.repetitions());
    return time(heap, COHORT, () -> bench.run(parquet), r -> silver, "warm-up + timed runs, both sides");
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

  /** A pipeline stage ({@code stage} in ops.runs), run and recorded by the stage runner as any command runs it. */
  private <R extends StageResult> R stage(HeapSampler heap, StageContext ctx, String name, String stage,
      StageRunner.Body<R> body, ToLongFunction<R> rows, String detail) throws Exception {
    return time(heap, name, () -> StageRunner.run(ctx, stage, body), rows, detail);
  }

  private <T> T time(HeapSampler heap, String name, Callable<T> body, ToLongFunction<T> rows, String detail)
      throws Exception {
    listener.step(name);
    heap.reset();
    long t0 = System.nanoTime();
    T r = body.call();
    double s = (System.nanoTime() - t0) / 1e9;
    steps.add(new Step(name, s, rows.applyAsLong(r), heap.peakBytes(), detail));
    System.err.printf(Locale.ROOT, "bench: %-16s %8.1f s%n", name, s);
    return r;
  }
}
