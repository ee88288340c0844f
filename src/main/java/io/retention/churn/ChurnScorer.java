package io.retention.churn;

import static io.retention.schema.ChurnColumns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.metrics.CustomerState;
import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Scores the customers active in the lookback window at the as-of date with the newest complete model of
 * the registry, and writes gold.churn_features (cutoff = the as-of date) and gold.churn_scores (the rows of
 * that date are replaced in both; other dates stay).
 * Refuses a model folder without its marker or with another feature schema ({@link ModelRegistry#load}).
 *
 * <p>Cost: a row-by-row fold of the hub (no shuffle, no scan of silver.purchases without categorical
 * attributes) and the model's transform on the executors; nothing customer-sized reaches the driver.
 */
public final class ChurnScorer {
  /** gold.churn_scores: the contract lives in {@link io.retention.schema.GoldSchemas}. */
  public static final StructType SCHEMA = io.retention.schema.GoldSchemas.CHURN_SCORES;

  /** As-of date (null = latest purchase day), population, band thresholds, model version (null = newest). */
  public record Options(LocalDate asOf, int lookbackDays, int horizonDays, double penalizer, double bandHigh,
      double bandMedium, String modelVersion, List<String> categoricals) {
    public Options(LocalDate asOf, int lookbackDays, int horizonDays, double penalizer, double bandHigh,
        double bandMedium, String modelVersion) {
      this(asOf, lookbackDays, horizonDays, penalizer, bandHigh, bandMedium, modelVersion, List.of());
    }

    public Options {
      categoricals = List.copyOf(categoricals);
      if (!(bandMedium >= 0 && bandMedium <= bandHigh && bandHigh <= 1)) {
        throw new IllegalArgumentException("score-churn: bands must satisfy 0 <= medium <= high <= 1, cannot be: "
            + bandMedium + ", " + bandHigh);
      }
    }

    Options withAsOf(LocalDate d) {
      return new Options(d, lookbackDays, horizonDays, penalizer, bandHigh, bandMedium, modelVersion, categoricals);
    }
  }

  /** What a run did. */
  public record Result(LocalDate asOf, String modelVersion, long customers, String table) {}

  private final DeltaTables tables;
  private final ModelRegistry registry;
  private final Options options;

  public ChurnScorer(DeltaTables tables, ModelRegistry registry, Options options) {
    this.tables = tables;
    this.registry = registry;
    this.options = options;
  }

  /**
   * The hub (gold.customer_activity, brought up to date first) + newest model -> features -> replace that
   * score_date in gold.churn_features and gold.churn_scores. silver.purchases is read only for configured
   * categorical attributes.
   */
  public Result run() {
    String version = options.modelVersion() != null ? options.modelVersion() : registry.latest()
        .orElseThrow(() -> new IllegalStateException("score-churn: no complete churn model under "
            + registry.root() + ": run train-churn first"));
    ModelRegistry.Loaded model = registry.load(version,
        ModelRegistry.expectedSchema(FEATURES, options.categoricals()));
    if (!tables.exists(Table.PURCHASES)) {
      throw new IllegalStateException("score-churn: " + Table.PURCHASES.qualifiedName() + " does not exist: "
          + "run ingest first");
    }
    var sc = tables.spark().sparkContext();
    sc.setJobGroup("score-churn", "churn scores with model " + version, false);
    try {
      CustomerState.Refresh hub = new CustomerState(tables).refresh(false);
      Options o = options.withAsOf(options.asOf() != null ? options.asOf() : Optional.ofNullable(
          hub.latestPurchase()).orElseThrow(() -> new IllegalStateException("score-churn: "
          + Table.PURCHASES.qualifiedName() + " holds no purchase: nothing to score")));
      // both tables are written from the same features: computed once (their BG/NBD expectations are the
      // costly part of a night's scoring), not once per table
      Dataset<Row> features = ChurnFeatures.fromState(tables.read(Table.CUSTOMER_ACTIVITY),
          o.categoricals().isEmpty() ? null : tables.read(Table.PURCHASES), featureOptions(o))
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        replaceDate(features.withColumn(CUTOFF, lit(Date.valueOf(o.asOf()))), Table.CHURN_FEATURES, CUTOFF,
            o.asOf());
        replaceDate(score(features, model, o), Table.CHURN_SCORES, SCORE_DATE, o.asOf());
      } finally {
        features.unpersist();
      }
      String path = tables.path(Table.CHURN_SCORES);
      // the rows the replacement wrote, from its commit (no scan of the score date again)
      long n = tables.lastCommitRows(Table.CHURN_SCORES).orElseGet(() -> tables.read(Table.CHURN_SCORES)
          .where(col(SCORE_DATE).equalTo(lit(Date.valueOf(o.asOf())))).count());
      return new Result(o.asOf(), version, n, path);
    } finally {
      sc.clearJobGroup();
    }
  }

  /** Replaces the rows of {@code date} in {@code table} (creates the table on the first run). */
  private void replaceDate(Dataset<Row> rows, Table table, String dateColumn, LocalDate date) {
    // the table may predate some columns: replaceWhere adds them
    tables.replaceWhere(table, rows, dateColumn + " = " + io.retention.schema.SqlLiterals.date(date));
  }

  private static ChurnFeatures.Options featureOptions(Options o) {
    return new ChurnFeatures.Options(o.asOf(), o.lookbackDays(), o.horizonDays(), o.penalizer(), o.categoricals());
  }

  /** The gold.churn_scores rows at {@code o.asOf()} (must be set) for {@code purchases} (pure). */
  public static Dataset<Row> compute(Dataset<Row> purchases, ModelRegistry.Loaded model, Options o) {
    return score(ChurnFeatures.compute(purchases, featureOptions(o)), model, o);
  }

  /**
   * The gold.churn_scores rows from features at {@code o.asOf()}: the band from the calibrated risk, then the
   * reasons, which read the band ({@link ReasonCodes}: "no warning signs" only for band low).
   */
  static Dataset<Row> score(Dataset<Row> f, ModelRegistry.Loaded model, Options o) {
    int horizon = o.horizonDays();
    UDF1<Row, String> why = r -> ReasonCodes.reasons(ReasonCodes.Signals.of(r, horizon));
    Column risk = col(ChurnTrainer.SCORE);
    Dataset<Row> s = model.model().score(f).withColumn(RISK_BAND, when(risk.geq(o.bandHigh()), lit(BAND_HIGH))
        .when(risk.geq(o.bandMedium()), lit(BAND_MEDIUM)).otherwise(lit(BAND_LOW)));
    Column signals = struct(ReasonCodes.SIGNAL_COLUMNS.stream().map(functions::col).toArray(Column[]::new));
    return s.select(col(Columns.CUSTOMER_ID),
        lit(Date.valueOf(o.asOf())).as(SCORE_DATE),
        round(risk, 4).as(CHURN_RISK),
        col(RISK_BAND),
        udf(why, DataTypes.StringType).apply(signals).as(TOP_REASONS),
        lit(model.version()).as(MODEL_VERSION),
        col(RECENCY_DAYS),
        when(col(PURCHASE_DAYS).gt(1), round(col(MEAN_GAP_DAYS), 1)).as(USUAL_GAP_DAYS),
        col(LAST_ORDER_DATE), col(EXPECTED_NEXT_PURCHASE), col(DAYS_OVERDUE));
  }
}
