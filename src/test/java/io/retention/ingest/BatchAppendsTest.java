package io.retention.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchAppendsTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SharedSpark.get();
  }

  private static Dataset<Row> quarantined(String line, String runId) {
    return spark.createDataFrame(List.of(RowFactory.create(line, "malformed_record", "d", "f.csv", 3L, runId)),
        Schemas.QUARANTINE);
  }

  @Test
  void aFirstAttemptAppendsWithoutLookingAndLeavesNoMarkWhenItEnds() {
    Path wh = SharedSpark.tempDir("appends");
    DeltaTables t = new DeltaTables(spark, wh.toString());
    t.createIfNotExists(Table.QUARANTINE, Schemas.QUARANTINE);
    t.append(Table.QUARANTINE, quarantined("old", "run-a")); // an earlier batch's row

    BatchAppends a = BatchAppends.begin(t, "run-a");
    assertThat(a.retry()).isFalse();
    assertThat(Files.exists(wh.resolve(BatchAppends.MARKS + "run-a"))).isTrue();
    a.append(Table.QUARANTINE, quarantined("new", "run-a")); // not looked up: a first attempt has written nothing
    a.end();

    assertThat(Files.exists(wh.resolve(BatchAppends.MARKS + "run-a"))).isFalse();
    assertThat(t.read(Table.QUARANTINE).count()).isEqualTo(2);
    assertThat(BatchAppends.begin(t, "run-a").retry()).isFalse();
  }

  @Test
  void aRetryAppendsOnlyToTheTablesTheStoppedAttemptDidNotCommitTo() {
    Path wh = SharedSpark.tempDir("appends");
    DeltaTables t = new DeltaTables(spark, wh.toString());
    t.createIfNotExists(Table.QUARANTINE, Schemas.QUARANTINE);
    t.createIfNotExists(Table.REJECTED_FILES, Schemas.REJECTED_FILES);
    t.append(Table.QUARANTINE, quarantined("earlier batch", "run-0"));

    BatchAppends stopped = BatchAppends.begin(t, "run-1");
    stopped.append(Table.QUARANTINE, quarantined("x", "run-1"));
    // the attempt stops here: no end(), its mark stays, nothing else written

    BatchAppends retry = BatchAppends.begin(t, "run-1");
    assertThat(retry.retry()).isTrue();
    retry.append(Table.QUARANTINE, quarantined("x", "run-1"));
    assertThat(t.read(Table.QUARANTINE).collectAsList()).extracting(r -> r.getString(0))
        .containsExactlyInAnyOrder("earlier batch", "x");

    Dataset<Row> rejected = spark.createDataFrame(List.of(RowFactory.create("f.csv.gz", "h", 3L,
        new java.sql.Timestamp(0), "not_gzip", "d", "run-1", new java.sql.Timestamp(0))), Schemas.REJECTED_FILES);
    retry.append(Table.REJECTED_FILES, rejected); // the stopped attempt never got here
    assertThat(t.read(Table.REJECTED_FILES).count()).isEqualTo(1);
    retry.end();
    assertThat(Files.exists(wh.resolve(BatchAppends.MARKS + "run-1"))).isFalse();
  }
}
