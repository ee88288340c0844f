package io.retention.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.lake.CatalogRegistration.Change;
import io.retention.lake.CatalogRegistration.Entry;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Registration by name in the session catalog (the in-memory one here; the Hive metastore in CatalogIT):
 * created, unchanged on a re-run, fixed when the warehouse moved, dropped when a table vanished, and a managed
 * table under one of the names refused and left alone.
 */
class CatalogRegistrationTest {
  private final SparkSession spark = SharedSpark.get();

  @Test
  void registersIdempotentlyThenFollowsAMovedWarehouseAndDropsAVanishedTable() throws Exception {
    Path first = SharedSpark.tempDir("catalog-wh");
    DeltaTables t = new DeltaTables(spark, first.toString());
    Dataset<Row> quarantined = spark.createDataFrame(
        List.of(RowFactory.create("x", "malformed", "d", "f.csv", 3L, "run1")), Schemas.QUARANTINE);
    t.overwrite(Table.QUARANTINE, quarantined);
    t.overwrite(Table.NIGHT_QUALITY, spark.range(3).toDF("n"));
    forgetNames(); // other tests of this JVM register the same names as views of their warehouses

    List<Entry> created = new CatalogRegistration(t).run();
    assertThat(changes(created)).isEqualTo(Map.of(Change.CREATED, 2L, Change.ABSENT,
        (long) Table.values().length - 2));
    assertThat(created).filteredOn(e -> e.table() == Table.QUARANTINE).singleElement()
        .extracting(Entry::location).isEqualTo("file:" + first.resolve("silver/quarantine"));
    SharedSpark.assertSameRows(quarantined, spark.table("silver.quarantine"));
    assertThat(spark.sql("SELECT sum(n) FROM ops.night_quality").first().getLong(0)).isEqualTo(3);
    assertThat(spark.catalog().getTable("silver.quarantine").tableType()).isEqualTo("EXTERNAL");

    assertThat(changes(new CatalogRegistration(t).run()))
        .isEqualTo(Map.of(Change.UNCHANGED, 2L, Change.ABSENT, (long) Table.values().length - 2));

    Path moved = SharedSpark.tempDir("catalog-moved").resolve("warehouse");
    Files.move(first, moved);
    DeltaTables there = new DeltaTables(spark, moved.toString());
    List<Entry> fixed = new CatalogRegistration(there).run();
    assertThat(changes(fixed)).containsEntry(Change.FIXED, 2L);
    assertThat(spark.sql("DESCRIBE DETAIL silver.quarantine").select("location").first().getString(0))
        .isEqualTo("file:" + moved.resolve("silver/quarantine"));
    SharedSpark.assertSameRows(quarantined, spark.table("silver.quarantine"));

    deleteFolder(moved.resolve("ops/night_quality"));
    assertThat(changes(new CatalogRegistration(there).run())).containsEntry(Change.DROPPED, 1L)
        .containsEntry(Change.UNCHANGED, 1L);
    assertThat(spark.catalog().tableExists("ops.night_quality")).isFalse();
    assertThat(spark.catalog().tableExists("silver.quarantine")).isTrue();
    assertThat(there.read(Table.QUARANTINE).count()).isEqualTo(1); // dropping names never drops data
  }

  @Test
  void aManagedTableUnderATableNameIsRefusedAndKept() throws Exception {
    DeltaTables t = new DeltaTables(spark, SharedSpark.tempDir("catalog-managed").toString());
    t.overwrite(Table.NIGHT_QUALITY, spark.range(1).toDF("n"));
    forgetNames();
    spark.sql("CREATE DATABASE IF NOT EXISTS ops");
    spark.sql("CREATE TABLE ops.night_quality (x INT) USING parquet");
    try {
      assertThatThrownBy(() -> new CatalogRegistration(t).run()).isInstanceOf(IllegalStateException.class)
          .hasMessage("catalog: ops.night_quality is a managed entry of the metastore, not this warehouse's "
              + "table: drop or rename it first");
      assertThat(spark.catalog().getTable("ops.night_quality").tableType()).isEqualTo("MANAGED");
    } finally {
      spark.sql("DROP TABLE IF EXISTS ops.night_quality");
    }
  }

  private void forgetNames() {
    for (Table table : Table.values()) {
      spark.sql("DROP TABLE IF EXISTS " + table.qualifiedName());
    }
  }

  private static Map<Change, Long> changes(List<Entry> entries) {
    Map<Change, Long> n = new EnumMap<>(Change.class);
    entries.forEach(e -> n.merge(e.change(), 1L, Long::sum));
    return n;
  }

  private static void deleteFolder(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
