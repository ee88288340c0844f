package io.retention.schema;

/** Column names of the gold metrics tables (gold.customers, cohort_retention, retention_kpis, purchase_gaps). */
public final class MetricsColumns {
  private MetricsColumns() {}

  // shared
  public static final String GRAIN = "grain";
  public static final String COHORT = "cohort";
  public static final String BREAKDOWN = "breakdown";
  public static final String PERIOD_START = "period_start";
  public static final String PERIOD_END = "period_end";
  public static final String IS_COMPLETE = "is_complete";

  // gold.customers
  public static final String FIRST_ORDER_DATE = "first_order_date";
  public static final String LAST_ORDER_DATE = "last_order_date";
  public static final String ORDERS = "orders";
  public static final String NET_REVENUE = "net_revenue";
  public static final String AOV = "aov";
  public static final String FREQUENCY = "frequency";
  public static final String RECENCY_DAYS = "recency_days";
  public static final String AGE_DAYS = "age_days";
  public static final String MEAN_GAP_DAYS = "mean_gap_days";
  public static final String MEDIAN_GAP_DAYS = "median_gap_days";
  public static final String LAST_GAP_DAYS = "last_gap_days";
  public static final String DAYS_SINCE_LAST = "days_since_last";
  public static final String R_SCORE = "r_score";
  public static final String F_SCORE = "f_score";
  public static final String M_SCORE = "m_score";
  public static final String SEGMENT = "segment";
  public static final String PREVIOUS_SEGMENT = "previous_segment";

  // gold.cohort_retention
  public static final String PERIOD_INDEX = "period_index";
  public static final String COHORT_SIZE = "cohort_size";
  public static final String ACTIVE_CUSTOMERS = "active_customers";
  public static final String RETENTION_RATE = "retention_rate";
  public static final String UNBOUNDED_RETENTION_RATE = "unbounded_retention_rate";
  public static final String REVENUE = "revenue";
  public static final String CUMULATIVE_REVENUE_PER_CUSTOMER = "cumulative_revenue_per_customer";
  public static final String NET_REVENUE_RETENTION = "net_revenue_retention";
  public static final String CAPPED_REVENUE_RETENTION = "capped_revenue_retention";

  // gold.cohort_retention_all
  public static final String COHORTS = "cohorts";
  public static final String CUSTOMERS = "customers";

  // gold.rolling_retention
  public static final String N_DAYS = "n_days";
  public static final String RETAINED_CUSTOMERS = "retained_customers";
  public static final String ROLLING_RETENTION_RATE = "rolling_retention_rate";

  // gold.retention_kpis
  public static final String CUSTOMERS_START = "customers_start";
  public static final String CUSTOMERS_NEW = "customers_new";
  public static final String CUSTOMERS_END = "customers_end";
  public static final String CRR = "crr";
  public static final String RETAINED = "retained";
  public static final String REACTIVATED = "reactivated";
  public static final String CHURNED = "churned";
  public static final String CHURN_RATE = "churn_rate";
  public static final String BUYERS = "buyers";
  public static final String REPEAT_PURCHASE_RATE = "repeat_purchase_rate";
  public static final String PURCHASE_FREQUENCY = "purchase_frequency";

  // gold.purchase_gaps
  public static final String TRANSITION = "transition";
  public static final String GAPS = "gaps";
  public static final String MEAN_DAYS = "mean_days";
  public static final String P25_DAYS = "p25_days";
  public static final String P50_DAYS = "p50_days";
  public static final String P75_DAYS = "p75_days";
  public static final String P90_DAYS = "p90_days";
}
