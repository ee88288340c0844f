package io.retention.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The control group: HMAC-SHA256(key, id + "|" + period) as an unsigned number mod 10,000 below share × 10,000.
 * The expected buckets were computed independently with python3:
 * {@code int.from_bytes(hmac.new(key, f"{id}|{period}".encode(), hashlib.sha256).digest(), "big") % 10000}.
 */
class ControlGroupTest {
  private static final byte[] FALLBACK = ControlGroup.keyOf(null);

  @ParameterizedTest(name = "{0} in {1}: bucket {2}, {3}")
  @CsvSource({"c001, 2025-11, 2046, treatment", "c001, 2025-12, 4098, treatment", "42, 2025-11, 763, control",
      "42, 2025-12, 8478, treatment", "-7, 2025-11, 6092, treatment", "c07, 2025-12, 7755, treatment"})
  void handCheckedAssignmentsWithTheFallbackKey(String id, String period, int bucket, String group) {
    assertThat(ControlGroup.bucket(FALLBACK, id, period)).isEqualTo(bucket);
    assertThat(ControlGroup.group(FALLBACK, 0.10, id, period)).isEqualTo(group);
  }

  @Test
  void unicodeIdsAndAnotherKey() {
    assertThat(ControlGroup.bucket(FALLBACK, "\u00DCn\u00EFcode", "2025-11")).isEqualTo(9848);
    byte[] key = ControlGroup.keyOf("a-secret-control-key");
    assertThat(ControlGroup.bucket(key, "c001", "2025-11")).isEqualTo(1424);
    assertThat(ControlGroup.bucket(key, "42", "2025-11")).isEqualTo(1825);
    assertThat(ControlGroup.keyOf("  ")).isEqualTo(ControlGroup.FALLBACK_KEY.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shareWithinToleranceOnTenThousandIdsAndStableAcrossReruns() {
    int control = 0;
    int movedNextMonth = 0;
    for (int i = 0; i < 10_000; i++) {
      String id = "customer-" + i;
      String g = ControlGroup.group(FALLBACK, 0.10, id, "2025-11");
      assertThat(ControlGroup.group(FALLBACK, 0.10, id, "2025-11")).isEqualTo(g);
      control += g.equals(ControlGroup.CONTROL) ? 1 : 0;
      movedNextMonth += g.equals(ControlGroup.CONTROL)
          && ControlGroup.group(FALLBACK, 0.10, id, "2025-12").equals(ControlGroup.TREATMENT) ? 1 : 0;
    }
    // binomial(10,000, 0.1): standard deviation 30; 4 sigma either side
    assertThat(control).isBetween(880, 1120);
    assertThat(movedNextMonth).isGreaterThan(control / 2); // nobody is always held out
    assertThat(ControlGroup.group(FALLBACK, 0.0, "42", "2025-11")).isEqualTo(ControlGroup.TREATMENT);
    assertThat(ControlGroup.group(FALLBACK, 1.0, "c001", "2025-11")).isEqualTo(ControlGroup.CONTROL);
  }

  @ParameterizedTest(name = "{1} of {0} = {2}")
  @CsvSource({"2025-11-04, month, 2025-11", "2025-11-04, quarter, 2025-Q4", "2025-11-04, day, 2025-11-04",
      "2025-11-04, week, 2025-W45", "2021-01-03, week, 2020-W53", "2025-01-31, month, 2025-01"})
  void periodLabels(String date, String period, String label) {
    assertThat(new ControlGroup(0.1, FALLBACK, period).label(LocalDate.parse(date))).isEqualTo(label);
  }

  @Test
  void badSettingsAreRefusedWithTheirValue() {
    assertThatThrownBy(() -> new ControlGroup(1.5, FALLBACK, "month"))
        .hasMessage("export.control.share must be in [0, 1], cannot be: 1.5");
    assertThatThrownBy(() -> new ControlGroup(0.1, FALLBACK, "year"))
        .hasMessage("export.control.period must be one of day, week, month, quarter, cannot be: year");
    assertThat(new ControlGroup(0.1, FALLBACK, "month").describe()).doesNotContain(ControlGroup.FALLBACK_KEY);
  }
}
