package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.lake.DeltaTables;
import io.retention.testing.SharedSpark;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** backtest's options, and the nightly step's reason to skip. */
class BacktestCommandTest {
  private static BacktestCommand parse(String... args) {
    BacktestCommand cmd = new BacktestCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd;
  }

  @Test
  void badOptionValuesAreOneLineConfigErrors() {
    JobConfig config = parse().common.load();
    assertThatThrownBy(() -> parse("--backfill", "2025-08-01", "2025-06-01").validate(config))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--backfill TO must not be before FROM, cannot be: 2025-08-01 2025-06-01");
    assertThatThrownBy(() -> parse("--backfill", "2025-06-01", "2025-08-01", "--every", "0").validate(config))
        .isInstanceOf(ConfigException.class).hasMessage("--every must be at least 1, cannot be: 0");
    assertThatThrownBy(() -> parse("--as-of", "2025-02-30").validate(config))
        .isInstanceOf(ConfigException.class).hasMessageContaining("--as-of");
    BacktestCommand ok = parse("--backfill", "2025-06-01", "2025-08-01", "--every", "30");
    ok.validate(config);
    assertThat(ok.every).isEqualTo(30);
  }

  @Test
  void theNightlyStepIsSkippedWithItsReasonWhenTheClosingDateHasNoScores() {
    BacktestCommand cmd = parse();
    JobConfig config = cmd.common.load();
    DeltaTables empty = new DeltaTables(SharedSpark.get(), SharedSpark.tempDir("backtest-none").toString());
    assertThat(cmd.nothingDue(config, empty, LocalDate.parse("2025-12-31")))
        .contains("no churn scores for 2025-10-02 (as-of 2025-12-31 - 90 days)");
    assertThat(BacktestCommand.closing(config, LocalDate.parse("2025-12-31"))).isEqualTo(LocalDate.parse("2025-10-02"));
  }
}
