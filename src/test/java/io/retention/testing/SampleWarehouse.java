package io.retention.testing;

import io.retention.clv.CustomerLifetimeValue;
import io.retention.clv.TimeUnit;
import io.retention.currency.CurrencyRates;
import io.retention.currency.RatesFile;
import io.retention.ingest.IngestStage;
import io.retention.ingest.SourceProfile;
import io.retention.ingest.ValidationRules;
import io.retention.lake.DeltaTables;
import io.retention.metrics.MetricsStage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A warehouse under {@code dir} holding the bundled samples (data-samples/landing) after ingest, the sample rates
 * (data-samples/currency-rates.csv), metrics and clv.
 */
public final class SampleWarehouse {
  private SampleWarehouse() {}

  /** The project folder (surefire runs in it; {@code -Dretention.project.dir} overrides). */
  public static Path project() {
    return Path.of(System.getProperty("retention.project.dir", "."));
  }

  public static DeltaTables build(Path dir) {
    Path project = project();
    DeltaTables t = new DeltaTables(SharedSpark.get(), dir.toString());
    ValidationRules rules = new ValidationRules("UTC", "EUR", List.of("EUR", "GBP", "USD"), 1_000_000,
        Instant.now().plusSeconds(86_400), false);
    new IngestStage(t, new IngestStage.Options(project.resolve("data-samples/landing").toString(),
        SourceProfile.load("canonical", project.resolve("conf/sources").toString()), rules)).run();
    new CurrencyRates(t, "EUR").load(RatesFile.read(project.resolve("data-samples/currency-rates.csv"), "EUR"));
    new MetricsStage(t, MetricsStage.Options.defaults(), "sample-metrics").run();
    new CustomerLifetimeValue(t, new CustomerLifetimeValue.Options(null, TimeUnit.WEEK, 12, 0.01, 0.0, 90))
        .run("sample-clv");
    return t;
  }
}
