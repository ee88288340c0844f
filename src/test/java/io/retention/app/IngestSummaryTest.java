package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.ingest.IngestAccounting;
import io.retention.ingest.IngestStage;
import io.retention.ingest.RejectedFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ingest summary (stderr) and its ops.runs counts name every file set aside. */
class IngestSummaryTest {
  static final IngestStage.Result RESULT = new IngestStage.Result("ingest-1", List.of("ingest-1"), 5, 1, 3,
      new IngestAccounting(List.of(new IngestAccounting.FileBook("/in/a.csv", "h", 10, 0, 4, 1, 0, 3, 3, 3, 0, 0),
          new IngestAccounting.FileBook("/in/e.csv", "h0", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), Map.of()),
      List.of(new RejectedFile("/in/b.csv.gz", "h2", 5, 0, "corrupt_gzip", "cannot decompress: Unexpected end"),
          new RejectedFile("/in/c.csv.gz", "h3", 9, 0, "not_gzip", "named .gz but not gzip data")),
      Map.of("extract", 1200L));

  @Test
  void theSummaryNamesEveryFileSetAside() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    IngestCommand.print(RESULT, "canonical", "/in", new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
        "ingest  /in (profile canonical), run ingest-1",
        "  files: 5 found, 1 skipped (already ingested, or set aside and unchanged), 2 read (1 empty), 2 set aside",
        "  2 files, 4 lines read: 3 records = 3 accepted + 0 quarantined + 0 duplicates (balanced)",
        "  set aside (in ops.rejected_files; read again when their content changes):",
        "    /in/b.csv.gz: corrupt_gzip (cannot decompress: Unexpected end)",
        "    /in/c.csv.gz: not_gzip (named .gz but not gzip data)",
        "  orders inserted into silver.purchases: 3");
    assertThat(RESULT.runRow().counts()).containsEntry("files_set_aside", 2L)
        .containsEntry("set_aside.corrupt_gzip", 1L).containsEntry("set_aside.not_gzip", 1L)
        .containsEntry("files_empty", 1L).containsEntry("pass_ms.extract", 1200L);
  }
}
