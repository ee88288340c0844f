package io.retention.app;

import io.retention.clv.ClvModels;
import io.retention.clv.CustomerLifetimeValue;
import io.retention.clv.TimeUnit;
import io.retention.pipeline.StageContext;
import io.retention.schema.ClvColumns;
import io.retention.schema.Columns;
import java.time.LocalDate;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code clv}: fits BG/NBD + Gamma-Gamma and writes gold.clv_model and gold.customer_clv. */
@Command(name = "clv",
    footer = "Example: jobs/retention clv --calibration-end 2025-12-31 --horizon-months 12",
    mixinStandardHelpOptions = true,
    description = "Customer lifetime value: historical, simple and BG/NBD + Gamma-Gamma (discounted monthly).")
public final class ClvCommand extends StageCommand<CustomerLifetimeValue.Result> {
  @Option(names = "--calibration-end", paramLabel = "DATE",
      description = "Last day (inclusive, YYYY-MM-DD) of the data used. Default: the latest purchase order_date.")
  String calibrationEnd;

  @Option(names = "--time-unit", paramLabel = "UNIT",
      description = "day or week. Default: week (retention.clv.timeUnit).")
  String timeUnit;

  @Option(names = "--horizon-months", paramLabel = "N",
      description = "Months of predicted purchases and CLV. Default: 12 (retention.clv.horizonMonths).")
  Integer horizonMonths;

  @Option(names = "--discount-rate", paramLabel = "R",
      description = "Monthly discount rate, e.g. 0.01. Default: 0.01 (retention.clv.monthlyDiscountRate).")
  Double discountRate;

  private CustomerLifetimeValue.Options options;

  @Override
  protected void validate(JobConfig config) {
    options = options(config);
  }

  /** The stage options from the configuration and the flags; a bad value is a ConfigException. */
  public CustomerLifetimeValue.Options options(JobConfig config) {
    JobConfig.ClvSettings c = config.clv();
    String unit = timeUnit == null ? c.timeUnit() : Flags.timeUnit(timeUnit);
    if (horizonMonths != null && (horizonMonths < 1 || horizonMonths > 1200)) {
      throw new ConfigException("--horizon-months must be between 1 and 1200, cannot be: " + horizonMonths);
    }
    if (discountRate != null && !(discountRate >= 0 && discountRate < 1)) {
      throw new ConfigException("--discount-rate is monthly and must be in [0, 1), cannot be: " + discountRate);
    }
    return new CustomerLifetimeValue.Options(Flags.date("--calibration-end", calibrationEnd), TimeUnit.parse(unit),
        horizonMonths == null ? c.horizonMonths() : horizonMonths,
        discountRate == null ? c.monthlyDiscountRate() : discountRate, c.penalizer(), config.activeWindowDays());
  }

  @Override
  protected String lockHolder() {
    return "clv";
  }

  @Override
  protected String stage() {
    return "clv";
  }

  @Override
  protected CustomerLifetimeValue.Result runStage(JobConfig config, StageContext ctx) {
    LocalDate end = options.calibrationEnd() != null ? options.calibrationEnd() : ctx.asOfOrDefault(stage());
    return new CustomerLifetimeValue(ctx.tables(), options.withCalibrationEnd(end)).run(ctx.runId());
  }

  @Override
  protected String fingerprint(JobConfig config, StageContext ctx) {
    return String.valueOf(options.calibrationEnd() != null ? options : options.withCalibrationEnd(ctx.asOf()));
  }

  @Override
  protected void print(CustomerLifetimeValue.Result r, StageContext ctx) {
    ClvModels m = r.models();
    err.printf("clv: %d customers, calibration end %s, time unit %s%n", r.customers(),
        r.calibrationEnd(), options.unit().label());
    err.print(m.bgNbd().describe());
    if (m.gammaGamma() != null) {
      err.print(m.gammaGamma().describe());
    }
    err.println(m.churn().describe());
    err.printf("top 10 by predicted CLV (%d months, %.2f%%/month):%n", options.horizonMonths(),
        options.monthlyDiscountRate() * 100);
    err.printf("  %-14s %6s %8s %10s %12s %12s %12s%n", "customer_id", "freq", "p_alive", "exp_purch",
        "predicted", "historical", "simple");
    for (Row row : r.topCustomers()) {
      err.printf("  %-14s %6d %8.4f %10.3f %12s %12s %12s%n", row.getAs(Columns.CUSTOMER_ID),
          row.<Long>getAs(ClvColumns.FREQUENCY), row.<Double>getAs(ClvColumns.P_ALIVE),
          row.<Double>getAs(ClvColumns.EXPECTED_PURCHASES), row.getAs(ClvColumns.PREDICTED_CLV),
          row.getAs(ClvColumns.HISTORICAL_CLV), row.getAs(ClvColumns.SIMPLE_CLV));
    }
    err.println("tables: " + r.customerTable() + ", " + r.modelTable());
  }

}
