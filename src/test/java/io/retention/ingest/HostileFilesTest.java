package io.retention.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.Columns;
import io.retention.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fixtures of src/test/resources/hostile/files (see its README): every line ending is read, an empty file is
 * recorded as ingested with no lines, and a file that cannot be read as a whole is set aside in
 * ops.rejected_files while the others are ingested, skipped while unchanged and read again when its content
 * changes.
 */
class HostileFilesTest {
  static final Path FIXTURES = Path.of("src/test/resources/hostile/files");
  static final List<String> FILES = List.of("lf.csv", "crlf.csv", "cr.csv", "garbage.jsonl", "corrupt.csv.gz",
      "notgzip.csv.gz", "garbage.csv", "empty.csv", "dupheader.csv", "latin1.csv");
  static final Map<String, String> SET_ASIDE = Map.of("corrupt.csv.gz", "corrupt_gzip",
      "notgzip.csv.gz", "not_gzip", "garbage.csv", "missing_column", "dupheader.csv", "duplicate_column",
      "latin1.csv", "invalid_encoding");
  static SparkSession spark;

  static IngestStage.Result ingest(DeltaTables t, Path in) {
    return new IngestStage(t, new IngestStage.Options(in.toString(), SourceProfile.load("canonical",
        "conf/sources"), IngestFixtures.RULES)).run();
  }

  static Path landing(String name) throws IOException {
    Path in = SharedSpark.tempDir(name);
    for (String f : FILES) {
      Files.copy(FIXTURES.resolve(f), in.resolve(f));
    }
    return in;
  }

  @BeforeAll
  static void session() {
    spark = SharedSpark.get();
  }

  private static String name(String path) {
    return path.replaceAll(".*/", "");
  }

  @Test
  void everyLineEndingIsReadAndBadFilesAreSetAsideWhileTheOthersAreIngested() throws IOException {
    DeltaTables t = new DeltaTables(spark, SharedSpark.tempDir("wh").toString());
    IngestStage.Result r = ingest(t, landing("hostile-files"));

    Map<String, List<Long>> books = new TreeMap<>();
    r.books().files().forEach(f -> books.put(name(f.file()), List.of(f.linesRead(), f.records(), f.accepted(),
        f.quarantined())));
    assertThat(books).isEqualTo(Map.of("lf.csv", List.of(5L, 3L, 3L, 0L), "crlf.csv", List.of(5L, 3L, 3L, 0L),
        "cr.csv", List.of(5L, 3L, 3L, 0L), "garbage.jsonl", List.of(1L, 1L, 0L, 1L),
        "empty.csv", List.of(0L, 0L, 0L, 0L)));
    assertThat(r.books().statement()).isEqualTo(
        "5 files, 16 lines read: 10 records = 9 accepted + 1 quarantined + 0 duplicates (balanced)");
    assertThat(t.read(Table.PURCHASES).select(Columns.ORDER_ID).as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList()).containsExactlyInAnyOrder("L1", "L2", "L3", "W1", "W2", "W3", "M1", "M2", "M3");

    Map<String, String> setAside = new TreeMap<>();
    r.setAside().forEach(f -> setAside.put(name(f.path()), f.reason()));
    assertThat(setAside).isEqualTo(SET_ASIDE);
    assertThat(List.of(r.filesFound(), r.filesSkipped())).containsExactly(10, 0);
    Map<String, String> recorded = new TreeMap<>();
    for (Row row : t.read(Table.REJECTED_FILES).collectAsList()) {
      recorded.put(name(row.getAs(Columns.FILE_PATH)), row.getAs(Columns.REASON));
      assertThat(row.<String>getAs(Columns.INGEST_RUN_ID)).isEqualTo(r.runId());
    }
    assertThat(recorded).isEqualTo(SET_ASIDE);
    assertThat(r.setAside()).filteredOn(f -> f.reason().equals("duplicate_column")).extracting(RejectedFile::detail)
        .containsExactly("the header names the column amount twice");
  }

  @Test
  void aFileSetAsideIsSkippedWhileUnchangedAndReadAgainWhenItsContentChanges() throws IOException {
    DeltaTables t = new DeltaTables(spark, SharedSpark.tempDir("wh").toString());
    Path in = landing("hostile-retry");
    ingest(t, in);
    Map<Table, Long> versions = IngestStageTest.versions(t);
    long rejectedVersion = t.delta(Table.REJECTED_FILES).history(1).first().<Long>getAs("version");

    IngestStage.Result again = ingest(t, in);
    assertThat(List.of(again.filesSkipped(), again.setAside().size())).containsExactly(10, 0);
    Files.setLastModifiedTime(in.resolve("corrupt.csv.gz"), FileTime.fromMillis(1_000_000L));
    Files.setLastModifiedTime(in.resolve("empty.csv"), FileTime.fromMillis(1_000_000L));
    IngestStage.Result touched = ingest(t, in); // read again, same content: still set aside, not recorded twice
    assertThat(List.of(touched.filesSkipped(), touched.setAside().size(), touched.books().files().size()))
        .containsExactly(10, 0, 0);
    assertThat(IngestStageTest.versions(t)).isEqualTo(versions);
    assertThat(t.delta(Table.REJECTED_FILES).history(1).first().<Long>getAs("version")).isEqualTo(rejectedVersion);

    Files.writeString(in.resolve("empty.csv"), "order_id,customer_id,order_ts,amount\nE1,c1,2024-03-01,1.00\n");
    Files.writeString(in.resolve("dupheader.csv"), "order_id,customer_id,order_ts,amount\nD1,c1,2024-03-01,1.00\n");
    Files.writeString(in.resolve("garbage.csv"), "<html>504 Gateway Timeout</html>");
    IngestStage.Result fixed = ingest(t, in);
    assertThat(fixed.books().statement()).isEqualTo(
        "2 files, 4 lines read: 2 records = 2 accepted + 0 quarantined + 0 duplicates (balanced)");
    assertThat(fixed.setAside()).extracting(f -> name(f.path()), RejectedFile::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("garbage.csv", "missing_column"));
    assertThat(t.read(Table.REJECTED_FILES).count()).isEqualTo(6);
    assertThat(t.read(Table.PURCHASES).count()).isEqualTo(11);
  }
}
