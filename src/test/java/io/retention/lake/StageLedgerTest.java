package io.retention.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.schema.Schemas;
import io.retention.testing.JobCounter;
import io.retention.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StageLedgerTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SharedSpark.get();
  }

  @Test
  void versionsFollowTheDeltaLogAndTheLatestEntryRoundTrips() {
    DeltaTables t = new DeltaTables(spark, SharedSpark.tempDir("ledger").toString());
    StageLedger ledger = new StageLedger(t);
    assertThat(ledger.version(Table.QUARANTINE)).isEqualTo(-1);
    assertThat(ledger.last("metrics")).isEmpty();
    t.createIfNotExists(Table.QUARANTINE, Schemas.QUARANTINE);
    assertThat(ledger.version(Table.QUARANTINE)).isZero();
    Dataset<Row> rows = spark.createDataFrame(
        List.of(RowFactory.create("x", "malformed", "d", "f.csv", 3L, "run1")), Schemas.QUARANTINE);
    t.overwrite(Table.QUARANTINE, rows);
    t.overwrite(Table.QUARANTINE, rows);
    assertThat(ledger.version(Table.QUARANTINE)).isEqualTo(2);
    // the same as Delta's own history says
    assertThat(t.delta(Table.QUARANTINE).history(1).first().<Long>getAs("version")).isEqualTo(2L);

    StageLedger.Entry first = new StageLedger.Entry("f1", Map.of(Table.QUARANTINE, 2L, Table.CUSTOMERS, -1L),
        "-", "run-a");
    ledger.record("run-a", "metrics", StageRun.OK, Instant.now(), first, null);
    StageLedger.Entry second = new StageLedger.Entry("f2", ledger.versions(List.of(Table.QUARANTINE)), "abc",
        "run-a");
    ledger.record("run-b", "metrics", StageRun.SKIPPED, Instant.now(), second, "unchanged");
    ledger.record("run-b", "clv", StageRun.FAILED, Instant.now(), first, null);
    assertThat(ledger.last("metrics")).contains(second);
    assertThat(ledger.last("clv")).isEmpty(); // failed rows never count
    assertThat(ledger.last("metrics").orElseThrow().sameState(second)).isTrue();
    assertThat(first.sameState(second)).isFalse();
    assertThat(t.read(Table.RUNS).where("stage = 'nightly:metrics'").count()).isEqualTo(2);
  }

  @Test
  void aNightsRowsWaitForOneCommitAndItsIndexStandsForOpsRunsUntilAnotherCommit() throws Exception {
    DeltaTables t = new DeltaTables(spark, SharedSpark.tempDir("ledger-index").toString());
    RunLog runs = RunLog.deferred(t);
    StageLedger night = new StageLedger(t, runs);
    assertThat(night.last("metrics")).isEmpty();
    StageLedger.Entry metrics = new StageLedger.Entry("f1", Map.of(Table.QUARANTINE, 2L, Table.CUSTOMERS, -1L), "-",
        "run-a");
    StageLedger.Entry clv = new StageLedger.Entry("f2", Map.of(), "abc", "run-a");
    night.record("run-a", "metrics", StageRun.OK, Instant.now(), metrics, null);
    night.record("run-a", "clv", StageRun.SKIPPED, Instant.now(), clv, "unchanged");
    assertThat(t.exists(Table.RUNS)).as("nothing committed before the flush").isFalse();
    runs.flush();
    assertThat(t.version(Table.RUNS)).as("created, then both rows in one append").isEqualTo(1);
    runs.flush();
    assertThat(t.version(Table.RUNS)).as("nothing waits: no commit").isEqualTo(1);
    night.saveIndex();

    try (JobCounter jobs = JobCounter.start(spark)) {
      StageLedger next = new StageLedger(t);
      assertThat(next.last("metrics")).contains(metrics);
      assertThat(next.last("clv")).contains(clv);
      assertThat(jobs.drain()).as("read from the index: no Spark job").isZero();
    }
    // a row the index has not seen (another command's) sends the next night back to ops.runs
    StageLedger.Entry newer = new StageLedger.Entry("f3", Map.of(), "-", "run-b");
    new StageLedger(t).record("run-b", "metrics", StageRun.OK, Instant.now(), newer, null);
    try (JobCounter jobs = JobCounter.start(spark)) {
      StageLedger next = new StageLedger(t);
      assertThat(next.last("metrics")).contains(newer);
      assertThat(next.last("clv")).contains(clv);
      assertThat(jobs.drain()).as("read from ops.runs").isPositive();
    }
  }

  @Test
  void fileHashSeesNamesAndContents() throws Exception {
    Path dir = SharedSpark.tempDir("ledger-files");
    assertThat(StageLedger.hashFiles(dir.resolve("absent"))).isEqualTo("-");
    Files.writeString(dir.resolve("a.csv"), "x\n");
    String h = StageLedger.hashFiles(dir);
    assertThat(StageLedger.hashFiles(dir)).isEqualTo(h);
    Files.writeString(dir.resolve("a.csv"), "y\n");
    String changed = StageLedger.hashFiles(dir);
    assertThat(changed).isNotEqualTo(h);
    Files.move(dir.resolve("a.csv"), dir.resolve("b.csv"));
    assertThat(StageLedger.hashFiles(dir)).isNotEqualTo(changed);
    assertThat(StageLedger.sha256("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}
