package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.export.ExportWriter;
import io.retention.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The nightly's export rule: an identical rerun keeps the dated folder untouched, a different one replaces it. */
class ExportRerunTest {
  static final LocalDate DAY = LocalDate.parse("2024-06-30");
  static final StructType SCHEMA = new StructType().add("customer_id", DataTypes.StringType);

  private static Dataset<Row> rows(String... ids) {
    return SharedSpark.get().createDataFrame(Stream.of(ids).map(i -> RowFactory.create(i)).toList(), SCHEMA);
  }

  @Test
  void anIdenticalExportKeepsTheFolderAndADifferentOneReplacesIt() throws Exception {
    Path out = SharedSpark.tempDir("export-rerun");
    ExportWriter.Written first = ExportWriter.write(rows("a", "b"), out, DAY, "v1");
    Path manifest = Path.of(first.folder()).resolve(ExportWriter.MANIFEST);
    String firstManifest = Files.readString(manifest);
    var firstModified = Files.getLastModifiedTime(Path.of(first.file()));
    Thread.sleep(20);

    ExportWriter.Written same = ExportWriter.write(rows("a", "b"), out, DAY, "v2");
    assertThat(same.file()).isEqualTo(first.file());
    assertThat(same.sha256()).isEqualTo(first.sha256());
    assertThat(Files.readString(manifest)).as("kept, not rewritten").isEqualTo(firstManifest).contains("\"v1\"");
    assertThat(Files.getLastModifiedTime(Path.of(first.file()))).isEqualTo(firstModified);

    ExportWriter.Written other = ExportWriter.write(rows("c"), out, DAY, "v3");
    assertThat(other.sha256()).isNotEqualTo(first.sha256());
    assertThat(Files.readAllLines(Path.of(other.file()))).containsExactly("customer_id", "c");
    assertThat(Files.readString(manifest)).contains("\"v3\"");
    try (Stream<Path> s = Files.list(out.resolve("at_risk"))) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).as("no leftovers").isEqualTo(List.of("2024-06-30"));
    }
  }
}
