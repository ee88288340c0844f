package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.currency.CurrencyRates;
import io.retention.currency.RatesFile;
import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.metrics.MetricsStage;
import io.retention.pipeline.StageContext;
import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The {@code rates} command and the currency keys: the default configuration points at the sample rates; a bad
 * line is one line naming file and line (exit 2, before Spark starts); the load writes ops.currency_rates and
 * nightly's rule of when to load the configured file; a missing rate fails a stage with one line (exit 1).
 */
class RatesCommandTest {

  @Test
  void theDefaultsPointAtTheSampleRatesAndTheKeysAreChecked() {
    JobConfig c = JobConfig.load(null, Map.of());
    assertThat(c.currency().reporting()).isEqualTo("EUR");
    assertThat(c.currency().ratesFile()).endsWith("data-samples/currency-rates.csv");
    RatesFile sample = RatesFile.read(Path.of(c.currency().ratesFile()), "EUR");
    assertThat(sample.rates()).hasSize(50).extracting(RatesFile.Rate::currency).containsOnly("GBP", "USD");
    assertThat(JobConfig.load(null, Map.of("currency.ratesFile", "")).currency().ratesFile()).isNull();
    assertThat(JobConfig.load(null, Map.of("currency.reporting", "usd")).currency().reporting()).isEqualTo("USD");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("currency.reporting", "euro")))
        .isInstanceOf(ConfigException.class).hasMessage("configuration key retention.currency.reporting = euro: "
            + "must be a three-letter currency code such as EUR");
  }

  @Test
  void aBadLineIsAUsageErrorOfOneLineNamingFileAndLine() throws Exception {
    Path dir = SharedSpark.tempDir("rates-bad");
    Path bad = Files.writeString(dir.resolve("rates.csv"), "currency,valid_from,rate\nGBP,2024-01-01,1.1\n"
        + "GBP,01/02/2024,1.2\n");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Main.execute("rates", "--file", bad.toString(), "--warehouse", dir.resolve("wh").toString());
    } finally {
      System.setErr(saved);
    }
    assertThat(code).isEqualTo(Main.USAGE);
    assertThat(buf.toString(StandardCharsets.UTF_8).strip()).isEqualTo("retention: rates file " + bad
        + " line 3: valid_from '01/02/2024' is not a date yyyy-mm-dd");
    assertThat(Files.exists(dir.resolve("wh"))).isFalse();
  }

  @Test
  void loadsTheFileAndNightlyReloadsOnlyItsOwnFileWhenItChanges() throws Exception {
    Path dir = SharedSpark.tempDir("rates-load");
    Path file = Files.writeString(dir.resolve("rates.csv"), "currency,valid_from,rate\nGBP,2024-01-01,1.1\n"
        + "USD,2024-01-01,0.9\nEUR,2024-01-01,1\n");
    JobConfig config = JobConfig.load(null, Map.of("currency.ratesFile", file.toString()))
        .withWarehouse(dir.resolve("wh").toString());
    DeltaTables tables = new DeltaTables(SharedSpark.get(), config.warehouse());
    StageContext ctx = StageContext.forCommand(tables, RatesCommand.STAGE, null, System.err);
    RatesCommand rates = new RatesCommand();
    rates.validate(config);
    assertThat(rates.dueIn(ctx)).contains("ops.currency_rates does not exist yet");

    CurrencyRates.Loaded loaded = rates.execute(config, ctx);

    assertThat(loaded.rates()).isEqualTo(2);
    assertThat(loaded.currencies()).isEqualTo(2);
    assertThat(tables.read(Table.CURRENCY_RATES).orderBy("currency").selectExpr("currency", "string(valid_from)",
        "string(rate)").collectAsList()).extracting(Row::toString)
        .containsExactly("[GBP,2024-01-01,1.1000000000]", "[USD,2024-01-01,0.9000000000]");
    assertThat(rates.dueIn(ctx)).isEmpty();
    Files.writeString(file, "currency,valid_from,rate\nGBP,2024-01-01,1.2\n");
    RatesCommand again = new RatesCommand();
    again.validate(config);
    assertThat(again.dueIn(ctx)).contains(file + " changed since it was loaded");
    again.execute(config, ctx);
    assertThat(tables.read(Table.CURRENCY_RATES).count()).isEqualTo(1);

    Path other = Files.writeString(dir.resolve("other.csv"), "currency,valid_from,rate\nGBP,2024-01-01,1.3\n");
    RatesCommand explicit = new RatesCommand();
    explicit.file = other.toString();
    explicit.validate(config);
    explicit.execute(config, ctx);
    Files.writeString(file, "currency,valid_from,rate\nGBP,2024-01-01,1.25\n");
    RatesCommand nightly = new RatesCommand();
    nightly.validate(config);
    assertThat(nightly.dueIn(ctx)).as("rates loaded from another file are left alone").isEmpty();
  }

  @Test
  void aMissingRateFailsTheMetricsStageWithOneLineNamingCurrencyAndDate() throws Exception {
    Path dir = SharedSpark.tempDir("rates-missing");
    JobConfig config = JobConfig.load(null, Map.of()).withWarehouse(dir.resolve("wh").toString());
    DeltaTables tables = new DeltaTables(SharedSpark.get(), config.warehouse());
    Row gbp = RowFactory.create("o1", "c1", Timestamp.from(Instant.parse("2024-03-01T10:00:00Z")),
        Date.valueOf("2024-03-01"), new BigDecimal("12.00"), "GBP", 1L, Columns.KIND_PURCHASE,
        CollectionConverters.asScala(Map.<String, String>of()), "h1", "f.csv", 1L, "run-1");
    tables.overwrite(Table.PURCHASES, SharedSpark.get().createDataFrame(List.of(gbp), Schemas.PURCHASES));
    MetricsCommand metrics = new MetricsCommand();
    new CommandLine(metrics).parseArgs();
    metrics.validate(config);
    StageContext ctx = StageContext.forCommand(tables, MetricsStage.STAGE, null, System.err);

    Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> metrics.execute(config, ctx));

    String line = "no GBP rate on or before 2024-03-01 in ops.currency_rates (reporting currency EUR): load rates "
        + "with `retention rates --file FILE` and run again";
    assertThat(failure).isInstanceOf(JobFailure.class).hasMessage(line).hasNoCause();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Main.failure((Exception) failure, false);
    } finally {
      System.setErr(saved);
    }
    assertThat(code).isEqualTo(Main.JOB_FAILED);
    assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo("retention: " + line + System.lineSeparator());
  }
}
