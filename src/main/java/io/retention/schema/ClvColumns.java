package io.retention.schema;

/** Column names of the CLV tables (gold.clv_model, gold.customer_clv, gold.clv_evaluation). */
public final class ClvColumns {
  private ClvColumns() {}

  // RFM summary / gold.customer_clv
  public static final String FREQUENCY = "frequency";
  public static final String RECENCY = "recency";
  public static final String AGE = "T";
  public static final String MONETARY_VALUE = "monetary_value";
  public static final String RECENCY_DAYS = "recency_days";
  public static final String AGE_DAYS = "t_days";
  public static final String FIRST_PURCHASE = "first_purchase";
  public static final String LAST_PURCHASE = "last_purchase";
  public static final String ORDERS = "orders";
  public static final String NET_REVENUE = "net_revenue";
  public static final String HISTORICAL_CLV = "historical_clv";
  public static final String SIMPLE_CLV = "simple_clv";
  public static final String P_ALIVE = "p_alive";
  public static final String EXPECTED_PURCHASES = "expected_purchases";
  public static final String HORIZON_MONTHS = "horizon_months";
  public static final String EXPECTED_AVG_VALUE = "expected_avg_value";
  public static final String PREDICTED_CLV = "predicted_clv";
  public static final String TIME_UNIT = "time_unit";
  public static final String CALIBRATION_END = "calibration_end";

  // gold.clv_model
  public static final String MODEL = "model";
  public static final String PARAMETERS = "parameters";
  public static final String STD_ERRORS = "std_errors";
  public static final String LOG_LIKELIHOOD = "log_likelihood";
  public static final String CUSTOMERS = "customers";
  public static final String PATTERNS = "patterns";
  public static final String EXCLUDED_CUSTOMERS = "excluded_customers";
  public static final String PENALIZER = "penalizer";
  public static final String ITERATIONS = "iterations";
  public static final String GRADIENT_NORM = "gradient_norm";
  public static final String CONVERGED = "converged";
  public static final String WARNINGS = "warnings";
  public static final String DATA_START = "data_start";
  public static final String FITTED_AT = "fitted_at";

  // gold.clv_evaluation
  public static final String HOLDOUT_END = "holdout_end";
  public static final String SECTION = "section";
  public static final String BIN = "bin";
  public static final String PERIOD_END = "period_end";
  public static final String ACTUAL_MEAN = "actual_mean";
  public static final String PREDICTED_MEAN = "predicted_mean";
  public static final String ACTUAL_TOTAL = "actual_total";
  public static final String PREDICTED_TOTAL = "predicted_total";
  public static final String SECTION_FREQUENCY_BIN = "frequency_bin";
  public static final String SECTION_TOTAL = "total";
  public static final String SECTION_CUMULATIVE_WEEK = "cumulative_week";
}
