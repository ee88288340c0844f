package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A bad value from any layer is a usage error (exit 2, one line naming the key) before Spark starts. */
class ConfigurationErrorsTest {

  @Test
  void aHorizonTheClvStageRefusesIsRefusedByTheConfigurationWithItsKey() {
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("clv.horizonMonths", "5000")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("configuration key retention.clv.horizonMonths = 5000.0: must be between 1.0 and 1200.0");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("clv.monthlyDiscountRate", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("configuration key retention.clv.monthlyDiscountRate = 1.0: must be below 1.0");
  }

  @Test
  void aBadSetValueExitsWithTheUsageCode() {
    String wh = io.retention.testing.SharedSpark.tempDir("config-errors").toString();
    assertThat(Main.execute("clv", "--warehouse", wh, "--set", "clv.horizonMonths=5000")).isEqualTo(Main.USAGE);
    assertThat(Main.execute("clv", "--warehouse", wh, "--horizon-months", "0")).isEqualTo(Main.USAGE);
  }
}
