package io.retention.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.schema.Schemas;
import io.retention.testing.JobCounter;
import io.retention.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StampedIndexTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SharedSpark.get();
  }

  private static void commit(DeltaTables t) {
    t.append(Table.QUARANTINE, spark.createDataFrame(
        List.of(RowFactory.create("x", "malformed", "d", "f.csv", 3L, "run1")), Schemas.QUARANTINE));
  }

  @Test
  void theLinesHoldUntilAWatchedTableHasAnotherCommit() throws Exception {
    Path wh = SharedSpark.tempDir("stamped");
    DeltaTables t = new DeltaTables(spark, wh.toString());
    StampedIndex index = new StampedIndex(t, "_ledger/test.tsv", "test-v1", List.of(Table.QUARANTINE, Table.RUNS));
    assertThat(index.read()).as("no file yet").isEmpty();
    index.write(List.of("a\tb", "c"));
    assertThat(index.read()).as("absent tables are part of the stamp").contains(List.of("a\tb", "c"));
    assertThat(Files.readAllLines(wh.resolve("_ledger/test.tsv")).get(0)).isEqualTo("test-v1 -1@0 -1@0");

    t.createIfNotExists(Table.QUARANTINE, Schemas.QUARANTINE);
    assertThat(index.read()).as("the table was created").isEmpty();
    index.write(List.of("d"));
    try (JobCounter jobs = JobCounter.start(spark)) {
      assertThat(index.read()).contains(List.of("d"));
      assertThat(jobs.drain()).as("a listing of the logs, no Spark job").isZero();
    }
    commit(t);
    assertThat(index.read()).as("another commit").isEmpty();

    // the same number of commits on a re-created table: the log file's time tells them apart
    index.write(List.of("e"));
    try (var files = Files.walk(wh.resolve("silver/quarantine"))) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    Thread.sleep(1100);
    t.createIfNotExists(Table.QUARANTINE, Schemas.QUARANTINE);
    commit(t);
    assertThat(t.version(Table.QUARANTINE)).isEqualTo(1);
    assertThat(index.read()).as("re-created table").isEmpty();

    index.write(List.of("f"));
    index.write(List.of("a line\nbreak"));
    assertThat(wh.resolve("_ledger/test.tsv")).as("a line break cannot be kept: no index").doesNotExist();
    assertThat(index.read()).isEmpty();
    try (var files = Files.list(wh.resolve("_ledger"))) {
      assertThat(files.toList()).as("no temporary file left").isEmpty();
    }
  }
}
