package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.ingest.ValidationRules;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** retention.ingest.earliestOrderDate and maxIdLength: defaults, overrides and one-line errors naming the key. */
class IngestConfigTest {
  @Test
  void defaultsAndOverridesReachTheValidationRules() {
    ValidationRules d = JobConfig.load(null, Map.of()).ingest().rules("UTC", Instant.EPOCH);
    assertThat(d.earliestOrderDate()).isEqualTo(LocalDate.of(1990, 1, 1));
    assertThat(d.maxIdLength()).isEqualTo(128);
    ValidationRules set = JobConfig.load(null, Map.of("ingest.earliestOrderDate", "1997-01-01",
        "ingest.maxIdLength", "64")).ingest().rules("UTC", Instant.EPOCH);
    assertThat(set.earliestOrderDate()).isEqualTo(LocalDate.of(1997, 1, 1));
    assertThat(set.maxIdLength()).isEqualTo(64);
  }

  @Test
  void badValuesAreOneLineNamingTheKey() {
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("ingest.maxIdLength", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("configuration key retention.ingest.maxIdLength = 0: must be between 1 and 4096");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("ingest.earliestOrderDate", "1990-02-30")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("configuration key retention.ingest.earliestOrderDate = 1990-02-30: not a date yyyy-mm-dd");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("ingest.earliestOrderDate", "1800-01-01")))
        .isInstanceOf(ConfigException.class).hasMessage("configuration key retention.ingest.earliestOrderDate = "
            + "1800-01-01: must be between 1900-01-01 and today");
  }
}
