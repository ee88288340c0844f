package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ReportCommandTest {
  static ReportCommand parse(String... args) {
    ReportCommand cmd = new ReportCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd;
  }

  @Test
  void badOptionsFailBeforeSpark() {
    ReportCommand bad = parse("--as-of", "2025-13-01");
    assertThatThrownBy(() -> bad.validate(bad.common.load()))
        .isInstanceOf(ConfigException.class).hasMessage("--as-of must be a date YYYY-MM-DD, cannot be: 2025-13-01");
    ReportCommand blank = parse("--out", " ");
    assertThatThrownBy(() -> blank.validate(blank.common.load()))
        .hasMessage("--out must name a folder, cannot be blank");
  }

  @Test
  void pseudonymisationFollowsTheFlagOrTheExportSettingAndNeedsTheKey() {
    ReportCommand off = parse();
    assertThat(off.key(off.common.load(), "a-long-enough-secret-key")).isNull();
    ReportCommand flag = parse("--pseudonymise");
    assertThat(flag.key(flag.common.load(), "a-long-enough-secret-key"))
        .isEqualTo("a-long-enough-secret-key".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThatThrownBy(() -> flag.key(flag.common.load(), "short")).isInstanceOf(ConfigException.class)
        .hasMessage("--pseudonymise needs $RETENTION_EXPORT_HMAC_KEY set to a key of at least 16 bytes");
    ReportCommand conf = parse("--set", "export.pseudonymise=true");
    assertThat(conf.key(conf.common.load(), "a-long-enough-secret-key")).isNotNull();
    assertThatThrownBy(() -> conf.key(conf.common.load(), null)).isInstanceOf(ConfigException.class);
  }

  @Test
  void defaultOutIsTheConfiguredReportDir() {
    ReportCommand cmd = parse("--set", "report.dir=/tmp/somewhere/reports");
    assertThat(cmd.outDir(cmd.common.load())).isEqualTo(Path.of("/tmp/somewhere/reports"));
  }

  @Test
  void writesTheReportOfTheLatestPurchaseDayWithGoldSectionsNotComputedYet() throws Exception {
    String wh = SharedSpark.tempDir("report-cmd").toString();
    Path out = SharedSpark.tempDir("report-out");
    DeltaTables tables = new DeltaTables(SharedSpark.get(), wh);
    tables.overwrite(Table.PURCHASES, SharedSpark.get().createDataFrame(List.of(
        row("o1", "A", "2024-01-05"), row("o2", "A", "2024-02-05"), row("o3", "<b>B</b>", "2024-02-20")),
        Schemas.PURCHASES));
    ReportCommand cmd = parse("--warehouse", wh, "--out", out.toString());
    JobConfig config = cmd.common.load();
    cmd.validate(config);
    assertThat(cmd.run(config, SharedSpark.get())).isZero();
    String html = Files.readString(out.resolve("2024-02-20/index.html"));
    assertThat(html).contains("Data up to 2024-02-20")
        .contains("Customers</div><div class=\"value\">2</div>")
        .contains("Not computed yet: gold.cohort_retention does not exist")
        .as("the hint reaches the same warehouse").contains("`jobs/retention metrics --warehouse " + wh + "`")
        .contains("Not computed yet: gold.churn_scores does not exist")
        .contains("<img src=\"gap_histogram.png\"");
    assertThat(out.resolve("2024-02-20/gap_histogram.png")).exists();
  }

  private static Row row(String order, String customer, String day) {
    return RowFactory.create(order, customer, Timestamp.valueOf(day + " 10:00:00"), Date.valueOf(day),
        new BigDecimal("10.00"), "EUR", 1L, "purchase", scala.collection.immutable.Map$.MODULE$.empty(), "h", "f",
        1L, "r");
  }
}
