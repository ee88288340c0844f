package io.retention.export;

import static io.retention.schema.ChurnColumns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.retention.schema.BacktestColumns;
import io.retention.schema.ClvColumns;
import io.retention.schema.Columns;
import io.retention.schema.MetricsColumns;
import io.retention.schema.Schemas;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * The CRM at-risk list of one score date: gold.churn_scores joined with gold.customer_clv's predicted CLV,
 * cut to the customers worth contacting ({@link ListPolicy}: a minimum band and expected value saved, or a
 * minimum risk), ranked by expected value saved (churn_risk &times; predicted CLV &times; save rate, unknown
 * last), cut to the top N, then split into treatment and control ({@link ControlGroup}), with a suggested
 * action per row. Every action's rule holds for every row that gets it:
 *
 * <ul>
 *   <li>{@code no action}: band low (only on a list whose minimum band is low);</li>
 *   <li>{@code VIP call}: band high or medium and predicted CLV &ge; {@code vipMinClv};</li>
 *   <li>{@code win-back offer}: band high or medium, predicted CLV below {@code vipMinClv} or unknown, and
 *       risk &ge; {@code winBackMinRisk};</li>
 *   <li>{@code check-in}: band high or medium, predicted CLV below {@code vipMinClv} or unknown, and risk
 *       below {@code winBackMinRisk}.</li>
 * </ul>
 *
 * <p>Then the CRM columns ({@link CrmColumns}): the RFM {@code segment}, its {@code segment_action} for the
 * band ({@link SegmentActions}; band low: {@code no action}, as above) and the {@code match_key}.
 *
 * <p>Text cells are neutralised against CSV injection ({@link CsvSafety}); ids and match keys are optionally
 * replaced by keyed HMAC-SHA256 pseudonyms (the control group is drawn on the real id). {@link #compute} is pure;
 * {@link ExportWriter} writes the file atomically. Cost: two joins (shuffles: CLV, CRM columns) and one sort;
 * nothing customer-sized reaches the driver.
 */
public final class AtRiskExport {
  private AtRiskExport() {}

  public static final String VIP_CALL = "VIP call";
  public static final String WIN_BACK = "win-back offer";
  public static final String CHECK_IN = "check-in";
  public static final String NO_ACTION = "no action";

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
   * minimum risk (one of them, the other null), HMAC key or null, action rules, who is worth contacting, the
   * control group, the actions per segment and band, and the attribute carried as match_key (null: none).
   */
  public record Options(LocalDate asOf, String outDir, Integer top, Double minRisk, byte[] hmacKey, Rules rules,
      ListPolicy policy, ControlGroup control, SegmentActions segmentActions, String matchKey) {
    /** Every scored customer (no minimum band or value) with the default control group (fallback key). */
    public Options(LocalDate asOf, String outDir, Integer top, Double minRisk, byte[] hmacKey, Rules rules) {
      this(asOf, outDir, top, minRisk, hmacKey, rules, ListPolicy.everyone(), ControlGroup.defaults(null));
    }

    /** The default segment actions and no match key. */
    public Options(LocalDate asOf, String outDir, Integer top, Double minRisk, byte[] hmacKey, Rules rules,
        ListPolicy policy, ControlGroup control) {
      this(asOf, outDir, top, minRisk, hmacKey, rules, policy, control, SegmentActions.defaults(), null);
    }

    public Options {
      if (asOf == null || outDir == null || rules == null || policy == null || control == null
          || segmentActions == null) {
        throw new IllegalArgumentException("export: as-of date, output folder, rules, list policy, control "
            + "group and segment actions are required");
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
      ClvColumns.PREDICTED_CLV, VALUE_AT_RISK, EXPECTED_VALUE_SAVED, DAYS_SINCE_LAST_PURCHASE, USUAL_GAP_DAYS,
      LAST_ORDER_DATE, EXPECTED_NEXT_PURCHASE, DAYS_OVERDUE, NEXT_PURCHASE, SUGGESTED_ACTION, GROUP,
      MetricsColumns.SEGMENT, SEGMENT_ACTION, MATCH_KEY};

  /** As {@link #compute(Dataset, Dataset, Dataset, Options)} without segments and match keys (empty cells). */
  public static Dataset<Row> compute(Dataset<Row> scores, Dataset<Row> clv, Options o) {
    return compute(scores, clv, null, o);
  }

  /**
   * The rows of the file, sorted; {@code scores} is gold.churn_scores, {@code clv} gold.customer_clv, {@code crm}
   * ({@link CrmColumns}) each customer's segment and match key at the score date, or null.
   */
  public static Dataset<Row> compute(Dataset<Row> scores, Dataset<Row> clv, Dataset<Row> crm, Options o) {
    return file(ranked(scores, clv, crm, o), o);
  }

  /** The rows of the file from the {@link #ranked} list. */
  public static Dataset<Row> file(Dataset<Row> ranked, Options o) {
    return ranked.select(cells(o));
  }

  /**
   * Who is on the list, for gold.at_risk_lists: list_date, the real customer id, its 1-based rank (the file's row
   * order), its group, risk, band, predicted CLV, expected value saved and the model version. From the
   * {@link #ranked} list (at most top N rows: the window's single partition stays small).
   */
  public static Dataset<Row> members(Dataset<Row> ranked, Options o) {
    return ranked.select(lit(Date.valueOf(o.asOf())).as(BacktestColumns.LIST_DATE), col(Columns.CUSTOMER_ID),
        row_number().over(Window.orderBy(ORDER)).as(BacktestColumns.RANK), group(o).as(GROUP), col(CHURN_RISK),
        col(RISK_BAND), col(ClvColumns.PREDICTED_CLV).cast(Schemas.MONEY).as(ClvColumns.PREDICTED_CLV),
        col(EXPECTED_VALUE_SAVED), col(MODEL_VERSION));
  }

  /** The file's row order: expected value saved (unknown last), then risk, then id. */
  private static final Column[] ORDER = {col(EXPECTED_VALUE_SAVED).desc_nulls_last(), col(CHURN_RISK).desc(),
      col(Columns.CUSTOMER_ID)};

  /**
   * The list of the score date before the file's cells: the score rows worth contacting with predicted CLV,
   * value at risk and expected value saved, sorted in file order and cut to the top N.
   */
  public static Dataset<Row> ranked(Dataset<Row> scores, Dataset<Row> clv, Dataset<Row> crm, Options o) {
    Dataset<Row> day = withNextPurchase(scores).where(col(SCORE_DATE).equalTo(lit(Date.valueOf(o.asOf()))));
    if (o.minRisk() != null) {
      day = day.where(col(CHURN_RISK).geq(o.minRisk()));
    }
    Dataset<Row> joined = day.join(clv.select(col(Columns.CUSTOMER_ID), col(ClvColumns.PREDICTED_CLV)),
        day.col(Columns.CUSTOMER_ID).equalTo(clv.col(Columns.CUSTOMER_ID)), "left")
        .drop(clv.col(Columns.CUSTOMER_ID));
    joined = CrmColumns.join(joined, crm);
    Column atRisk = col(CHURN_RISK).multiply(col(ClvColumns.PREDICTED_CLV).cast(DataTypes.DoubleType));
    Dataset<Row> sorted = joined.withColumn(VALUE_AT_RISK, round(atRisk, 2).cast(Schemas.MONEY))
        .withColumn(EXPECTED_VALUE_SAVED, round(atRisk.multiply(o.policy().saveRate()), 2).cast(Schemas.MONEY))
        .where(o.policy().worthContacting())
        .orderBy(ORDER);
    return o.top() != null ? sorted.limit(o.top()) : sorted;
  }

  /** The exported cells: ids pseudonymised when asked, text neutralised, the action and the group. */
  private static Column[] cells(Options o) {
    UDF1<String, String> safe = CsvSafety::neutralise;
    Column id = col(Columns.CUSTOMER_ID);
    if (o.hmacKey() != null) {
      id = udf(pseudonym(o.hmacKey()), DataTypes.StringType).apply(id);
    }
    var neutral = udf(safe, DataTypes.StringType);
    return new Column[] {neutral.apply(id).as(Columns.CUSTOMER_ID), col(CHURN_RISK),
        neutral.apply(col(RISK_BAND)).as(RISK_BAND), neutral.apply(col(TOP_REASONS)).as(TOP_REASONS),
        col(ClvColumns.PREDICTED_CLV), col(VALUE_AT_RISK), col(EXPECTED_VALUE_SAVED),
        col(RECENCY_DAYS).cast(DataTypes.IntegerType).as(DAYS_SINCE_LAST_PURCHASE), col(USUAL_GAP_DAYS),
        col(LAST_ORDER_DATE), col(EXPECTED_NEXT_PURCHASE), col(DAYS_OVERDUE),
        udf(NEXT_PURCHASE_WORDS, DataTypes.StringType).apply(col(EXPECTED_NEXT_PURCHASE), col(DAYS_OVERDUE)).as(NEXT_PURCHASE),
        action(o.rules()).as(SUGGESTED_ACTION), group(o).as(GROUP),
        neutral.apply(col(MetricsColumns.SEGMENT)).as(MetricsColumns.SEGMENT),
        neutral.apply(o.segmentActions().column()).as(SEGMENT_ACTION),
        neutral.apply(o.hmacKey() == null ? col(MATCH_KEY) : udf(pseudonym(o.hmacKey()), DataTypes.StringType)
            .apply(col(MATCH_KEY))).as(MATCH_KEY)};
  }

  /** The keyed pseudonym of a cell (ids and match keys alike). */
  private static UDF1<String, String> pseudonym(byte[] hmacKey) {
    byte[] key = hmacKey.clone();
    return s -> CsvSafety.pseudonym(key, s);
  }

  private static final UDF2<Date, Integer, String> NEXT_PURCHASE_WORDS = AtRiskExport::nextPurchase;

  /** "expected by 2025-11-04, 23 days overdue" (1 day; "expected by 2025-12-01" when not overdue; null unknown). */
  public static String nextPurchase(Date expected, Integer overdue) {
    if (expected == null) {
      return null;
    }
    String by = "expected by " + expected.toLocalDate();
    int days = overdue == null ? 0 : overdue;
    return days <= 0 ? by : by + ", " + days + (days == 1 ? " day" : " days") + " overdue";
  }

  /** Score rows written before the next-purchase columns existed get them as NULL. */
  private static Dataset<Row> withNextPurchase(Dataset<Row> scores) {
    List<String> have = List.of(scores.columns());
    Dataset<Row> s = scores;
    if (!have.contains(EXPECTED_NEXT_PURCHASE)) {
      s = s.withColumn(EXPECTED_NEXT_PURCHASE, lit(null).cast(DataTypes.DateType));
    }
    if (!have.contains(DAYS_OVERDUE)) {
      s = s.withColumn(DAYS_OVERDUE, lit(null).cast(DataTypes.IntegerType));
    }
    return s;
  }

  /** The action rules of the class comment, in that order. */
  static Column action(Rules r) {
    Column contact = col(RISK_BAND).isin(BAND_HIGH, BAND_MEDIUM);
    return when(contact.unary_$bang(), lit(NO_ACTION))
        .when(col(ClvColumns.PREDICTED_CLV).geq(r.vipMinClv()), lit(VIP_CALL))
        .when(col(CHURN_RISK).geq(r.winBackMinRisk()), lit(WIN_BACK))
        .otherwise(lit(CHECK_IN));
  }

  /** treatment / control of the real customer id in the list date's period. */
  static Column group(Options o) {
    byte[] key = o.control().key();
    double share = o.control().share();
    String label = o.control().label(o.asOf());
    UDF1<String, String> g = id -> ControlGroup.group(key, share, id, label);
    return udf(g, DataTypes.StringType).apply(col(Columns.CUSTOMER_ID));
  }
}
