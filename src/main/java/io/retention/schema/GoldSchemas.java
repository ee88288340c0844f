package io.retention.schema;

import static io.retention.schema.Schemas.MONEY;
import static io.retention.schema.Schemas.field;
import static io.retention.schema.Schemas.struct;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The contract of every gold table: column names, types and order as written (metrics tables without
 * {@code --breakdown}; with it, a {@code breakdown} column follows {@code cohort} in customers and {@code grain} in
 * cohort_retention, cohort_retention_all, rolling_retention and retention_kpis). Delta stores every column as
 * nullable; a column declared non-null here never holds a null (a test checks both on the bundled samples).
 */
public final class GoldSchemas {
  private GoldSchemas() {}

  /** The per-customer figures of gold.customers, without the RFM columns (what metrics/CustomerRows writes). */
  public static final StructType CUSTOMER_FIGURES = struct(
      field(Columns.CUSTOMER_ID, StringType),
      new org.apache.spark.sql.types.StructField(MetricsColumns.GRAIN, StringType, false,
          org.apache.spark.sql.types.Metadata.empty()),
      field(MetricsColumns.COHORT, DateType),
      field(MetricsColumns.FIRST_ORDER_DATE, DateType),
      field(MetricsColumns.LAST_ORDER_DATE, DateType),
      field(MetricsColumns.ORDERS, LongType),
      field(MetricsColumns.NET_REVENUE, MONEY),
      field(MetricsColumns.AOV, MONEY),
      field(MetricsColumns.FREQUENCY, IntegerType),
      field(MetricsColumns.RECENCY_DAYS, IntegerType),
      field(MetricsColumns.AGE_DAYS, IntegerType),
      field(MetricsColumns.MEAN_GAP_DAYS, DoubleType),
      field(MetricsColumns.MEDIAN_GAP_DAYS, DoubleType),
      field(MetricsColumns.LAST_GAP_DAYS, IntegerType),
      field(MetricsColumns.DAYS_SINCE_LAST, IntegerType));

  /** gold.customers: the figures, then the RFM scores, the segment and the segment at the previous period end. */
  public static final StructType CUSTOMERS = CUSTOMER_FIGURES
      .add(field(MetricsColumns.R_SCORE, IntegerType))
      .add(field(MetricsColumns.F_SCORE, IntegerType))
      .add(field(MetricsColumns.M_SCORE, IntegerType))
      .add(field(MetricsColumns.SEGMENT, StringType))
      .add(field(MetricsColumns.PREVIOUS_SEGMENT, StringType));

  /** gold.customer_activity, the per-customer state (the hub): purchase days with net and gross value. */
  public static final StructType CUSTOMER_ACTIVITY = struct(
      field(Columns.CUSTOMER_ID, StringType),
      field("activity", DataTypes.createArrayType(struct(field("day", DateType), field("purchases", LongType),
          field("net", MONEY), field("gross", MONEY)), true)),
      field("first_purchase", struct(field(Columns.ORDER_TS, TimestampType), field(Columns.ORDER_ID, StringType))),
      field("first_attributes", Schemas.STRING_MAP));

  public static final StructType COHORT_RETENTION = struct(
      field(MetricsColumns.GRAIN, StringType),
      field(MetricsColumns.COHORT, DateType),
      field(MetricsColumns.PERIOD_INDEX, IntegerType),
      field(MetricsColumns.PERIOD_START, DateType),
      field(MetricsColumns.COHORT_SIZE, LongType),
      field(MetricsColumns.ACTIVE_CUSTOMERS, LongType),
      field(MetricsColumns.RETENTION_RATE, DoubleType),
      field(MetricsColumns.UNBOUNDED_RETENTION_RATE, DoubleType),
      field(MetricsColumns.REVENUE, MONEY),
      field(MetricsColumns.CUMULATIVE_REVENUE_PER_CUSTOMER, MONEY),
      field(MetricsColumns.IS_COMPLETE, BooleanType),
      field(MetricsColumns.NET_REVENUE_RETENTION, DoubleType),
      field(MetricsColumns.CAPPED_REVENUE_RETENTION, DoubleType));

  /** gold.cohort_retention_all: per period index, the cohort-size-weighted rates over the complete cohorts. */
  public static final StructType COHORT_RETENTION_ALL = struct(
      field(MetricsColumns.GRAIN, StringType),
      field(MetricsColumns.PERIOD_INDEX, IntegerType),
      field(MetricsColumns.COHORTS, LongType),
      field(MetricsColumns.CUSTOMERS, LongType),
      field(MetricsColumns.RETENTION_RATE, DoubleType),
      field(MetricsColumns.UNBOUNDED_RETENTION_RATE, DoubleType),
      field(MetricsColumns.NET_REVENUE_RETENTION, DoubleType),
      field(MetricsColumns.CAPPED_REVENUE_RETENTION, DoubleType));

  /** gold.rolling_retention: cohort × N, the share with a purchase day at least N days after the first. */
  public static final StructType ROLLING_RETENTION = struct(
      field(MetricsColumns.GRAIN, StringType),
      field(MetricsColumns.COHORT, DateType),
      field(MetricsColumns.N_DAYS, IntegerType),
      field(MetricsColumns.COHORT_SIZE, LongType),
      field(MetricsColumns.RETAINED_CUSTOMERS, LongType),
      field(MetricsColumns.ROLLING_RETENTION_RATE, DoubleType),
      field(MetricsColumns.IS_COMPLETE, BooleanType));

  public static final StructType RETENTION_KPIS = struct(
      field(MetricsColumns.GRAIN, StringType),
      field(MetricsColumns.PERIOD_START, DateType),
      field(MetricsColumns.PERIOD_END, DateType),
      field(MetricsColumns.IS_COMPLETE, BooleanType),
      field(MetricsColumns.CUSTOMERS_START, LongType),
      field(MetricsColumns.CUSTOMERS_NEW, LongType),
      field(MetricsColumns.CUSTOMERS_END, LongType),
      field(MetricsColumns.CRR, DoubleType),
      field(MetricsColumns.RETAINED, LongType),
      field(MetricsColumns.REACTIVATED, LongType),
      field(MetricsColumns.CHURNED, LongType),
      field(MetricsColumns.CHURN_RATE, DoubleType),
      field(MetricsColumns.BUYERS, LongType),
      field(MetricsColumns.REPEAT_PURCHASE_RATE, DoubleType),
      field(MetricsColumns.ORDERS, LongType),
      field(MetricsColumns.PURCHASE_FREQUENCY, DoubleType),
      field(MetricsColumns.AOV, MONEY),
      field(MetricsColumns.NET_REVENUE, MONEY));

  public static final StructType PURCHASE_GAPS = struct(
      field(MetricsColumns.GRAIN, StringType),
      field(MetricsColumns.COHORT, DateType),
      field(MetricsColumns.TRANSITION, StringType),
      field(MetricsColumns.GAPS, LongType),
      field(MetricsColumns.MEAN_DAYS, DoubleType),
      field(MetricsColumns.P25_DAYS, DoubleType),
      field(MetricsColumns.P50_DAYS, DoubleType),
      field(MetricsColumns.P75_DAYS, DoubleType),
      field(MetricsColumns.P90_DAYS, DoubleType));

  /** gold.churn_features at a cutoff (no categorical attributes configured; each adds {@code attr_<name>}). */
  public static final StructType CHURN_FEATURES = struct(
      field(Columns.CUSTOMER_ID, StringType),
      field(ChurnColumns.RECENCY_DAYS, DoubleType),
      field(ChurnColumns.PURCHASE_DAYS, DoubleType),
      field(ChurnColumns.ORDERS, DoubleType),
      field(ChurnColumns.NET_REVENUE, DoubleType),
      field(ChurnColumns.AVG_ORDER_VALUE, DoubleType),
      field(ChurnColumns.TENURE_DAYS, DoubleType),
      field(ChurnColumns.MEAN_GAP_DAYS, DoubleType),
      field(ChurnColumns.MAX_GAP_DAYS, DoubleType),
      field(ChurnColumns.GAP_STD_DAYS, DoubleType),
      field(ChurnColumns.OVERDUE_RATIO, DoubleType),
      field(ChurnColumns.ORDERS_LAST_90, DoubleType),
      field(ChurnColumns.ORDERS_PREV_90, DoubleType),
      field(ChurnColumns.TREND, DoubleType),
      field(ChurnColumns.REFUND_SHARE, DoubleType),
      field(ChurnColumns.P_ALIVE, DoubleType),
      field(ChurnColumns.EXPECTED_PURCHASES, DoubleType),
      field(ChurnColumns.P_NO_PURCHASE, DoubleType),
      field(ChurnColumns.COHORT_MONTHS, DoubleType),
      field(ChurnColumns.OVERDUE_FACTOR, DoubleType),
      field(ChurnColumns.OVERDUE_BTYD, DoubleType),
      field(ChurnColumns.ORDERS_LAST_30, DoubleType),
      field(ChurnColumns.ORDERS_LAST_180, DoubleType),
      field(ChurnColumns.SPEND_LAST_30, DoubleType),
      field(ChurnColumns.SPEND_LAST_90, DoubleType),
      field(ChurnColumns.SPEND_LAST_180, DoubleType),
      field(ChurnColumns.ORDERS_RATIO_30_90, DoubleType),
      field(ChurnColumns.ORDERS_RATIO_90_180, DoubleType),
      field(ChurnColumns.SPEND_RATIO_90_180, DoubleType),
      field(ChurnColumns.FIRST_ORDER_DATE, DateType),
      field(ChurnColumns.LAST_ORDER_DATE, DateType),
      field(ChurnColumns.EXPECTED_NEXT_PURCHASE, DateType),
      field(ChurnColumns.DAYS_OVERDUE, IntegerType),
      field(ChurnColumns.CUTOFF, DateType));

  /** gold.churn_scores (plus the descriptive columns the export needs). */
  public static final StructType CHURN_SCORES = struct(
      field(Columns.CUSTOMER_ID, StringType),
      field(ChurnColumns.SCORE_DATE, DateType),
      field(ChurnColumns.CHURN_RISK, DoubleType),
      field(ChurnColumns.RISK_BAND, StringType),
      field(ChurnColumns.TOP_REASONS, StringType),
      field(ChurnColumns.MODEL_VERSION, StringType),
      field(ChurnColumns.RECENCY_DAYS, DoubleType),
      field(ChurnColumns.USUAL_GAP_DAYS, DoubleType),
      field(ChurnColumns.LAST_ORDER_DATE, DateType),
      field(ChurnColumns.EXPECTED_NEXT_PURCHASE, DateType),
      field(ChurnColumns.DAYS_OVERDUE, IntegerType));

  /** gold.churn_evaluation: one row per point of a scorer's curve (roc, lift, calibration) or metric. */
  public static final StructType CHURN_EVALUATION = struct(
      field(ChurnColumns.MODEL_VERSION, StringType),
      field("scorer", StringType),
      field("chosen", BooleanType),
      field("curve", StringType),
      field("point", IntegerType),
      field("x", DoubleType),
      field("y", DoubleType),
      field("n", LongType));

  /** gold.at_risk_lists: who was on the exported list of list_date, in file order, with their group. */
  public static final StructType AT_RISK_LISTS = struct(
      field(BacktestColumns.LIST_DATE, DateType),
      field(Columns.CUSTOMER_ID, StringType),
      field(BacktestColumns.RANK, IntegerType),
      field(ChurnColumns.GROUP, StringType),
      field(ChurnColumns.CHURN_RISK, DoubleType),
      field(ChurnColumns.RISK_BAND, StringType),
      field(ClvColumns.PREDICTED_CLV, MONEY),
      field(ChurnColumns.EXPECTED_VALUE_SAVED, MONEY),
      field(ChurnColumns.MODEL_VERSION, StringType));

  /** gold.churn_backtest: per evaluated score date, one row per kind and key (see docs/models.md). */
  public static final StructType CHURN_BACKTEST = struct(
      field(ChurnColumns.SCORE_DATE, DateType),
      field(BacktestColumns.HORIZON_DAYS, IntegerType),
      field(BacktestColumns.OUTCOME_UNTIL, DateType),
      field(ChurnColumns.MODEL_VERSION, StringType),
      field(BacktestColumns.KIND, StringType),
      field(BacktestColumns.KEY, StringType),
      field(BacktestColumns.CUSTOMERS, LongType),
      field(BacktestColumns.CHURNED, LongType),
      field(BacktestColumns.MEAN_RISK, DoubleType),
      field(BacktestColumns.OBSERVED_CHURN, DoubleType),
      field(BacktestColumns.PRECISION, DoubleType),
      field(BacktestColumns.RECALL, DoubleType),
      field(BacktestColumns.TREATMENT_CUSTOMERS, LongType),
      field(BacktestColumns.CONTROL_CUSTOMERS, LongType),
      field(BacktestColumns.RATE_TREATMENT, DoubleType),
      field(BacktestColumns.RATE_CONTROL, DoubleType),
      field(BacktestColumns.DIFF, DoubleType),
      field(BacktestColumns.CI_LOW, DoubleType),
      field(BacktestColumns.CI_HIGH, DoubleType));

  /** The contract of a gold table. */
  public static StructType of(io.retention.lake.Table table) {
    return switch (table) {
      case CUSTOMERS -> CUSTOMERS;
      case CUSTOMER_ACTIVITY -> CUSTOMER_ACTIVITY;
      case COHORT_RETENTION -> COHORT_RETENTION;
      case COHORT_RETENTION_ALL -> COHORT_RETENTION_ALL;
      case ROLLING_RETENTION -> ROLLING_RETENTION;
      case RETENTION_KPIS -> RETENTION_KPIS;
      case PURCHASE_GAPS -> PURCHASE_GAPS;
      case CLV_MODEL -> ClvSchemas.CLV_MODEL;
      case CUSTOMER_CLV -> ClvSchemas.CUSTOMER_CLV;
      case CLV_EVALUATION -> ClvSchemas.CLV_EVALUATION;
      case CHURN_FEATURES -> CHURN_FEATURES;
      case CHURN_SCORES -> CHURN_SCORES;
      case CHURN_EVALUATION -> CHURN_EVALUATION;
      case AT_RISK_LISTS -> AT_RISK_LISTS;
      case CHURN_BACKTEST -> CHURN_BACKTEST;
      default -> throw new IllegalArgumentException(table.qualifiedName() + " is not a gold table");
    };
  }
}
