package io.retention.bench;

import io.retention.metrics.CohortRetention;
import io.retention.metrics.Grain;
import io.retention.metrics.MetricsStage;
import java.sql.Date;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The cohort ratio of DESIGN §8/§9: the monthly cohort-retention computation timed in the already-running
 * Spark session ({@link CohortRetention#compute}, forced with a write to Spark's {@code noop} sink) against
 * DuckDB's equivalent SQL ({@link DuckDbCohorts}), both reading the same clean Parquet copy of
 * silver.purchases, with the same thread count. Each side runs once to warm up (JIT, file cache, DuckDB's
 * metadata), then {@code repetitions} timed runs; the median is reported.
 */
public final class CohortBench {
  /** Timings in seconds (each timed run, and the median) and the DuckDB table of the last run. */
  public record Result(int threads, LocalDate asOf, double[] sparkSeconds, double[] duckSeconds,
      double sparkMedian, double duckMedian, int cells, List<Row> duckRows, StructType schema,
      String duckVersion, String sparkPlan) {
    public double ratio() {
      return sparkMedian / duckMedian;
    }
  }

  private final SparkSession spark;
  private final MetricsStage.Options options;
  private final int repetitions;

  /** {@code options} with the as-of date set; its grain must be month (the DuckDB SQL is monthly). */
  public CohortBench(SparkSession spark, MetricsStage.Options options, int repetitions) {
    if (options.grain() != Grain.MONTH || options.asOf() == null || options.breakdown() != null) {
      throw new IllegalArgumentException("bench: the cohort ratio needs grain month, an as-of date and no "
          + "breakdown, cannot be: " + options);
    }
    if (repetitions < 1) {
      throw new IllegalArgumentException("bench: repetitions must be at least 1, cannot be: " + repetitions);
    }
    this.spark = spark;
    this.options = options;
    this.repetitions = repetitions;
  }

  /** Writes a clean Parquet copy of {@code purchases} to {@code dir} (overwritten). */
  public static void writeParquet(Dataset<Row> purchases, String dir) {
    purchases.write().mode("overwrite").parquet(dir);
  }

  /** The Spark cohort table computed from the Parquet copy (not yet run). */
  public Dataset<Row> sparkCohorts(String parquetDir) {
    return CohortRetention.compute(spark.read().parquet(parquetDir), options);
  }

  public Result run(String parquetDir) throws SQLException {
    int threads = spark.sparkContext().defaultParallelism();
    double[] sparkTimes = new double[repetitions];
    double[] duckTimes = new double[repetitions];
    spark.sparkContext().setJobGroup("bench-cohort", "cohort retention, Spark side", false);
    try {
      sparkOnce(parquetDir);
      for (int i = 0; i < repetitions; i++) {
        sparkTimes[i] = sparkOnce(parquetDir);
      }
    } finally {
      spark.sparkContext().clearJobGroup();
    }
    List<Object[]> duck = null;
    String version;
    try (DuckDbCohorts db = new DuckDbCohorts(threads)) {
      version = db.version();
      db.run(parquetDir, options.asOf());
      for (int i = 0; i < repetitions; i++) {
        long t0 = System.nanoTime();
        duck = db.run(parquetDir, options.asOf());
        duckTimes[i] = (System.nanoTime() - t0) / 1e9;
      }
    }
    Dataset<Row> planned = sparkCohorts(parquetDir);
    StructType schema = planned.schema();
    String plan = planned.queryExecution().executedPlan().treeString();
    List<Row> rows = new ArrayList<>(duck.size());
    for (Object[] r : duck) {
      Object[] v = r.clone();
      v[1] = Date.valueOf((LocalDate) r[1]);
      v[3] = Date.valueOf((LocalDate) r[3]);
      rows.add(RowFactory.create(v));
    }
    return new Result(threads, options.asOf(), sparkTimes, duckTimes, median(sparkTimes), median(duckTimes),
        rows.size(), rows, schema, version, plan);
  }

  private double sparkOnce(String parquetDir) {
    long t0 = System.nanoTime();
    sparkCohorts(parquetDir).write().format("noop").mode("overwrite").save();
    return (System.nanoTime() - t0) / 1e9;
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
