package io.retention.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.lake.WarehouseLock;
import io.retention.schema.Columns;
import io.retention.testing.ChildJvm;
import io.retention.testing.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kill -9 in the middle of an ingest (the JVM halts at a fault-injection point, no cleanup): every table stays
 * readable at a committed version, and the rerun ends with exactly the tables of an uninterrupted run.
 */
class IngestCrashIT {
  static SparkSession spark;
  static Path landing;
  static DeltaTables reference;

  @BeforeAll
  static void uninterruptedRun() {
    spark = SharedSpark.get();
    landing = IngestFixtures.landing(SharedSpark.tempDir("crash-landing").resolve("in"));
    reference = new DeltaTables(spark, SharedSpark.tempDir("crash-ref").toString());
    IngestStageTest.ingest(reference, landing.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ingest.after-bronze", "ingest.after-quarantine", "ingest.after-silver"})
  void aKilledIngestLeavesReadableTablesAndTheRerunCompletesIt(String point) {
    String wh = SharedSpark.tempDir("crash").toString();
    ChildJvm.Outcome killed = ChildJvm.main(List.of("-Dretention.haltAt=" + point),
        "ingest", "--input", landing.toString(), "--warehouse", wh);
    assertThat(killed.exitCode()).as(killed.stderr()).isEqualTo(137);
    assertThat(killed.stderr()).contains("halting at fault-injection point " + point);

    DeltaTables tables = new DeltaTables(spark, wh);
    long silverRows = tables.read(Table.PURCHASES).count();   // readable after the crash
    assertThat(silverRows).isEqualTo(point.equals("ingest.after-silver") ? 7 : 0);
    assertThat(tables.read(Table.INGESTED_FILES).count()).isZero();
    assertThat(tables.read(Table.PURCHASE_EVENTS).count()).isEqualTo(24);

    IngestStage.Result rerun = IngestStageTest.ingest(tables, landing.toString());
    assertThat(rerun.books().imbalances()).isEmpty();
    assertThat(rerun.books().accepted()).isEqualTo(7);
    for (Table t : List.of(Table.PURCHASES, Table.QUARANTINE, Table.PURCHASE_EVENTS)) {
      SharedSpark.assertSameRows(comparable(reference, t), comparable(tables, t));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ingest"})
  void aSecondWriterExitsAtOnceWhileTheWarehouseIsLocked(String command) {
    String wh = SharedSpark.tempDir("locked").toString();
    try (WarehouseLock held = WarehouseLock.acquire(wh, "nightly")) {
      ChildJvm.Outcome second = ChildJvm.main(List.of(), command, "--input", landing.toString(), "--warehouse", wh);
      assertThat(second.exitCode()).isEqualTo(1);
      assertThat(second.stderr()).contains("retention: warehouse " + wh + " is busy: another run holds its lock "
          + "(nightly pid " + ProcessHandle.current().pid() + ")");
      assertThat(second.stderr()).doesNotContain("SparkContext");
    }
  }

  /** The table without columns that legitimately differ between two runs (wall-clock times). */
  private static Dataset<Row> comparable(DeltaTables t, Table table) {
    Dataset<Row> df = t.read(table);
    if (table == Table.PURCHASE_EVENTS) {
      df = df.drop(Columns.INGESTED_AT).withColumn(Columns.FIELDS, org.apache.spark.sql.functions.to_json(
          col(Columns.FIELDS)));
    }
    if (table == Table.PURCHASES) {
      df = df.withColumn(Columns.ATTRIBUTES, org.apache.spark.sql.functions.to_json(col(Columns.ATTRIBUTES)));
    }
    return df;
  }
}
