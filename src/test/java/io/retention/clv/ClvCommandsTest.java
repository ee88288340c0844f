package io.retention.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.app.ClvCommand;
import io.retention.app.ClvEvaluateCommand;
import io.retention.app.ConfigException;
import io.retention.app.JobConfig;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Option handling of the clv commands: defaults from the configuration, bad values fail before Spark. */
class ClvCommandsTest {
  private static final JobConfig CONFIG = JobConfig.load(null, Map.of());

  private static CustomerLifetimeValue.Options clv(String... args) {
    ClvCommand c = new ClvCommand();
    new CommandLine(c).parseArgs(args);
    return c.options(CONFIG);
  }

  private static ClvEvaluation.Options evaluate(String... args) {
    ClvEvaluateCommand c = new ClvEvaluateCommand();
    new CommandLine(c).parseArgs(args);
    return c.options(CONFIG);
  }

  @Test
  void defaultsComeFromTheConfiguration() {
    CustomerLifetimeValue.Options o = clv();
    assertThat(o.calibrationEnd()).isNull(); // resolved to the latest purchase day at run time
    assertThat(o.unit()).isEqualTo(TimeUnit.WEEK);
    assertThat(o.horizonMonths()).isEqualTo(12);
    assertThat(o.monthlyDiscountRate()).isEqualTo(0.01);
    CustomerLifetimeValue.Options set = clv("--calibration-end", "1997-09-30", "--time-unit", "day",
        "--horizon-months", "24", "--discount-rate", "0.02");
    assertThat(set).isEqualTo(new CustomerLifetimeValue.Options(LocalDate.parse("1997-09-30"), TimeUnit.DAY, 24, 0.02,
        0.0, 90));
  }

  @Test
  void badValuesAreOneLineConfigErrors() {
    assertThatThrownBy(() -> clv("--time-unit", "month")).isInstanceOf(ConfigException.class)
        .hasMessage("--time-unit must be day or week, cannot be: month");
    assertThatThrownBy(() -> clv("--horizon-months", "0")).isInstanceOf(ConfigException.class)
        .hasMessage("--horizon-months must be between 1 and 1200, cannot be: 0");
    assertThatThrownBy(() -> clv("--discount-rate", "1.5")).isInstanceOf(ConfigException.class)
        .hasMessage("--discount-rate is monthly and must be in [0, 1), cannot be: 1.5");
    assertThatThrownBy(() -> clv("--calibration-end", "30/09/1997")).isInstanceOf(ConfigException.class)
        .hasMessage("--calibration-end must be a date YYYY-MM-DD, cannot be: 30/09/1997");
    assertThatThrownBy(() -> evaluate("--calibration-end", "1998-06-30", "--holdout-end", "1997-09-30"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--holdout-end 1997-09-30 must be after --calibration-end 1998-06-30");
    assertThat(evaluate("--calibration-end", "1997-09-30", "--holdout-end", "1998-06-30").holdoutEnd())
        .isEqualTo(LocalDate.parse("1998-06-30"));
  }
}
