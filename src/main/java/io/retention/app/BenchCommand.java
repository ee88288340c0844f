package io.retention.app;

import io.retention.bench.BenchOptions;
import io.retention.bench.BenchReport;
import io.retention.bench.Benchmark;
import io.retention.bench.ScalePoints;
import io.retention.pipeline.StageContext;
import io.retention.pipeline.StageResult;
import io.retention.ingest.ProfileException;
import io.retention.ingest.SourceProfile;
import io.retention.ingest.ValidationRules;
import io.retention.metrics.Grain;
import io.retention.metrics.MetricsStage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: generates seeded data into a work folder, runs ingest → metrics → clv, the ingest peers, one
 * churn training, the real nightly on one more day's file and the cohort Spark/DuckDB ratio (at each
 * {@code --scales} point), then prints the report to stderr and writes it to {@code --out}. The warehouse is the
 * work folder's own, never the configured one.
 */
@Command(name = "bench",
    footer = "Example: jobs/retention bench --orders 1000000 --customers 100000 --days 365 --out /tmp/bench.md",
    mixinStandardHelpOptions = true,
    description = "Benchmark the pipeline on generated data and compare cohort retention with DuckDB.")
public final class BenchCommand extends SparkCommand {
  @Option(names = "--orders", paramLabel = "N", defaultValue = "" + BenchOptions.ORDERS_DEFAULT,
      description = "Valid orders to generate. Default: ${DEFAULT-VALUE}.")
  long orders;

  @Option(names = "--customers", paramLabel = "M", defaultValue = "" + BenchOptions.CUSTOMERS_DEFAULT,
      description = "Customers to generate. Default: ${DEFAULT-VALUE}.")
  long customers;

  @Option(names = "--days", paramLabel = "D", defaultValue = "" + BenchOptions.DAYS_DEFAULT,
      description = "Days of history. Default: ${DEFAULT-VALUE}.")
  int days;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "" + BenchOptions.SEED_DEFAULT,
      description = "Generator seed (the night uses S + 1). Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--repetitions", paramLabel = "R", defaultValue = "" + BenchOptions.REPETITIONS_DEFAULT,
      description = "Timed runs of each side of the cohort ratio, after one warm-up. Default: ${DEFAULT-VALUE}.")
  int repetitions;

  @Option(names = "--scales", paramLabel = "N", split = ",",
      description = "Run the whole bench at each of these order counts (customers in the proportion of --customers"
          + " to --orders), each in <work>/orders-N, and fit each stage's growth. Default: one point, --orders.")
  List<Long> scales;

  @Option(names = "--out", paramLabel = "FILE", defaultValue = "BENCHMARKS.md",
      description = "Report file. Default: ${DEFAULT-VALUE}.")
  String out;

  @Option(names = "--work", paramLabel = "DIR",
      description = "Work folder (new or empty): landing files, warehouse, Parquet copy. Default: a new temp folder.")
  String work;

  @Option(names = "--note", paramLabel = "TEXT", description = "Written next to the figures (e.g. machine sharing).")
  String note;

  private BenchOptions options;

  @Override
  protected void validate(JobConfig config) {
    Path dir;
    try {
      dir = work == null ? Files.createTempDirectory("retention-bench") : Path.of(work).toAbsolutePath();
    } catch (java.io.IOException e) {
      throw new ConfigException("bench: cannot create a work folder: " + e.getMessage());
    }
    String[] existing = dir.toFile().list();
    if (dir.toFile().exists() && (existing == null || existing.length > 0)) {
      throw new ConfigException("--work must be a new or empty folder, cannot be: " + dir);
    }
    SourceProfile profile;
    try {
      profile = SourceProfile.load("canonical", config.profilesDir());
    } catch (ProfileException e) {
      throw new ConfigException(e.getMessage());
    }
    JobConfig.IngestSettings s = config.ingest();
    ValidationRules rules = s.rules(config.timezone(), Instant.now());
    try {
      MetricsStage.Options metrics = new MetricsStage.Options(Grain.MONTH, null, config.activeWindowDays(), null,
          config.metrics().percentiles());
      options = new BenchOptions(orders, customers, days, seed, BenchOptions.START_DEFAULT, dir, repetitions,
          profile, rules, metrics, new ClvCommand().options(config), config.gates(), note);
      if (scales != null) {
        if (Set.copyOf(scales).size() != scales.size()) {
          throw new ConfigException("--scales must not repeat a value, cannot be: " + scales);
        }
        scales.forEach(n -> options.atScale(n, dir)); // each point's sizes checked before Spark starts
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    if (options.nightDate().isAfter(LocalDate.now())) {
      throw new ConfigException("--days: the incremental night (" + options.nightDate() + ") would be in the future");
    }
  }

  @Override
  protected int run(JobConfig config, SparkSession spark) throws Exception {
    Benchmark.Nightly night = nightly(config);
    List<Benchmark.Result> points = scales == null ? List.of(new Benchmark(spark, options, night).run())
        : ScalePoints.run(spark, options, scales, night);
    String md = BenchReport.markdown(points);
    err.println();
    err.print(md);
    File file = new File(out);
    Files.writeString(file.toPath(), md, StandardCharsets.UTF_8);
    err.println("bench: report written to " + file.getAbsolutePath() + "; work folder " + options.work());
    return Main.OK;
  }

  /** The bench's train-churn and nightly: the real commands on the work folder's warehouse and landing folder. */
  public static Benchmark.Nightly nightly(JobConfig config) {
    return new Benchmark.Nightly() {
      @Override
      public StageResult trainChurn(Path work, StageContext ctx) throws Exception {
        JobConfig c = config.under(work);
        TrainChurnCommand train = new TrainChurnCommand();
        train.validate(c);
        return train.execute(c, ctx);
      }

      @Override
      public void loadRates(Path work, StageContext ctx) throws Exception {
        JobConfig c = config.under(work);
        if (c.currency().ratesFile() != null) {
          RatesCommand rates = new RatesCommand();
          rates.validate(c);
          rates.execute(c, ctx);
        }
      }

      @Override
      public void run(Path work, SparkSession spark) throws Exception {
        JobConfig c = config.under(work);
        NightlyCommand nightly = new NightlyCommand();
        nightly.validate(c);
        if (nightly.run(c, spark) != Main.OK) {
          throw new JobFailure("bench: the nightly did not end ok");
        }
      }
    };
  }
}
