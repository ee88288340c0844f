package io.retention.app;

import io.retention.generate.Calibration;
import io.retention.generate.GeneratorOptions;
import io.retention.generate.SyntheticPurchases;
import java.io.File;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code generate}: seeded synthetic purchase logs, one file per day, like a landing zone. */
@Command(name = "generate",
    footer = "Example: jobs/retention generate --orders 100000 --customers 10000 --days 365 --seed 7 --out /tmp/landing",
    mixinStandardHelpOptions = true,
    description = "Write seeded synthetic purchase logs (BG/NBD customers, Gamma-Gamma values) as daily files "
        + "<out>/<YYYY-MM-DD>.csv|jsonl in the canonical layout.")
public final class GenerateCommand extends SparkCommand {
  @Option(names = "--orders", required = true, paramLabel = "N",
      description = "Valid orders (purchases + refunds) to aim for; alpha is calibrated to it (±~10 %%).")
  long orders;

  @Option(names = "--customers", required = true, paramLabel = "M",
      description = "Customers (each buys at least once).")
  long customers;

  @Option(names = "--days", paramLabel = "D", defaultValue = "" + GeneratorOptions.DAYS_DEFAULT,
      description = "Days in the window. Default: ${DEFAULT-VALUE}.")
  int days;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "" + GeneratorOptions.SEED_DEFAULT,
      description = "Random seed: the same seed gives the same files. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (new or empty).")
  String out;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = GeneratorOptions.FORMAT_CSV,
      description = "csv (header, RFC 4180) or jsonl (JSON Lines). Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--start", paramLabel = "DATE", defaultValue = "2024-01-01",
      description = "First day of the window (YYYY-MM-DD, UTC). Default: ${DEFAULT-VALUE}.")
  String start;

  @Option(names = "--bad-rows", paramLabel = "F", defaultValue = "0",
      description = "Add F × orders bad rows, every quarantine reason plus exact replays. Default: ${DEFAULT-VALUE}.")
  double badRows;

  @Option(names = "--bad-rows-file",
      description = "Write the bad rows to <out>/bad-rows.csv instead of into the daily files (csv only).")
  boolean badRowsFile;

  @Option(names = "--tricky-rows", paramLabel = "F", defaultValue = "" + GeneratorOptions.TRICKY_ROWS_DEFAULT,
      description = "Share of valid orders written in a valid but tricky form. Default: ${DEFAULT-VALUE}.")
  double trickyRows;

  @Option(names = "--refund-share", paramLabel = "F", defaultValue = "" + GeneratorOptions.REFUND_SHARE_DEFAULT,
      description = "Share of orders that are refunds. Default: ${DEFAULT-VALUE}.")
  double refundShare;

  @Option(names = "--r", paramLabel = "X", defaultValue = "" + GeneratorOptions.R_DEFAULT,
      description = "BG/NBD: Gamma shape of the purchase rate λ. Default: ${DEFAULT-VALUE}.")
  double r;

  @Option(names = "--alpha", paramLabel = "X",
      description = "BG/NBD: Gamma rate of λ, in days (default: calibrated to --orders).")
  Double alpha;

  @Option(names = "--a", paramLabel = "X", defaultValue = "" + GeneratorOptions.A_DEFAULT,
      description = "BG/NBD: dropout p ~ Beta(a, b). Default: ${DEFAULT-VALUE}.")
  double a;

  @Option(names = "--b", paramLabel = "X", defaultValue = "" + GeneratorOptions.B_DEFAULT,
      description = "BG/NBD: second shape of the dropout Beta(a, b). Default: ${DEFAULT-VALUE}.")
  double b;

  @Option(names = "--value-p", paramLabel = "X", defaultValue = "" + GeneratorOptions.VALUE_P_DEFAULT,
      description = "Gamma-Gamma: order value shape p. Default: ${DEFAULT-VALUE}.")
  double valueP;

  @Option(names = "--value-q", paramLabel = "X", defaultValue = "" + GeneratorOptions.VALUE_Q_DEFAULT,
      description = "Gamma-Gamma: shape q of the customer's rate ν. Default: ${DEFAULT-VALUE}.")
  double valueQ;

  @Option(names = "--value-gamma", paramLabel = "X", defaultValue = "" + GeneratorOptions.VALUE_GAMMA_DEFAULT,
      description = "Gamma-Gamma: rate γ of ν (mean order value p·γ/(q−1)). Default: ${DEFAULT-VALUE}.")
  double valueGamma;

  private GeneratorOptions options;

  @Override
  protected void validate(JobConfig config) {
    LocalDate startDate;
    try {
      startDate = LocalDate.parse(start);
    } catch (DateTimeParseException e) {
      throw new ConfigException("--start must be a date such as 2024-01-01, cannot be: " + start);
    }
    try {
      options = new GeneratorOptions(orders, customers, days, seed, startDate, format, badRows, badRowsFile,
          trickyRows, refundShare, r, alpha == null ? Double.NaN : alpha, a, b, valueP, valueQ, valueGamma);
      if (alpha == null) {
        options = options.withAlpha(Calibration.resolveAlpha(options));
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    File dir = new File(out);
    String[] existing = dir.list();
    if (dir.exists() && (!dir.isDirectory() || existing == null || existing.length > 0)) {
      throw new ConfigException("--out must be a new or empty folder, cannot be: " + out);
    }
  }

  @Override
  protected int run(JobConfig config, SparkSession spark) throws Exception {
    long t0 = System.nanoTime();
    SyntheticPurchases.Result res = new SyntheticPurchases(spark, options, out).run();
    err.printf(Locale.ROOT, "generate: %d files in %s (%.1f s)%n", res.files(), res.out(),
        (System.nanoTime() - t0) / 1e9);
    err.printf(Locale.ROOT, "  customers %d, orders %d (requested %d, expected %.0f), refunds %d (%.1f %%)%n",
        res.customers(), res.orders(), orders, res.expectedOrders(), res.refunds(),
        100.0 * res.refunds() / Math.max(1, res.orders()));
    err.printf(Locale.ROOT, "  model: r=%s alpha=%.4f a=%s b=%s (days); tricky valid rows %d %s%n",
        options.r(), res.alpha(), options.a(), options.b(), res.trickyRows(), res.tricky());
    err.printf(Locale.ROOT, "  bad rows %d%n", res.badRowCount());
    for (Map.Entry<String, Long> e : res.badRows().entrySet()) {
      err.printf(Locale.ROOT, "    %-24s %d%n", e.getKey(), e.getValue());
    }
    return Main.OK;
  }
}
