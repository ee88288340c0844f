package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.metrics.Grain;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import scala.jdk.javaapi.CollectionConverters;

class MetricsCommandTest {
  private static MetricsCommand parse(String... args) {
    MetricsCommand cmd = new MetricsCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd;
  }

  private static JobConfig config(String... args) {
    return parse(args).common.load();
  }

  @Test
  void badOptionValuesAreOneLineConfigErrors() {
    assertThatThrownBy(() -> parse("--grain", "year").validate(config()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--grain: grain must be one of day, week, month, quarter, cannot be: year");
    assertThatThrownBy(() -> parse("--as-of", "2024-13-01").validate(config()))
        .isInstanceOf(ConfigException.class).hasMessage("--as-of: not a date (YYYY-MM-DD): 2024-13-01");
    assertThatThrownBy(() -> parse("--breakdown", " ").validate(config()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("metrics: breakdown must name an attributes key, cannot be blank");
    assertThatThrownBy(() -> parse("--rolling-days", "7,0").validate(config()))
        .isInstanceOf(ConfigException.class).hasMessage("metrics: rollingDays must be 1 to 3660, cannot be: 0");
  }

  /** The rolling days are part of the options, so the nightly's skip fingerprint changes with them. */
  @Test
  void rollingDaysDefaultToSevenAndThirtyAndChangeTheFingerprint() {
    MetricsCommand plain = parse("--as-of", "2024-02-29");
    JobConfig config = plain.common.load();
    plain.validate(config);
    assertThat(plain.options().rollingDays()).containsExactly(7, 30);
    MetricsCommand given = parse("--as-of", "2024-02-29", "--rolling-days", "90,1");
    given.validate(config);
    assertThat(given.options().rollingDays()).containsExactly(1, 90);
    assertThat(given.fingerprint(config, null)).isNotEqualTo(plain.fingerprint(config, null));
  }

  @Test
  void defaultsComeFromTheConfiguration() {
    MetricsCommand cmd = parse("--set", "metrics.grain=week", "--set", "activeWindowDays=30");
    cmd.validate(cmd.common.load());
    assertThat(cmd.options().grain()).isEqualTo(Grain.WEEK);
    assertThat(cmd.options().activeWindowDays()).isEqualTo(30);
    assertThat(cmd.options().asOf()).isNull();
    MetricsCommand given = parse("--grain", "quarter", "--as-of", "2024-02-29", "--breakdown", "Country");
    given.validate(given.common.load());
    assertThat(given.options().asOf()).isEqualTo(LocalDate.parse("2024-02-29"));
    assertThat(given.options().breakdown()).isEqualTo("Country");
  }

  @Test
  void runsOnAWarehouseAndPrintsTheMatrix() throws Exception {
    String wh = SharedSpark.tempDir("metrics-cmd").toString();
    DeltaTables tables = new DeltaTables(SharedSpark.get(), wh);
    Row a = RowFactory.create("o1", "A", Timestamp.valueOf("2024-01-05 10:00:00"), Date.valueOf("2024-01-05"),
        new BigDecimal("10.00"), "EUR", 1L, "purchase", CollectionConverters.asScala(Map.of("Country", "UK")), "h",
        "f", 1L, "r");
    Row b = RowFactory.create("o2", "A", Timestamp.valueOf("2024-02-05 10:00:00"), Date.valueOf("2024-02-05"),
        new BigDecimal("5.00"), "EUR", 1L, "purchase", CollectionConverters.asScala(Map.of("Country", "UK")), "h",
        "f", 2L, "r");
    tables.overwrite(Table.PURCHASES, SharedSpark.get().createDataFrame(List.of(a, b), Schemas.PURCHASES));
    MetricsCommand cmd = parse("--warehouse", wh, "--breakdown", "Country");
    JobConfig config = cmd.common.load();
    cmd.validate(config);
    assertThat(cmd.run(config, SharedSpark.get())).isZero();
    assertThat(tables.read(Table.COHORT_RETENTION).count()).isEqualTo(2);
    String matrix = MetricsCommand.formatMatrix(List.of(
        RowFactory.create(Date.valueOf("2024-01-01"), 2L, 0, 1.0, true),
        RowFactory.create(Date.valueOf("2024-01-01"), 2L, 1, 0.5, false)));
    assertThat(matrix).contains("2024-01-01         2 100.0%   50.0%*");
  }
}
