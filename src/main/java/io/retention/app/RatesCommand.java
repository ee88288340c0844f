package io.retention.app;

import io.retention.currency.CurrencyRates;
import io.retention.currency.RatesFile;
import io.retention.pipeline.StageContext;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rates}: replaces ops.currency_rates with the exchange rates of a CSV file ({@link RatesFile} has the
 * format). The file is read and checked before Spark starts: a bad line is one line naming the file and the line
 * (exit code 2). The next hub refresh (metrics, nightly …) then rebuilds gold.customer_activity with the new rates.
 * {@code nightly} runs the same load for {@code retention.currency.ratesFile} when the table is missing or that
 * file changed ({@link #dueIn}).
 */
@Command(name = "rates",
    footer = "Example: jobs/retention rates --file conf/currency-rates.csv",
    mixinStandardHelpOptions = true,
    description = "Load exchange rates to the reporting currency from a CSV file (currency,valid_from,rate) into "
        + "ops.currency_rates, replacing the table; the next run rebuilds the hub with them.")
public final class RatesCommand extends StageCommand<CurrencyRates.Loaded> {
  static final String STAGE = "rates";

  @Option(names = "--file", paramLabel = "FILE",
      description = "The rates CSV. Default: data-samples/currency-rates.csv (retention.currency.ratesFile).")
  String file;

  private RatesFile rates;
  private String reporting;

  @Override
  protected void validate(JobConfig config) {
    reporting = config.currency().reporting();
    String f = file != null ? file : config.currency().ratesFile();
    if (f == null) {
      throw new ConfigException("rates: no file: give --file FILE or set retention.currency.ratesFile");
    }
    try {
      rates = RatesFile.read(Path.of(f), reporting);
    } catch (RatesFile.BadRatesFile e) {
      throw new ConfigException(e.getMessage());
    }
  }

  /** Why {@code nightly} loads the configured file now (empty: the table holds it, or rates from another file). */
  Optional<String> dueIn(StageContext ctx) {
    return new CurrencyRates(ctx.tables(), reporting).loadReason(rates);
  }

  @Override
  protected String lockHolder() {
    return STAGE;
  }

  @Override
  protected String stage() {
    return STAGE;
  }

  @Override
  protected CurrencyRates.Loaded runStage(JobConfig config, StageContext ctx) {
    return new CurrencyRates(ctx.tables(), reporting).load(rates);
  }

  @Override
  protected void print(CurrencyRates.Loaded r, StageContext ctx) {
    err.println("rates: " + r.summary());
  }
}
