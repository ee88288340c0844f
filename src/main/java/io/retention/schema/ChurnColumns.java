package io.retention.schema;

import java.util.List;

/** Column names of the churn stage (features, labels, gold.churn_scores) and of the at-risk export. */
public final class ChurnColumns {
  private ChurnColumns() {}

  // labels
  public static final String LABEL = "churned";
  public static final String CUTOFF = "cutoff";

  // features (all DOUBLE, no NULLs)
  public static final String RECENCY_DAYS = "days_since_last";
  public static final String PURCHASE_DAYS = "purchase_days";
  public static final String ORDERS = "orders";
  public static final String NET_REVENUE = "net_revenue";
  public static final String AVG_ORDER_VALUE = "avg_order_value";
  public static final String TENURE_DAYS = "tenure_days";
  public static final String MEAN_GAP_DAYS = "mean_gap_days";
  public static final String MAX_GAP_DAYS = "max_gap_days";
  public static final String GAP_STD_DAYS = "gap_std_days";
  public static final String OVERDUE_RATIO = "overdue_ratio";
  public static final String ORDERS_LAST_90 = "orders_last_90";
  public static final String ORDERS_PREV_90 = "orders_prev_90";
  public static final String TREND = "trend";
  public static final String REFUND_SHARE = "refund_share";
  public static final String P_ALIVE = "p_alive";
  public static final String EXPECTED_PURCHASES = "expected_purchases";
  /** BG/NBD P(no purchase in (c, c + H]) from the fit at the cutoff: the BTYD churn baseline, also a feature. */
  public static final String P_NO_PURCHASE = "p_no_purchase";
  /** Cohort as a tenure bucket: whole calendar months from the first purchase's month to the cutoff's month. */
  public static final String COHORT_MONTHS = "cohort_months";
  /** Days since last purchase / the usual gap (median gap with &ge; 2 gaps, else the BG/NBD expected gap). */
  public static final String OVERDUE_FACTOR = "overdue_factor";
  /** Days since last purchase &times; the BG/NBD purchase rate (r + x) / (alpha + T), both in days. */
  public static final String OVERDUE_BTYD = "overdue_btyd";
  public static final String ORDERS_LAST_30 = "orders_last_30";
  public static final String ORDERS_LAST_180 = "orders_last_180";
  public static final String SPEND_LAST_30 = "spend_last_30";
  public static final String SPEND_LAST_90 = "spend_last_90";
  public static final String SPEND_LAST_180 = "spend_last_180";
  /** (orders in the last 30 days &times; 3 + 1) / (orders in the last 90 days + 1). */
  public static final String ORDERS_RATIO_30_90 = "orders_ratio_30_90";
  /** (orders in the last 90 days &times; 2 + 1) / (orders in the last 180 days + 1). */
  public static final String ORDERS_RATIO_90_180 = "orders_ratio_90_180";
  /** (max(0, spend 90) &times; 2 + 1) / (max(0, spend 180) + 1). */
  public static final String SPEND_RATIO_90_180 = "spend_ratio_90_180";
  /** Prefix of a configured categorical attribute's feature column (STRING, NULL when never set). */
  public static final String ATTRIBUTE_PREFIX = "attr_";

  /** The model's inputs, in vector order. Changing this list changes the feature schema of new models. */
  public static final List<String> FEATURES = List.of(RECENCY_DAYS, PURCHASE_DAYS, ORDERS, NET_REVENUE,
      AVG_ORDER_VALUE, TENURE_DAYS, MEAN_GAP_DAYS, MAX_GAP_DAYS, GAP_STD_DAYS, OVERDUE_RATIO, ORDERS_LAST_90,
      ORDERS_PREV_90, TREND, REFUND_SHARE, P_ALIVE, EXPECTED_PURCHASES, P_NO_PURCHASE, COHORT_MONTHS,
      OVERDUE_FACTOR, OVERDUE_BTYD, ORDERS_LAST_30, ORDERS_LAST_180, SPEND_LAST_30, SPEND_LAST_90, SPEND_LAST_180,
      ORDERS_RATIO_30_90, ORDERS_RATIO_90_180, SPEND_RATIO_90_180);

  /**
   * The skewed counts, amounts and durations of FEATURES, which the model pipeline feeds to the classifier as
   * log(1 + max(0, value)) (a linear model on raw days and money is dominated by a few large customers).
   */
  public static final List<String> LOG_SCALED = List.of(RECENCY_DAYS, PURCHASE_DAYS, ORDERS, NET_REVENUE,
      AVG_ORDER_VALUE, TENURE_DAYS, MEAN_GAP_DAYS, MAX_GAP_DAYS, GAP_STD_DAYS, OVERDUE_RATIO, ORDERS_LAST_90,
      ORDERS_PREV_90, TREND, EXPECTED_PURCHASES, OVERDUE_FACTOR, OVERDUE_BTYD, ORDERS_LAST_30, ORDERS_LAST_180,
      SPEND_LAST_30, SPEND_LAST_90, SPEND_LAST_180);

  /** The feature column of the configured categorical attribute {@code name}: {@code attr_<name>}. */
  public static String attribute(String name) {
    return ATTRIBUTE_PREFIX + name;
  }

  // descriptive (not model inputs)
  public static final String LAST_ORDER_DATE = "last_order_date";
  public static final String FIRST_ORDER_DATE = "first_order_date";
  public static final String IN_LOOKBACK = "in_lookback";
  /** Median of the gaps between purchase days (NULL with fewer than 2 gaps). */
  public static final String MEDIAN_GAP_DAYS = "median_gap_days";
  /** Last purchase day + the median gap (&ge; 2 gaps), else + the BG/NBD expected inter-purchase time. */
  public static final String EXPECTED_NEXT_PURCHASE = "expected_next_purchase";
  /** max(0, cutoff or score date &minus; expected next purchase), whole days. */
  public static final String DAYS_OVERDUE = "days_overdue";

  // gold.churn_scores
  public static final String SCORE_DATE = "score_date";
  public static final String CHURN_RISK = "churn_risk";
  public static final String RISK_BAND = "risk_band";
  public static final String TOP_REASONS = "top_reasons";
  public static final String MODEL_VERSION = "model_version";
  public static final String USUAL_GAP_DAYS = "usual_gap_days";
  public static final String BAND_HIGH = "high";
  public static final String BAND_MEDIUM = "medium";
  public static final String BAND_LOW = "low";

  // export
  public static final String VALUE_AT_RISK = "value_at_risk";
  /** churn_risk × predicted CLV × the configured save rate: what the list is ranked by. */
  public static final String EXPECTED_VALUE_SAVED = "expected_value_saved";
  /** treatment (contact) or control (hold out) — a keyed hash of customer id and list period. */
  public static final String GROUP = "group";
  public static final String DAYS_SINCE_LAST_PURCHASE = "days_since_last_purchase";
  public static final String SUGGESTED_ACTION = "suggested_action";
  /** The expected next purchase in words: "expected by 2025-11-04, 23 days overdue". */
  public static final String NEXT_PURCHASE = "next_purchase";
  /** The configured play for the customer's RFM segment in its risk band. */
  public static final String SEGMENT_ACTION = "segment_action";
  /** The CRM's key of the customer: the latest value of the configured attribute (export.matchKey). */
  public static final String MATCH_KEY = "match_key";
}
