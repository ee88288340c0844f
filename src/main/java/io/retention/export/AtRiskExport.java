package io.retention.export;

import static io.retention.schema.ChurnColumns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.retention.schema.ClvColumns;
import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * The CRM at-risk list of one score date: gold.churn_scores joined with gold.customer_clv's predicted CLV,
 * sorted by value at risk (churn_risk &times; predicted_clv, unknown CLV last), cut to the top N or to a
 * minimum risk, with a suggested action per row:
 *
 * <ul>
 *   <li>{@code VIP call}: predicted CLV &ge; {@code vipMinClv} and band high or medium;</li>
 *   <li>{@code win-back offer}: risk &ge; {@code winBackMinRisk};</li>
 *   <li>{@code check-in}: everyone else.</li>
 * </ul>
 *
 * <p>Text cells are neutralised against CSV injection ({@link CsvSafety}); ids are optionally replaced by
 * keyed HMAC-SHA256 pseudonyms. {@link #compute} is pure; {@link ExportWriter} writes the file atomically.
 * Cost: one join (shuffle) and one sort; nothing customer-sized reaches the driver.
 */
public final class AtRiskExport {
  private AtRiskExport() {}

  public static final String VIP_CALL = "VIP call";
  public static final String WIN_BACK = "win-back offer";
  public static final String CHECK_IN = "check-in";

  /** Configurable action rules. */
  public record Rules(double vipMinClv, double winBackMinRisk) {
    public static final double VIP_MIN_CLV_DEFAULT = 200.0;
    public static final double WIN_BACK_MIN_RISK_DEFAULT = 0.6;

    public Rules {
      if (!(winBackMinRisk >= 0 && winBackMinRisk <= 1)) {
        throw new IllegalArgumentException("export.actions.winBackMinRisk must be in [0, 1], cannot be: "
            + winBackMinRisk);
      }
      if (Double.isNaN(vipMinClv)) {
        throw new IllegalArgumentException("export.actions.vipMinClv must be a number, cannot be: NaN");
      }
    }

    public static Rules defaults() {
      return new Rules(VIP_MIN_CLV_DEFAULT, WIN_BACK_MIN_RISK_DEFAULT);
    }
  }

  /**
   * Score date, output folder (a local path or a file system URI such as s3a://bucket/exports), top N or
   * minimum risk (one of them, the other null), HMAC key or null.
   */
  public record Options(LocalDate asOf, String outDir, Integer top, Double minRisk, byte[] hmacKey, Rules rules) {
    public Options {
      if (asOf == null || outDir == null || rules == null) {
        throw new IllegalArgumentException("export: as-of date, output folder and rules are required");
      }
      if (top != null && minRisk != null) {
        throw new IllegalArgumentException("export: give either a top N or a minimum risk, not both");
      }
      if (top != null && top < 1) {
        throw new IllegalArgumentException("export: top must be at least 1, cannot be: " + top);
      }
      if (minRisk != null && !(minRisk >= 0 && minRisk <= 1)) {
        throw new IllegalArgumentException("export: minimum risk must be in [0, 1], cannot be: " + minRisk);
      }
      if (hmacKey != null && hmacKey.length < 16) {
        throw new IllegalArgumentException("export: the HMAC key must be at least 16 bytes, cannot be: "
            + hmacKey.length + " bytes");
      }
    }
  }

  /** The exported columns, in file order. */
  public static final String[] COLUMNS = {Columns.CUSTOMER_ID, CHURN_RISK, RISK_BAND, TOP_REASONS,
      ClvColumns.PREDICTED_CLV, VALUE_AT_RISK, DAYS_SINCE_LAST_PURCHASE, USUAL_GAP_DAYS, LAST_ORDER_DATE,
      SUGGESTED_ACTION};

  /** The rows of the file, sorted; {@code scores} is gold.churn_scores, {@code clv} gold.customer_clv. */
  public static Dataset<Row> compute(Dataset<Row> scores, Dataset<Row> clv, Options o) {
    Dataset<Row> day = scores.where(col(SCORE_DATE).equalTo(lit(Date.valueOf(o.asOf()))));
    if (o.minRisk() != null) {
      day = day.where(col(CHURN_RISK).geq(o.minRisk()));
    }
    Dataset<Row> joined = day.join(clv.select(col(Columns.CUSTOMER_ID), col(ClvColumns.PREDICTED_CLV)),
        day.col(Columns.CUSTOMER_ID).equalTo(clv.col(Columns.CUSTOMER_ID)), "left")
        .drop(clv.col(Columns.CUSTOMER_ID));
    Column var = round(col(CHURN_RISK).multiply(col(ClvColumns.PREDICTED_CLV).cast(DataTypes.DoubleType)), 2)
        .cast(Schemas.MONEY);
    Dataset<Row> sorted = joined.withColumn(VALUE_AT_RISK, var)
        .orderBy(col(VALUE_AT_RISK).desc_nulls_last(), col(CHURN_RISK).desc(), col(Columns.CUSTOMER_ID));
    if (o.top() != null) {
      sorted = sorted.limit(o.top());
    }
    UDF1<String, String> safe = CsvSafety::neutralise;
    Column id = col(Columns.CUSTOMER_ID);
    if (o.hmacKey() != null) {
      byte[] key = o.hmacKey().clone();
      UDF1<String, String> pseudo = s -> CsvSafety.pseudonym(key, s);
      id = udf(pseudo, DataTypes.StringType).apply(id);
    }
    var neutral = udf(safe, DataTypes.StringType);
    return sorted.select(neutral.apply(id).as(Columns.CUSTOMER_ID), col(CHURN_RISK),
        neutral.apply(col(RISK_BAND)).as(RISK_BAND), neutral.apply(col(TOP_REASONS)).as(TOP_REASONS),
        col(ClvColumns.PREDICTED_CLV), col(VALUE_AT_RISK),
        col(RECENCY_DAYS).cast(DataTypes.IntegerType).as(DAYS_SINCE_LAST_PURCHASE), col(USUAL_GAP_DAYS),
        col(LAST_ORDER_DATE), action(o.rules()).as(SUGGESTED_ACTION));
  }

  static Column action(Rules r) {
    Column valuable = col(ClvColumns.PREDICTED_CLV).geq(r.vipMinClv())
        .and(col(RISK_BAND).isin(BAND_HIGH, BAND_MEDIUM));
    return when(valuable, lit(VIP_CALL)).when(col(CHURN_RISK).geq(r.winBackMinRisk()), lit(WIN_BACK))
        .otherwise(lit(CHECK_IN));
  }
}
