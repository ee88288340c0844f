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
import org.junit.jupiter.api.Test;

class HousekeepingTest {
  @Test
  void compactsSmallFilesKeepsTheRowsAndShowsInHistory() {
    SparkSession spark = SharedSpark.get();
    DeltaTables t = new DeltaTables(spark, SharedSpark.tempDir("hk").toString());
    t.createIfNotExists(Table.QUARANTINE, Schemas.QUARANTINE);
    for (int i = 0; i < 4; i++) {
      Dataset<Row> one = spark.createDataFrame(
          List.of(RowFactory.create("r" + i, "malformed_record", "d", "f.csv", (long) i, "run")), Schemas.QUARANTINE);
      t.append(Table.QUARANTINE, one);
    }
    Dataset<Row> before = spark.createDataFrame(t.read(Table.QUARANTINE).collectAsList(), Schemas.QUARANTINE);
    List<Housekeeping.TableResult> r = new Housekeeping(t, new Housekeeping.Options(168)).run();
    assertThat(r).containsExactly(new Housekeeping.TableResult(Table.QUARANTINE, 4, 1));
    SharedSpark.assertSameRows(before, t.read(Table.QUARANTINE));
    t.registerViews();
    List<String> ops = spark.sql("DESCRIBE HISTORY silver.quarantine").select("operation").as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(ops).contains("OPTIMIZE", "VACUUM START", "VACUUM END");
  }

  @Test
  void refusesAnUnsafeRetention() {
    assertThatThrownBy(() -> new Housekeeping.Options(24))
        .hasMessage("retain hours must be at least 168 (Delta's safe retention), cannot be: 24");
  }
}
