package io.retention.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retention.ingest.Reason;
import io.retention.testing.SharedSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The generator end to end on tiny sizes: files, determinism, counts, the model and the bad rows. */
class SyntheticPurchasesTest {
  private static final LocalDate START = LocalDate.of(2024, 1, 1);
  private final SparkSession spark = SharedSpark.get();

  static Map<String, byte[]> readDir(Path dir) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        files.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
    }
    return files;
  }

  private Map<String, byte[]> generate(GeneratorOptions o) throws IOException {
    Path out = SharedSpark.tempDir("generate").resolve("landing");
    SyntheticPurchases.Result res = new SyntheticPurchases(spark, o, out.toString()).run();
    Map<String, byte[]> files = readDir(out);
    assertThat(res.files()).isEqualTo(files.size());
    return files;
  }

  @Test
  void sameSeedGivesIdenticalFilesAndAnotherSeedDoesNot() throws IOException {
    GeneratorOptions o = GeneratorOptions.of(600, 150, 30, 5, START, "csv", 0.05);
    Map<String, byte[]> first = generate(o);
    Map<String, byte[]> again = generate(o);
    Map<String, byte[]> other = generate(GeneratorOptions.of(600, 150, 30, 6, START, "csv", 0.05));
    assertThat(again.keySet()).isEqualTo(first.keySet());
    first.forEach((name, bytes) -> assertThat(again.get(name)).as(name).isEqualTo(bytes));
    assertThat(other.keySet()).isEqualTo(first.keySet());
    assertThat(first.keySet().stream().filter(n -> !Arrays.equals(first.get(n), other.get(n))).count())
        .isGreaterThan(first.size() / 2);
  }

  @Test
  void writesOneFilePerDayNamedByDateWithTheHeaderFirst() throws IOException {
    Map<String, byte[]> files = generate(GeneratorOptions.of(300, 100, 10, 1, LocalDate.of(2024, 2, 25),
        "csv", 0.05));
    List<String> days = Stream.iterate(LocalDate.of(2024, 2, 25), d -> d.plusDays(1)).limit(10)
        .map(d -> d + ".csv").toList();
    assertThat(files.keySet()).containsExactlyInAnyOrderElementsOf(
        Stream.concat(days.stream(), Stream.of("missing-column.csv")).toList());
    String header = String.join(",", LineFormat.COLUMNS);
    for (String day : days) {
      assertThat(new String(files.get(day), StandardCharsets.ISO_8859_1)).startsWith(header + "\n");
    }
    assertThat(new String(files.get("missing-column.csv"), StandardCharsets.UTF_8))
        .startsWith("order_id,customer_id,order_ts,currency,quantity,kind,country,channel\n");
  }

  @Test
  void ordersRefundsAndCustomersMatchTheRequest() {
    for (long seed : new long[] {1, 2}) {
      Row r = SyntheticPurchases.compute(spark, GeneratorOptions.of(8_000, 1_000, 365, seed, START, "csv", 0))
          .where(col(SyntheticPurchases.KIND).isin("purchase", "refund"))
          .agg(count("*"), count(when(col(SyntheticPurchases.KIND).equalTo("refund"), 1)),
              countDistinct(split(col(SyntheticPurchases.LINE).cast("string"), ",").getItem(1)))
          .first();
      assertThat(r.getLong(0)).as("orders, seed %s", seed).isBetween(7_200L, 8_800L);
      assertThat(r.getLong(1) / (double) r.getLong(0)).as("refund share").isCloseTo(0.02, within(0.005));
      assertThat(r.getLong(2)).as("customers").isEqualTo(1_000L);
    }
  }

  /**
   * Per customer: purchases made and the arrival day. BG/NBD says a customer arriving t days before the end
   * has no repeat purchase with probability (α/(α+t))^r and E[X(t)] repeat purchases on average.
   */
  @Test
  void repeatBuyingAndDropoutFollowBgNbd() {
    GeneratorOptions o = GeneratorOptions.of(12_000, 3_000, 365, 3, START, "csv", 0).withTrickyRows(0);
    double alpha = Calibration.resolveAlpha(o);
    List<Row> customers = SyntheticPurchases.compute(spark, o)
        .where(col(SyntheticPurchases.KIND).equalTo("purchase"))
        .groupBy(split(col(SyntheticPurchases.LINE).cast("string"), ",").getItem(1))
        .agg(count("*"), min(col(SyntheticPurchases.TS)))
        .collectAsList();
    long startEpoch = START.atStartOfDay().toEpochSecond(java.time.ZoneOffset.UTC);
    BgNbdExpectation bg = new BgNbdExpectation(o.r(), alpha, o.a(), o.b());
    double expectedRepeaters = 0;
    double expectedOrders = 0;
    double repeaters = 0;
    double orders = 0;
    double sumSq = 0;
    for (Row c : customers) {
      double t = o.days() - ((c.getLong(2) - startEpoch) / 86_400 + 0.5);
      expectedRepeaters += 1 - bg.probNoRepeat(t);
      expectedOrders += 1 + bg.expectedRepeats(t);
      repeaters += c.getLong(1) >= 2 ? 1 : 0;
      orders += c.getLong(1);
      sumSq += c.getLong(1) * (double) c.getLong(1);
    }
    int n = customers.size();
    assertThat(n).isEqualTo(3_000);
    assertThat(repeaters / n).as("share with >= 2 orders").isCloseTo(expectedRepeaters / n, within(0.03));
    assertThat(orders / n).as("orders per customer").isCloseTo(expectedOrders / n, within(0.08 * expectedOrders / n));
    double mean = orders / n;
    double variance = sumSq / n - mean * mean;
    assertThat(variance).as("heterogeneous rates: over-dispersed vs Poisson").isGreaterThan(2 * mean);
  }

  /** The quarantine reasons the generator writes: all but the hostile-input ones (their fixtures are files). */
  private static java.util.List<Reason> generated() {
    return Arrays.stream(Reason.values()).filter(r -> !DataSamplesTest.NOT_IN_SAMPLES.contains(r)).toList();
  }

  @Test
  void everyBadRowBreaksExactlyTheRuleItIsMeantFor() throws IOException {
    GeneratorOptions o = GeneratorOptions.of(2_000, 300, 60, 11, START, "csv", 0.05).withTrickyRows(0.05);
    Map<String, Long> kinds = SyntheticPurchases.compute(spark, o).groupBy(SyntheticPurchases.KIND).count()
        .collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1)));
    for (Reason reason : generated()) {
      assertThat(kinds).as(reason.code()).containsKey(reason.code());
    }
    assertThat(kinds).containsKey(BadKind.DUPLICATE_REPLAY_CODE);
    Map<String, Long> found = validate(generate(o));
    Map<String, Long> expected = new TreeMap<>(kinds);
    expected.remove(SyntheticPurchases.HEADER);
    expected.put("valid", expected.remove("purchase") + expected.remove("refund"));
    assertThat(found).isEqualTo(expected);
  }

  /** Validates every record of the files (daily files first) and counts the reasons; fails on two at once. */
  static Map<String, Long> validate(Map<String, byte[]> files) {
    ReferenceValidator v = new ReferenceValidator();
    Map<String, Long> found = new TreeMap<>();
    List<String> order = files.keySet().stream()
        .sorted(Comparator.comparing((String n) -> !Character.isDigit(n.charAt(0))).thenComparing(n -> n))
        .toList();
    for (String name : order) {
      List<byte[]> records = ReferenceValidator.records(files.get(name));
      List<String> header = List.of(new String(records.get(0), StandardCharsets.UTF_8).split(","));
      for (byte[] rec : records.subList(1, records.size())) {
        var reasons = v.reasons(header, rec);
        assertThat(reasons).as("%s: %s", name, new String(rec, StandardCharsets.ISO_8859_1)).hasSizeLessThan(2);
        found.merge(reasons.isEmpty() ? "valid" : reasons.iterator().next(), 1L, Long::sum);
      }
    }
    return found;
  }

  @Test
  void badRowsCanGoToTheirOwnFileLeavingTheDailyFilesClean() throws IOException {
    GeneratorOptions o = GeneratorOptions.of(600, 150, 20, 4, START, "csv", 0.05).withBadRowsFile(true);
    Map<String, byte[]> files = generate(o);
    assertThat(files).containsKeys("bad-rows.csv", "missing-column.csv").hasSize(22);
    Map<String, byte[]> daily = new TreeMap<>(files);
    daily.remove("bad-rows.csv");
    daily.remove("missing-column.csv");
    assertThat(validate(daily)).containsOnlyKeys("valid");
    Map<String, Long> all = validate(files);
    assertThat(all.keySet()).containsAll(generated().stream().map(Reason::code).toList());
    assertThat(all.get("malformed_record")).isEqualTo(1L);
  }

  @Test
  void jsonLinesHoldOneObjectPerLineWithTheCanonicalKeys() throws IOException {
    GeneratorOptions o = GeneratorOptions.of(500, 120, 14, 8, START, "jsonl", 0).withTrickyRows(0.1);
    Map<String, byte[]> files = generate(o);
    assertThat(files.keySet()).allMatch(n -> n.matches("2024-01-\\d\\d\\.jsonl")).hasSize(14);
    ObjectMapper json = new ObjectMapper();
    long orders = 0;
    for (byte[] content : files.values()) {
      for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
        if (line.isEmpty()) {
          continue;
        }
        JsonNode node = json.readTree(line);
        assertThat(node.isObject()).isTrue();
        assertThat(node.fieldNames()).toIterable().containsExactlyElementsOf(LineFormat.COLUMNS);
        assertThat(node.get("amount").isNumber()).isTrue();
        orders++;
      }
    }
    Dataset<Row> lines = SyntheticPurchases.compute(spark, o);
    assertThat(orders).isEqualTo(lines.count());
  }
}
