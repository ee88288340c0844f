package io.retention.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.generate.BadKind;
import io.retention.generate.GeneratorOptions;
import io.retention.generate.SyntheticPurchases;
import io.retention.lake.DeltaTables;
import io.retention.testing.SharedSpark;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The books balance, with the strict rules, on the bundled sample (the counts data-samples/README.md states) and
 * on the generator's bad rows: every generated bad row is quarantined for its own reason, every replay is a
 * duplicate, nothing is set aside.
 */
class SampleBooksTest {
  static IngestStage.Result ingest(String input) {
    DeltaTables t = new DeltaTables(SharedSpark.get(), SharedSpark.tempDir("wh").toString());
    return new IngestStage(t, new IngestStage.Options(input, SourceProfile.load("canonical", "conf/sources"),
        IngestFixtures.RULES)).run();
  }

  @Test
  void theBundledSampleGivesTheDocumentedBooks() {
    Path landing = Path.of(System.getProperty("retention.project.dir", ".")).resolve("data-samples/landing");
    IngestStage.Result r = ingest(landing.toString());
    assertThat(r.books().statement()).isEqualTo(
        "733 files, 3976 lines read: 3241 records = 3196 accepted + 42 quarantined + 3 duplicates (balanced)");
    Map<String, Long> expected = new TreeMap<>(Map.of("invalid_encoding", 3L, "malformed_record", 1L,
        "wrong_column_count", 5L, "missing_column", 3L, "missing_order_id", 3L, "missing_customer_id", 3L,
        "invalid_timestamp", 3L, "future_timestamp", 3L, "invalid_amount", 3L, "amount_out_of_range", 3L));
    expected.putAll(Map.of("invalid_quantity", 3L, "currency_not_allowed", 3L, "invalid_kind", 3L,
        "conflicting_duplicate", 3L));
    assertThat(r.books().quarantineByReason()).isEqualTo(expected);
    assertThat(r.setAside()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"csv", "jsonl"})
  void generatedBadRowsAreEachQuarantinedForTheirOwnReason(String format) throws Exception {
    GeneratorOptions o = GeneratorOptions.of(400, 80, 90, 7L, LocalDate.of(2024, 1, 1), format, 0.05);
    Path out = SharedSpark.tempDir("bad-rows").resolve("landing");
    SyntheticPurchases.Result g = new SyntheticPurchases(SharedSpark.get(), o, out.toString()).run();
    IngestStage.Result r = ingest(out.toString());
    assertThat(r.books().imbalances()).isEmpty();
    Map<String, Long> bad = new TreeMap<>(g.badRows());
    Long replays = bad.remove(BadKind.DUPLICATE_REPLAY_CODE);
    bad.values().removeIf(v -> v == 0);
    assertThat(r.books().quarantineByReason()).isEqualTo(bad);
    assertThat(r.books().duplicates()).isEqualTo(replays == null ? 0 : replays);
    assertThat(r.books().accepted()).isEqualTo(g.orders());
    assertThat(r.setAside()).isEmpty();
  }
}
