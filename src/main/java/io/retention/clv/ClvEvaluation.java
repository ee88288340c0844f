package io.retention.clv;

import static io.retention.schema.ClvColumns.*;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.pipeline.RunRow;
import io.retention.pipeline.StageResult;
import io.retention.schema.ClvSchemas;
import io.retention.schema.Columns;
import java.sql.Date;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Out-of-time check of BG/NBD: fit on the calibration period (order_date &le; calibration end), then compare
 * with the holdout (calibration end, holdout end]: per calibration-frequency bin (0..6, 7+) the mean actual vs
 * predicted repeat purchase days, the aggregate, and cumulative repeat purchase days by week from the first
 * purchase on (actual vs the model's expectation for the calibration customers, by acquisition day).
 *
 * <p>Cost: the RFM shuffle by customer_id, a shuffle of the holdout purchase days joined to it, and small
 * aggregations. The driver receives the patterns, per-bin and per-week aggregates and the number of customers
 * per first-purchase day (at most one row per day); predictions per customer run on the executors.
 */
public final class ClvEvaluation {
  private static final String ACTUAL = "holdout_actual";
  private static final String PREDICTED = "holdout_predicted";

  /** Calibration end (inclusive), holdout end (inclusive, later), time unit and penalizer of the fit. */
  public record Options(LocalDate calibrationEnd, LocalDate holdoutEnd, TimeUnit unit, double penalizer) {
    public Options {
      if (calibrationEnd == null || holdoutEnd == null || unit == null) {
        throw new IllegalArgumentException("clv-evaluate: calibration end, holdout end and unit are required");
      }
      if (!holdoutEnd.isAfter(calibrationEnd)) {
        throw new IllegalArgumentException("clv-evaluate: holdout end " + holdoutEnd
            + " must be after the calibration end " + calibrationEnd);
      }
    }

    double holdoutLength() {
      return ChronoUnit.DAYS.between(calibrationEnd, holdoutEnd) / unit.days();
    }
  }

  /** The calibration fit and the evaluation rows (schema ClvSchemas.CLV_EVALUATION). */
  public record Evaluation(ModelFit bgNbd, List<Row> rows) {}

  /** What a run wrote. */
  public record Result(Evaluation evaluation, String table) implements StageResult {
    @Override
    public RunRow runRow() {
      return RunRow.of(evaluation.bgNbd().customers(), evaluation.rows().size(), java.util.Map.of(),
          String.join("; ", evaluation.bgNbd().warnings()));
    }

    @Override
    public String summary() {
      return evaluation.bgNbd().customers() + " customers, " + evaluation.rows().size() + " evaluation rows";
    }
  }

  private final DeltaTables tables;
  private final Options options;

  public ClvEvaluation(DeltaTables tables, Options options) {
    this.tables = tables;
    this.options = options;
  }

  /** read silver.purchases -> compute -> overwrite gold.clv_evaluation. */
  public Result run(String runId) {
    if (!tables.exists(Table.PURCHASES)) {
      throw new IllegalStateException("clv-evaluate: " + Table.PURCHASES.qualifiedName() + " does not exist in "
          + tables.warehouse() + ": run ingest first");
    }
    var sc = tables.spark().sparkContext();
    sc.setJobDescription("BG/NBD calibration/holdout evaluation");
    try {
      Evaluation e = compute(tables.read(Table.PURCHASES), options, runId);
      tables.overwrite(Table.CLV_EVALUATION, tables.spark().createDataFrame(e.rows(), ClvSchemas.CLV_EVALUATION));
      return new Result(e, tables.path(Table.CLV_EVALUATION));
    } finally {
      sc.setJobDescription(null);
    }
  }

  /** The evaluation of {@code purchases} (pure: no reads or writes). */
  public static Evaluation compute(Dataset<Row> purchases, Options o, String runId) {
    Dataset<Row> rfm = RfmSummary.compute(purchases, new RfmSummary.Options(o.calibrationEnd(), o.unit()))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      ModelFit fit = BgNbd.fit(RfmSummary.patterns(rfm, o.unit()), o.penalizer());
      Dataset<Row> days = purchaseDays(purchases, o.holdoutEnd());
      Dataset<Row> scored = holdout(rfm, days, BgNbd.Params.of(fit), o);
      List<Row> rows = new ArrayList<>();
      RowMaker make = new RowMaker(o, runId);
      Column bin = when(col(FREQUENCY).geq(7), lit("7+")).otherwise(col(FREQUENCY).cast(DataTypes.StringType));
      for (Row r : summary(scored.groupBy(bin.as(BIN))).orderBy(BIN).collectAsList()) {
        rows.add(make.bin(SECTION_FREQUENCY_BIN, r));
      }
      rows.add(make.bin(SECTION_TOTAL, summary(scored.groupBy(lit("all").as(BIN))).first()));
      rows.addAll(CumulativeTracking.rows(rfm, days, BgNbd.Params.of(fit), o, make));
      return new Evaluation(fit, List.copyOf(rows));
    } finally {
      rfm.unpersist();
    }
  }

  /** Distinct (customer_id, order_date) purchase days up to {@code end}. */
  static Dataset<Row> purchaseDays(Dataset<Row> purchases, LocalDate end) {
    return purchases.where(col(Columns.KIND).equalTo(lit(Columns.KIND_PURCHASE))
            .and(col(Columns.ORDER_DATE).leq(lit(Date.valueOf(end)))))
        .select(col(Columns.CUSTOMER_ID), col(Columns.ORDER_DATE)).distinct();
  }

  /** Calibration customers with their actual and predicted holdout purchase days. */
  private static Dataset<Row> holdout(Dataset<Row> rfm, Dataset<Row> days, BgNbd.Params p, Options o) {
    Dataset<Row> actual = days.where(col(Columns.ORDER_DATE).gt(lit(Date.valueOf(o.calibrationEnd()))))
        .groupBy(col(Columns.CUSTOMER_ID)).agg(count(lit(1)).as(ACTUAL));
    double t = o.holdoutLength();
    UDF3<Long, Double, Double, Double> f = (x, tx, age) -> BgNbd.expectedPurchases(p, t, x, tx, age);
    return rfm.join(actual, rfm.col(Columns.CUSTOMER_ID).equalTo(actual.col(Columns.CUSTOMER_ID)), "left")
        .select(col(FREQUENCY), coalesce(col(ACTUAL), lit(0L)).as(ACTUAL),
            udf(f, DataTypes.DoubleType).apply(col(FREQUENCY), col(RECENCY), col(AGE)).as(PREDICTED));
  }

  private static Dataset<Row> summary(org.apache.spark.sql.RelationalGroupedDataset g) {
    return g.agg(count(lit(1)).as(CUSTOMERS), avg(col(ACTUAL)).as(ACTUAL_MEAN), avg(col(PREDICTED)).as(PREDICTED_MEAN),
        sum(col(ACTUAL)).cast(DataTypes.DoubleType).as(ACTUAL_TOTAL), sum(col(PREDICTED)).as(PREDICTED_TOTAL));
  }

  /** Builds rows of gold.clv_evaluation. */
  record RowMaker(Options o, String runId) {
    Row bin(String section, Row r) {
      return RowFactory.create(Date.valueOf(o.calibrationEnd()), Date.valueOf(o.holdoutEnd()), o.unit().label(),
          section, r.getString(0), null, r.getLong(1), r.getDouble(2), r.getDouble(3), r.getDouble(4),
          r.getDouble(5), runId);
    }

    Row week(int index, LocalDate periodEnd, long customers, double actual, double predicted) {
      return RowFactory.create(Date.valueOf(o.calibrationEnd()), Date.valueOf(o.holdoutEnd()), o.unit().label(),
          SECTION_CUMULATIVE_WEEK, String.valueOf(index), Date.valueOf(periodEnd), customers, null, null, actual,
          predicted, runId);
    }
  }

  /** Week index of a day counted from {@code start} (Column helper for {@link CumulativeTracking}). */
  static Column weekIndex(Column day, LocalDate start) {
    return floor(datediff(day, lit(Date.valueOf(start))).divide(7)).cast(DataTypes.IntegerType);
  }
}
