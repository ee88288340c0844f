package io.retention.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeltaTablesTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SharedSpark.get();
  }

  @Test
  void registersViewsUnderBothNames() {
    DeltaTables t = new DeltaTables(spark, SharedSpark.tempDir("wh").toString());
    Dataset<Row> rows = spark.createDataFrame(
        List.of(RowFactory.create("x", "malformed", "d", "f.csv", 3L, "run1")), Schemas.QUARANTINE);
    t.createIfNotExists(Table.QUARANTINE, Schemas.QUARANTINE);
    t.append(Table.QUARANTINE, rows);
    assertThat(t.registerViews()).containsExactly(Table.QUARANTINE);
    assertThat(spark.sql("select count(*) from quarantine").first().getLong(0)).isEqualTo(1);
    assertThat(spark.sql("select reason from silver.quarantine").first().getString(0)).isEqualTo("malformed");

    DeltaTables other = new DeltaTables(spark, SharedSpark.tempDir("wh").toString());
    other.createIfNotExists(Table.QUARANTINE, Schemas.QUARANTINE);
    other.registerViews();
    assertThat(spark.sql("select count(*) from silver.quarantine").first().getLong(0)).isZero();
    assertThat(t.read(Table.QUARANTINE).count()).isEqualTo(1); // the first warehouse keeps its data
  }

  @Test
  void lockIsExclusiveUntilClosed() {
    String wh = SharedSpark.tempDir("wh").toString();
    try (WarehouseLock first = WarehouseLock.acquire(wh, "nightly")) {
      assertThatThrownBy(() -> WarehouseLock.acquire(wh, "ingest"))
          .hasMessageContaining("is busy: another run holds its lock (nightly pid");
    }
    WarehouseLock.acquire(wh, "again").close();
  }
}
