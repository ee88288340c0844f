package io.retention.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The formatter-free reading of {@code uuuu-MM-ddTHH:mm:ssZ} agrees with ISO-8601's strict parser on every text. */
class StrictTimestampsTest {
  /** What {@link StrictTimestamps#parse} returned for an offset timestamp before it had the formatter-free way. */
  private static Instant iso(String s) {
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeException e) {
      return null;
    }
  }

  @Test
  void theFastReadingAgreesWithTheIsoParserOnValidImpossibleAndOtherTexts() {
    List<String> texts = new ArrayList<>(List.of(
        "2024-01-01T00:16:17Z", "2024-02-29T23:59:59Z", "2000-02-29T00:00:00Z", "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z", // valid
        "2023-02-29T10:00:00Z", "1900-02-29T10:00:00Z", "2025-02-30T10:00:00Z", "2025-04-31T10:00:00Z",
        "2025-13-01T10:00:00Z", "2025-00-10T10:00:00Z", "2025-01-00T10:00:00Z", "2025-01-01T24:00:00Z",
        "2025-01-01T23:60:00Z", "2025-01-01T23:59:60Z", // impossible
        "2025-01-01t10:00:00Z", "2025-01-01T10:00:00z", "2025-01-01 10:00:00Z", "2025-01-01T10:00:00+00:00",
        "2025-01-01T10:00:00.5Z", "2025-01-01T10:00Z", "+2025-01-01T10:00:00Z", "2025-1-01T10:00:00Z",
        "2025-01-01T10:00:0Z", "٢٠٢٥-01-01T10:00:00Z", "2025-01-01T1O:00:00Z", "2025-01-01T10:00:00ZZ", ""));
    Random r = new Random(7);
    for (int i = 0; i < 20_000; i++) { // every field, in and just out of range
      texts.add(String.format("%04d-%02d-%02dT%02d:%02d:%02dZ", r.nextInt(10_000), r.nextInt(14), r.nextInt(33),
          r.nextInt(26), r.nextInt(62), r.nextInt(62)));
    }
    StrictTimestamps timestamps = new StrictTimestamps(List.of(), ZoneOffset.UTC);
    int fast = 0;
    for (String s : texts) {
      assertThat(timestamps.parse(s)).as(s).isEqualTo(iso(s));
      Instant direct = StrictTimestamps.utcSeconds(s);
      if (direct != null) {
        fast++;
        assertThat(direct).as(s).isEqualTo(iso(s));
      }
    }
    assertThat(StrictTimestamps.utcSeconds("2024-01-01T00:16:17Z")).isEqualTo(Instant.parse("2024-01-01T00:16:17Z"));
    assertThat(StrictTimestamps.utcSeconds("2025-02-30T10:00:00Z")).isNull();
    assertThat(StrictTimestamps.utcSeconds("2025-01-01t10:00:00Z")).isNull(); // the general way reads it
    assertThat(fast).as("texts the fast way read").isGreaterThan(1_000);
  }
}
