package io.retention.lake;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every Delta table of the warehouse: its layer (a Spark database) and name. The path is
 * {@code <warehouse>/<layer>/<name>}; {@code query} registers each existing table as {@code <name>} and
 * {@code <layer>.<name>}.
 */
public enum Table {
  PURCHASE_EVENTS("bronze", "purchase_events"),
  PURCHASES("silver", "purchases"),
  QUARANTINE("silver", "quarantine"),
  CUSTOMERS("gold", "customers"),
  CUSTOMER_ACTIVITY("gold", "customer_activity"),
  COHORT_RETENTION("gold", "cohort_retention"),
  COHORT_RETENTION_ALL("gold", "cohort_retention_all"),
  ROLLING_RETENTION("gold", "rolling_retention"),
  RETENTION_KPIS("gold", "retention_kpis"),
  PURCHASE_GAPS("gold", "purchase_gaps"),
  CLV_MODEL("gold", "clv_model"),
  CUSTOMER_CLV("gold", "customer_clv"),
  CLV_EVALUATION("gold", "clv_evaluation"),
  CHURN_FEATURES("gold", "churn_features"),
  CHURN_SCORES("gold", "churn_scores"),
  CHURN_EVALUATION("gold", "churn_evaluation"),
  /** Who was on each exported at-risk list, in file order, with their group (treatment / control). */
  AT_RISK_LISTS("gold", "at_risk_lists"),
  /** The backtest of past score dates: per band, decile, list and uplift (no customer ids). */
  CHURN_BACKTEST("gold", "churn_backtest"),
  RUNS("ops", "runs"),
  INGESTED_FILES("ops", "ingested_files"),
  REJECTED_FILES("ops", "rejected_files"),
  NIGHT_QUALITY("ops", "night_quality"),
  /**
   * Exchange rates to the reporting currency (loaded from a CSV by {@code rates} or {@code nightly}); the hub
   * converts every order's amount with them.
   */
  CURRENCY_RATES("ops", "currency_rates"),
  /** The audit of {@code forget}: one row per erased customer (keyed hash, never the id); also the suppression list. */
  ERASURES("ops", "erasures");

  private final String layer;
  private final String tableName;

  Table(String layer, String tableName) {
    this.layer = layer;
    this.tableName = tableName;
  }

  public String layer() {
    return layer;
  }

  public String tableName() {
    return tableName;
  }

  /** {@code layer.name}, the name analysts use in SQL. */
  public String qualifiedName() {
    return layer + "." + tableName;
  }

  public String path(String warehouse) {
    return stripSlash(warehouse) + "/" + layer + "/" + tableName;
  }

  public static Optional<Table> byName(String name) {
    return Arrays.stream(values())
        .filter(t -> t.tableName.equals(name) || t.qualifiedName().equals(name))
        .findFirst();
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
