package io.retention.metrics;

import static io.retention.schema.MetricsColumns.ACTIVE_CUSTOMERS;
import static io.retention.schema.MetricsColumns.BREAKDOWN;
import static io.retention.schema.MetricsColumns.CAPPED_REVENUE_RETENTION;
import static io.retention.schema.MetricsColumns.COHORTS;
import static io.retention.schema.MetricsColumns.COHORT_SIZE;
import static io.retention.schema.MetricsColumns.CUSTOMERS;
import static io.retention.schema.MetricsColumns.GRAIN;
import static io.retention.schema.MetricsColumns.IS_COMPLETE;
import static io.retention.schema.MetricsColumns.NET_REVENUE_RETENTION;
import static io.retention.schema.MetricsColumns.PERIOD_INDEX;
import static io.retention.schema.MetricsColumns.RETENTION_RATE;
import static io.retention.schema.MetricsColumns.UNBOUNDED_RETENTION_RATE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * gold.cohort_retention_all: one "all cohorts" row per (breakdown value ×) period index k, over the cohorts
 * whose period k is complete at the as-of date (an unfinished period would pull the average down).
 *
 * <ul>
 *   <li>{@code cohorts}: how many cohorts have period k complete; {@code customers}: the sum of their sizes.</li>
 *   <li>Each rate is the cohort-size-weighted mean of the cohorts' rates: sum(rate × cohort_size) /
 *       sum(cohort_size), so every customer counts once; for {@code retention_rate} this is sum(active) /
 *       sum(size). A revenue rate skips the cohorts where it is NULL (no positive period-0 revenue), in the
 *       weights too.</li>
 * </ul>
 *
 * <p>Cost: computed from gold.cohort_retention (cohorts × periods rows), one small aggregate.
 */
public final class CohortAverages {
  private CohortAverages() {}

  /** From the rows of gold.cohort_retention written with the options {@code o}. */
  public static Dataset<Row> fromCells(Dataset<Row> cells, MetricsStage.Options o) {
    List<Column> keys = new ArrayList<>(List.of(col(GRAIN)));
    if (o.breakdown() != null) {
      keys.add(col(BREAKDOWN));
    }
    keys.add(col(PERIOD_INDEX));
    return cells.filter(col(IS_COMPLETE))
        .groupBy(keys.toArray(new Column[0]))
        .agg(count(lit(1)).as(COHORTS),
            sum(COHORT_SIZE).as(CUSTOMERS),
            expr("sum(" + ACTIVE_CUSTOMERS + ") / sum(" + COHORT_SIZE + ")").as(RETENTION_RATE),
            weighted(UNBOUNDED_RETENTION_RATE),
            weighted(NET_REVENUE_RETENTION),
            weighted(CAPPED_REVENUE_RETENTION));
  }

  /** sum(rate × size) / sum(size) over the cohorts where the rate is not NULL. */
  private static Column weighted(String rate) {
    return expr("sum(" + rate + " * " + COHORT_SIZE + ") / sum(IF(" + rate + " IS NULL, NULL, " + COHORT_SIZE
        + "))").as(rate);
  }
}
