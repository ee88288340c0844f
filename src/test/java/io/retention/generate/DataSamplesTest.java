package io.retention.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.ingest.Reason;
import io.retention.testing.SharedSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The committed {@code data-samples/landing}: what data-samples/README.md says it is. It is exactly what the
 * documented command makes, every daily line is valid, and every row of the bad-rows files breaks exactly one
 * rule of DESIGN §9 (checked by {@link ReferenceValidator}, independently of the generator).
 */
class DataSamplesTest {
  /** The command in data-samples/README.md, as options. */
  static final GeneratorOptions SAMPLE = GeneratorOptions.of(3_000, 600, 731, 20240101L, LocalDate.of(2024, 1, 1),
      "csv", 0.015).withTrickyRows(0.01).withBadRowsFile(true);

  /**
   * Reasons of the hostile-input rules, added after the sample was made: the generator does not write them, so
   * the (byte-for-byte regenerated) sample stays as it is; src/test/resources/hostile/strict holds their
   * fixtures (StrictValuesTest), and the sample's README names them.
   */
  static final java.util.Set<Reason> NOT_IN_SAMPLES = java.util.EnumSet.of(Reason.INVALID_ID,
      Reason.TIMESTAMP_TOO_OLD);

  private static Path landing() {
    return Path.of(System.getProperty("retention.project.dir", ".")).resolve("data-samples/landing");
  }

  @Test
  void holdsTwoYearsOfDailyFilesAndTheBadRowFilesUnderOneMegabyte() throws IOException {
    Map<String, byte[]> files = SyntheticPurchasesTest.readDir(landing());
    assertThat(files).containsKeys("2024-01-01.csv", "2025-12-31.csv", "bad-rows.csv", "missing-column.csv")
        .hasSize(731 + 2);
    assertThat(files.values().stream().mapToLong(b -> b.length).sum()).isLessThan(1_000_000L);
  }

  @Test
  void isExactlyWhatTheDocumentedCommandGenerates() throws IOException {
    Path out = SharedSpark.tempDir("samples").resolve("landing");
    new SyntheticPurchases(SharedSpark.get(), SAMPLE, out.toString()).run();
    Map<String, byte[]> expected = SyntheticPurchasesTest.readDir(out);
    Map<String, byte[]> committed = SyntheticPurchasesTest.readDir(landing());
    assertThat(committed.keySet()).isEqualTo(expected.keySet());
    expected.forEach((name, bytes) -> assertThat(Arrays.equals(committed.get(name), bytes)).as(name).isTrue());
  }

  @Test
  void dailyFilesAreValidAndEveryBadRowHitsExactlyOneReason() throws IOException {
    Map<String, byte[]> files = SyntheticPurchasesTest.readDir(landing());
    Map<String, byte[]> daily = new TreeMap<>(files);
    daily.remove("bad-rows.csv");
    daily.remove("missing-column.csv");
    Map<String, Long> valid = SyntheticPurchasesTest.validate(daily);
    assertThat(valid).containsOnlyKeys("valid");
    assertThat(valid.get("valid")).isBetween(2_700L, 3_300L);

    Map<String, Long> all = SyntheticPurchasesTest.validate(files);
    Map<String, Long> bad = new TreeMap<>(all);
    bad.remove("valid");
    assertThat(all.get("valid")).isEqualTo(valid.get("valid"));
    assertThat(bad.keySet()).containsAll(Arrays.stream(Reason.values()).filter(r -> !NOT_IN_SAMPLES.contains(r))
            .map(Reason::code).toList())
        .contains(BadKind.DUPLICATE_REPLAY_CODE);
    assertThat(bad.values().stream().mapToLong(Long::longValue).sum()).isBetween(40L, 50L);
  }

  @Test
  void readmeDescribesEveryBadRow() throws IOException {
    String readme = Files.readString(landing().resolveSibling("README.md"));
    List<byte[]> records = ReferenceValidator.records(Files.readAllBytes(landing().resolve("bad-rows.csv")));
    for (Reason reason : Reason.values()) {
      assertThat(readme).contains("`" + reason.code() + "`");
    }
    assertThat(readme).contains("--seed 20240101").contains("--bad-rows 0.015").contains("--tricky-rows 0.01");
    for (byte[] r : records.subList(1, records.size())) {
      String id = new String(r, StandardCharsets.ISO_8859_1).split(",")[0];
      if (!id.isEmpty()) {
        assertThat(readme).as("README row for %s", id).contains(id);
      }
    }
  }
}
