package io.retention.bench;

import static org.apache.spark.sql.functions.col;

import io.retention.generate.GeneratorOptions;
import io.retention.generate.SyntheticPurchases;
import io.retention.metrics.Grain;
import io.retention.metrics.MetricsStage;
import io.retention.schema.Columns;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Test-scope harness for the cohort ratio outside the full bench (no ingest): {@code gen ORDERS CUSTOMERS DIR}
 * writes a silver-shaped Parquet copy of generated purchases (lines parsed without validation, tricky rows
 * dropped), {@code ratio DIR REPS} runs {@link CohortBench} on it and prints the timings, ratio and plan.
 * Run with the test class path and the launcher's JVM flags; keep DIR under /tmp and delete it after.
 */
public final class CohortProbe {
  private CohortProbe() {}

  public static void main(String[] args) throws Exception {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("cohort-probe")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.adaptive.enabled", "true")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    if (args[0].equals("gen")) {
      GeneratorOptions g = GeneratorOptions.of(Long.parseLong(args[1]), Long.parseLong(args[2]), 730, 42L,
          LocalDate.of(2024, 1, 1), GeneratorOptions.FORMAT_CSV, 0.0);
      Dataset<Row> lines = SyntheticPurchases.compute(spark, g)
          .filter(col(SyntheticPurchases.KIND).isin(Columns.KIND_PURCHASE, Columns.KIND_REFUND))
          .selectExpr("split(CAST(line AS STRING), ',') AS f", "kind");
      Dataset<Row> p = lines.selectExpr("f[0] AS order_id", "f[1] AS customer_id",
          "try_to_timestamp(f[2]) AS order_ts", "try_cast(f[3] AS DECIMAL(18,2)) AS amount", "kind")
          .filter("order_ts IS NOT NULL AND amount IS NOT NULL")
          .selectExpr("order_id", "customer_id", "order_ts", "to_date(order_ts) AS order_date", "amount", "kind");
      p.write().mode("overwrite").parquet(args[3]);
      System.out.println("rows " + spark.read().parquet(args[3]).count());
    } else {
      String dir = args[1];
      LocalDate asOf = spark.read().parquet(dir).agg(org.apache.spark.sql.functions.max("order_date"))
          .first().getDate(0).toLocalDate();
      MetricsStage.Options o = MetricsStage.Options.defaults().withGrain(Grain.MONTH).withAsOf(asOf);
      CohortBench.Result r = new CohortBench(spark, o, Integer.parseInt(args[2])).run(dir);
      System.out.println(r.sparkPlan());
      System.out.printf(Locale.ROOT, "load %s%nspark %s median %.3f%nduck %s median %.3f%nratio %.2f cells %d%n",
          Files.load(), Arrays.toString(r.sparkSeconds()), r.sparkMedian(), Arrays.toString(r.duckSeconds()),
          r.duckMedian(), r.ratio(), r.cells());
    }
    spark.stop();
  }

  private static final class Files {
    static String load() throws java.io.IOException {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    }
  }
}
