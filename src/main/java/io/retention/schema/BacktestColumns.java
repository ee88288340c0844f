package io.retention.schema;

/** Column names of gold.at_risk_lists (who was on each exported list) and gold.churn_backtest. */
public final class BacktestColumns {
  private BacktestColumns() {}

  // gold.at_risk_lists
  public static final String LIST_DATE = "list_date";
  /** 1-based position in the exported file (the file's row order). */
  public static final String RANK = "rank";

  // gold.churn_backtest
  public static final String HORIZON_DAYS = "horizon_days";
  /** score_date + horizon_days: the last day of the outcome window (score_date, outcome_until]. */
  public static final String OUTCOME_UNTIL = "outcome_until";
  /** overall | band | decile | list | uplift. */
  public static final String KIND = "kind";
  public static final String KEY = "key";
  public static final String CUSTOMERS = "customers";
  public static final String CHURNED = "churned_customers";
  public static final String MEAN_RISK = "mean_risk";
  public static final String OBSERVED_CHURN = "observed_churn";
  public static final String PRECISION = "precision";
  public static final String RECALL = "recall";
  public static final String TREATMENT_CUSTOMERS = "treatment_customers";
  public static final String CONTROL_CUSTOMERS = "control_customers";
  public static final String RATE_TREATMENT = "rate_treatment";
  public static final String RATE_CONTROL = "rate_control";
  public static final String DIFF = "diff";
  public static final String CI_LOW = "ci_low";
  public static final String CI_HIGH = "ci_high";

  public static final String KIND_OVERALL = "overall";
  public static final String KIND_BAND = "band";
  public static final String KIND_DECILE = "decile";
  public static final String KIND_LIST = "list";
  public static final String KIND_UPLIFT = "uplift";
}
