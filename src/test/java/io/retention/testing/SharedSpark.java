package io.retention.testing;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One SparkSession for the whole test JVM (Surefire forkCount=1, reuseForks=true): local[2], UI off, two
 * shuffle partitions, loopback host, Delta enabled, UTC session time zone. Whole-table comparisons go through
 * spark-testing-base's {@link JavaDataFrameSuiteBase}, whose mismatches throw AssertionError.
 */
public final class SharedSpark {
  private static SparkSession spark;
  private static final JavaDataFrameSuiteBase COMPARE = new JavaDataFrameSuiteBase();

  private SharedSpark() {}

  public static synchronized SparkSession get() {
    if (spark == null) {
      spark = SparkSession.builder()
          .master("local[2]")
          .appName("retention-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.default.parallelism", "2")
          .config("spark.databricks.delta.snapshotPartitions", "1")
          .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
          .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
          .config("spark.sql.session.timeZone", "UTC")
          .config("spark.sql.warehouse.dir", tempDir("spark-warehouse").toString())
          .getOrCreate();
    }
    return spark;
  }

  /** Same rows, any order; nullability of columns is ignored (Delta reads give nullable columns). */
  public static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
    COMPARE.assertDataFrameNoOrderEquals(nullable(expected), nullable(actual));
  }

  /** Same rows in the same order, doubles compared with an absolute tolerance. */
  public static void assertApproxRows(Dataset<Row> expected, Dataset<Row> actual, double tol) {
    COMPARE.assertDataFrameApproximateEquals(nullable(expected), nullable(actual), tol);
  }

  private static Dataset<Row> nullable(Dataset<Row> df) {
    return df.sparkSession().createDataFrame(df.rdd(), df.schema().asNullable());
  }

  /** A fresh folder under the system temp folder, deleted with everything in it when the test JVM exits. */
  public static synchronized Path tempDir(String prefix) {
    try {
      Path p = Files.createTempDirectory("retention-" + prefix);
      if (CREATED.isEmpty()) {
        Runtime.getRuntime().addShutdownHook(new Thread(SharedSpark::deleteCreated, "delete-test-folders"));
      }
      CREATED.add(p);
      return p;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final List<Path> CREATED = new ArrayList<>();

  private static synchronized void deleteCreated() {
    for (Path dir : CREATED) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | UncheckedIOException e) {
        // best effort at exit: a folder already gone or still busy is left to the OS
      }
    }
  }

  /** The shared datasets folder, or null when it is absent (a fresh clone): tests then skip. */
  public static Path sharedDatasets() {
    String prop = System.getProperty("retention.shared.datasets", "../shared/datasets");
    Path p = Path.of(prop);
    return Files.isDirectory(p) ? p : null;
  }
}
