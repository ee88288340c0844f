package io.retention.bench;

import io.retention.app.JobConfig;
import io.retention.app.SparkSessions;
import io.retention.ingest.IngestStage;
import io.retention.ingest.SourceProfile;
import io.retention.ingest.ValidationRules;
import io.retention.lake.DeltaTables;
import io.retention.metrics.Grain;
import io.retention.metrics.MetricsStage;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Test-scope harness for the incremental night outside the full bench: {@code WAREHOUSE LANDING ORDERS DATE...}
 * adds one generated day's file per DATE to LANDING (as the bench's night does) and times ingest then metrics
 * on WAREHOUSE, night after night in one JVM (the first night warms it up). Run it on a copy of a bench
 * warehouse, never on one you keep.
 */
public final class NightProbe {
  private NightProbe() {}

  public static void main(String[] args) throws Exception {
    JobConfig config = JobConfig.load(null, Map.of()).withWarehouse(args[0]);
    SparkSession spark = SparkSessions.create(config, "night-probe");
    spark.sparkContext().setLogLevel("WARN");
    DeltaTables tables = new DeltaTables(spark, args[0]);
    JobConfig.IngestSettings s = config.ingest();
    ValidationRules rules = s.rules(config.timezone(), Instant.now());
    SourceProfile profile = SourceProfile.load("canonical", config.profilesDir());
    MetricsStage.Options m = new MetricsStage.Options(Grain.MONTH, null, config.activeWindowDays(), null,
        config.metrics().percentiles());
    for (int i = 3; i < args.length; i++) {
      night(spark, tables, new IngestStage.Options(args[1], profile, rules), m, LocalDate.parse(args[i]),
          Path.of(args[0]).resolveSibling("night-scratch"), Long.parseLong(args[2]));
    }
    spark.stop();
  }

  private static void night(SparkSession spark, DeltaTables tables, IngestStage.Options ingest,
      MetricsStage.Options m, LocalDate date, Path scratch, long orders) throws Exception {
    NightFile.write(spark, Path.of(ingest.input()), scratch, date, orders, 43L + date.toEpochDay());
    long t0 = System.nanoTime();
    new IngestStage(tables, ingest).run();
    long t1 = System.nanoTime();
    MetricsStage.Result r = new MetricsStage(tables, m, "night-probe").run();
    long t2 = System.nanoTime();
    System.out.printf(Locale.ROOT, "%s: night ingest %.1f s, night metrics %.1f s (%s), total %.1f s%n", date,
        (t1 - t0) / 1e9, (t2 - t1) / 1e9, r.state().note(), (t2 - t0) / 1e9);
  }
}
