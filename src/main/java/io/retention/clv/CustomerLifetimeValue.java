package io.retention.clv;

import static io.retention.schema.ClvColumns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.udf;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.metrics.CustomerState;
import io.retention.pipeline.RunRow;
import io.retention.pipeline.StageResult;
import io.retention.schema.ClvSchemas;
import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Customer lifetime value: historical (net revenue to date), simple (AOV x purchases per year x expected
 * lifetime, {@link SimpleClv}) and predictive (BG/NBD x Gamma-Gamma, discounted monthly, {@link ClvPredictor}),
 * from silver.purchases up to the calibration end (inclusive; default: the latest purchase order_date).
 *
 * <p>Where the work happens: {@link RfmSummary} builds one row per customer on the executors (one shuffle by
 * customer_id); the distinct (frequency, recency, T) and (frequency, value) patterns are aggregated on the
 * cluster and only they reach the driver, where both models are fitted ({@link ClvModels}). The fitted
 * parameters travel back inside a UDF, so the per-customer predictions run on the executors too. Writes
 * gold.customer_clv and gold.clv_model with whole-table overwrites (a rerun replaces them).
 */
public final class CustomerLifetimeValue {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CustomerLifetimeValue.class);

  /** Stage options; see DESIGN §5 and §9. {@code calibrationEnd} null = the latest purchase day. */
  public record Options(LocalDate calibrationEnd, TimeUnit unit, int horizonMonths, double monthlyDiscountRate,
      double penalizer, int activeWindowDays) {
    public static final int HORIZON_MONTHS_DEFAULT = 12;
    public static final double MONTHLY_DISCOUNT_RATE_DEFAULT = 0.01;

    public Options {
      if (unit == null) {
        throw new IllegalArgumentException("clv: time unit is required (day or week)");
      }
      if (horizonMonths < 1 || horizonMonths > 1200) {
        throw new IllegalArgumentException("clv: horizon months must be between 1 and 1200, cannot be: "
            + horizonMonths);
      }
      if (!(monthlyDiscountRate >= 0 && monthlyDiscountRate < 1)) {
        throw new IllegalArgumentException("clv: monthly discount rate must be in [0, 1), cannot be: "
            + monthlyDiscountRate);
      }
      if (!(penalizer >= 0) || Double.isInfinite(penalizer)) {
        throw new IllegalArgumentException("clv: penalizer must be a non-negative number, cannot be: " + penalizer);
      }
      if (activeWindowDays < 1) {
        throw new IllegalArgumentException("clv: active window must be at least 1 day, cannot be: "
            + activeWindowDays);
      }
    }

    public Options withCalibrationEnd(LocalDate end) {
      return new Options(end, unit, horizonMonths, monthlyDiscountRate, penalizer, activeWindowDays);
    }

    ClvPredictor predictor(ClvModels m) {
      return new ClvPredictor(BgNbd.Params.of(m.bgNbd()),
          m.gammaGamma() == null ? null : GammaGamma.Params.of(m.gammaGamma()), horizonMonths,
          ClvPredictor.monthIn(unit.days()), monthlyDiscountRate);
    }
  }

  /** What a run did: the fits, the customers scored, the top customers by predicted CLV, the tables. */
  public record Result(long customers, LocalDate calibrationEnd, ClvModels models, List<Row> topCustomers,
      String customerTable, String modelTable) implements StageResult {

    /** ops.runs: customers in and out, the number of distinct (x, t_x, T) patterns, the fit's warnings. */
    @Override
    public RunRow runRow() {
      return RunRow.of(customers, customers, java.util.Map.of("patterns", models.bgNbd().patterns()),
          String.join("; ", models.warnings()));
    }

    @Override
    public String summary() {
      return customers + " customers, calibration end " + calibrationEnd;
    }
  }

  private final DeltaTables tables;
  private final Options options;

  public CustomerLifetimeValue(DeltaTables tables, Options options) {
    this.tables = tables;
    this.options = options;
  }

  /**
   * Brings the per-customer state (gold.customer_activity) up to date with silver.purchases (nothing to do when
   * the metrics stage already did), folds it into the RFM summary, fits and overwrites gold.customer_clv and
   * gold.clv_model: silver.purchases itself is only read for the rows the state has not seen yet.
   */
  public Result run(String runId) {
    if (!tables.exists(Table.PURCHASES)) {
      throw new IllegalStateException("clv: " + Table.PURCHASES.qualifiedName() + " does not exist in "
          + tables.warehouse() + ": run ingest first");
    }
    var sc = tables.spark().sparkContext();
    sc.setJobDescription("customer lifetime value (BG/NBD + Gamma-Gamma)");
    try {
      CustomerState.Refresh hub = new CustomerState(tables).refresh(false);
      if (options.calibrationEnd() == null && hub.latestPurchase() == null) {
        throw new IllegalStateException("clv: silver.purchases holds no purchase: nothing to fit");
      }
      Options o = options.withCalibrationEnd(options.calibrationEnd() != null ? options.calibrationEnd()
          : hub.latestPurchase());
      Dataset<Row> rfm = RfmSummary.fromState(tables.read(Table.CUSTOMER_ACTIVITY),
          new RfmSummary.Options(o.calibrationEnd(), o.unit())).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        ClvModels models = ClvModels.fit(rfm, o);
        long t0 = System.nanoTime();
        tables.overwrite(Table.CUSTOMER_CLV, predict(rfm, models, o));
        LOG.info("clv: per-customer predictions written to {} in {} s", Table.CUSTOMER_CLV.qualifiedName(),
            String.format(java.util.Locale.ROOT, "%.2f", (System.nanoTime() - t0) / 1e9));
        tables.overwrite(Table.CLV_MODEL, models.rows(tables.spark(), o, runId, Instant.now()));
        List<Row> top = tables.read(Table.CUSTOMER_CLV).orderBy(col(PREDICTED_CLV).desc_nulls_last(),
            col(Columns.CUSTOMER_ID)).limit(10).collectAsList();
        return new Result(models.bgNbd().customers(), o.calibrationEnd(), models, top, tables.path(Table.CUSTOMER_CLV),
            tables.path(Table.CLV_MODEL));
      } finally {
        rfm.unpersist();
      }
    } finally {
      sc.setJobDescription(null);
    }
  }

  /**
   * The gold.customer_clv rows for {@code purchases} (pure: no reads or writes; fits on the driver from the
   * aggregated patterns). {@code o.calibrationEnd()} null = the latest purchase day.
   */
  public static Dataset<Row> compute(Dataset<Row> purchases, Options o) {
    Options resolved = o.withCalibrationEnd(ClvModels.calibrationEnd(purchases, o.calibrationEnd()));
    Dataset<Row> rfm = RfmSummary.compute(purchases,
        new RfmSummary.Options(resolved.calibrationEnd(), resolved.unit()));
    return predict(rfm, ClvModels.fit(rfm, resolved), resolved);
  }

  /** Per-customer predictions on the executors: the fitted parameters ship inside the UDF. */
  public static Dataset<Row> predict(Dataset<Row> rfm, ClvModels models, Options o) {
    ClvPredictor.Memo predictor = new ClvPredictor.Memo(o.predictor(models));
    StructType out = Schemas.struct(Schemas.field(P_ALIVE, DataTypes.DoubleType),
        Schemas.field(EXPECTED_PURCHASES, DataTypes.DoubleType),
        Schemas.field(EXPECTED_AVG_VALUE, DataTypes.DoubleType), Schemas.field(PREDICTED_CLV, DataTypes.DoubleType));
    UDF4<Long, Double, Double, Double, Row> f = (x, tx, t, m) -> {
      ClvPredictor.Prediction p = predictor.predict(x, tx, t, m);
      return RowFactory.create(p.pAlive(), p.expectedPurchases(), nullIfNaN(p.expectedAverageValue()),
          nullIfNaN(p.predictedClv()));
    };
    Column pred = udf(f, out).apply(col(FREQUENCY), col(RECENCY), col(AGE), col(MONETARY_VALUE));
    return rfm.withColumn("prediction", pred).select(
        col(Columns.CUSTOMER_ID), col(FREQUENCY), col(RECENCY), col(AGE), col(MONETARY_VALUE), col(ORDERS),
        col(NET_REVENUE).as(HISTORICAL_CLV),
        money(SimpleClv.column(models.churn())).as(SIMPLE_CLV),
        col("prediction." + P_ALIVE).as(P_ALIVE),
        col("prediction." + EXPECTED_PURCHASES).as(EXPECTED_PURCHASES),
        lit(o.horizonMonths()).as(HORIZON_MONTHS),
        money(col("prediction." + EXPECTED_AVG_VALUE)).as(EXPECTED_AVG_VALUE),
        money(col("prediction." + PREDICTED_CLV)).as(PREDICTED_CLV),
        lit(o.unit().label()).as(TIME_UNIT),
        lit(java.sql.Date.valueOf(o.calibrationEnd())).as(CALIBRATION_END));
  }

  private static Column money(Column c) {
    return round(c, 2).cast(Schemas.MONEY);
  }

  private static Double nullIfNaN(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** The schema of gold.customer_clv (for readers that need it before the first run). */
  public static StructType schema() {
    return ClvSchemas.CUSTOMER_CLV;
  }
}
