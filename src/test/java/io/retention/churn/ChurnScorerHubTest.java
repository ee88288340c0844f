package io.retention.churn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.metrics.CustomerState;
import io.retention.schema.ChurnColumns;
import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** score-churn reads the hub (gold.customer_activity), not silver.purchases, and finds the same features. */
class ChurnScorerHubTest {
  private static final LocalDate C = LocalDate.parse("2024-06-30");

  @Test
  void scoringReadsTheHubAndNotSilver() throws Exception {
    SparkSession spark = SharedSpark.get();
    DeltaTables t = new DeltaTables(spark, SharedSpark.tempDir("score-hub").toString());
    Dataset<Row> purchases = ChurnSelectionTest.driftFixture();
    t.createIfNotExists(Table.PURCHASES, Schemas.PURCHASES);
    t.ensureProperty(Table.PURCHASES, "delta.enableChangeDataFeed", "true");
    t.delta(Table.PURCHASES).as("t").merge(purchases.as("s"), "t.order_id = s.order_id")
        .whenNotMatched().insertAll().execute();
    new CustomerState(t).refresh(false); // the hub as the night's hub step leaves it

    Dataset<Row> features = ChurnFeatures.compute(purchases, new ChurnFeatures.Options(C, 365, 90, 0.0));
    ModelRegistry registry = ChurnSelectionTest.btydBaselineRegistry(features, "h1");

    // silver's data files removed (its log kept): a scan of silver.purchases would fail the run
    try (Stream<Path> files = Files.list(Path.of(t.path(Table.PURCHASES)))) {
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList()) {
        Files.delete(f);
      }
    }
    assertThatThrownBy(() -> t.read(Table.PURCHASES).select(Columns.CUSTOMER_ID).distinct().count())
        .as("a scan of silver now fails").hasStackTraceContaining(".parquet");
    new ChurnScorer(t, registry, new ChurnScorer.Options(C, 365, 90, 0.0, 0.6, 0.3, null)).run();

    // the hub's features are those of the purchases (the derivation training uses), to the last digit
    Dataset<Row> written = t.read(Table.CHURN_FEATURES).drop(ChurnColumns.CUTOFF);
    assertThat(written.count()).isEqualTo(40);
    assertThat(written.exceptAll(features.select(written.columns()[0],
        java.util.Arrays.copyOfRange(written.columns(), 1, written.columns().length))).count()).isZero();
    assertThat(t.read(Table.CHURN_SCORES).select(Columns.CUSTOMER_ID).distinct().count()).isEqualTo(40);
  }
}
