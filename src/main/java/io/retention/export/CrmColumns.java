package io.retention.export;

import static io.retention.schema.ChurnColumns.MATCH_KEY;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trim;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.metrics.RfmSegments;
import io.retention.metrics.SegmentRules;
import io.retention.schema.Columns;
import io.retention.schema.MetricsColumns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The per-customer columns a CRM import needs beside the scores: {@code segment} (gold.customers' RFM segment,
 * computed at the score date) and {@code match_key}.
 *
 * <ul>
 *   <li>{@code match_key}: the value of the attribute {@code export.matchKey} (e.g. {@code email},
 *       {@code crm_id}) in silver.purchases' {@code attributes}, from the customer's latest order (purchase or
 *       refund) on or before the score date that carries a non-blank value: latest {@code order_ts}, then the
 *       greatest {@code order_id}. An order without the attribute does not erase an earlier value.</li>
 * </ul>
 *
 * <p>Cost: the segments are a two-column read of gold.customers when metrics wrote it for the score date (else a
 * pass over the state); the match key one aggregation (shuffle) of silver.purchases up to the score date;
 * nothing reaches the driver.
 */
public final class CrmColumns {
  private CrmColumns() {}

  /**
   * customer_id, segment and match_key at {@code asOf}: the RFM segment from the state gold.customer_activity
   * (as gold.customers computes it), the match key from silver.purchases when {@code matchKey} is not null.
   */
  public static Dataset<Row> at(Dataset<Row> state, Dataset<Row> purchases, LocalDate asOf, int activeWindowDays,
      SegmentRules rules, String matchKey) {
    Dataset<Row> segments = RfmSegments.at(state, asOf, activeWindowDays, rules);
    return of(segments, matchKey == null ? null : matchKeys(purchases, asOf, matchKey));
  }

  /**
   * As {@link #at(Dataset, Dataset, LocalDate, int, SegmentRules, String)} from the warehouse: the segments are read
   * from gold.customers when metrics wrote it for this date, window and rules ({@link RfmSegments#written}: the
   * same values, without a second pass over every customer), else computed from the state.
   */
  public static Dataset<Row> at(DeltaTables tables, LocalDate asOf, int activeWindowDays, SegmentRules rules,
      String matchKey) {
    Dataset<Row> segments = RfmSegments.written(tables, asOf, activeWindowDays, rules).orElseGet(() ->
        RfmSegments.at(tables.read(Table.CUSTOMER_ACTIVITY), asOf, activeWindowDays, rules));
    return of(segments, matchKey == null ? null : matchKeys(tables.read(Table.PURCHASES), asOf, matchKey));
  }

  /** customer_id and match_key: the latest non-blank value of {@code attribute} on or before {@code asOf}. */
  public static Dataset<Row> matchKeys(Dataset<Row> purchases, LocalDate asOf, String attribute) {
    Column value = element_at(col(Columns.ATTRIBUTES), lit(attribute));
    return purchases.where(col(Columns.ORDER_DATE).leq(lit(Date.valueOf(asOf))))
        .where(value.isNotNull().and(trim(value).notEqual("")))
        .groupBy(col(Columns.CUSTOMER_ID))
        .agg(max_by(value, struct(col(Columns.ORDER_TS), col(Columns.ORDER_ID))).as(MATCH_KEY));
  }

  /** customer_id, segment and match_key from either side (a missing side gives NULL cells). */
  public static Dataset<Row> of(Dataset<Row> segments, Dataset<Row> matchKeys) {
    Dataset<Row> s = segments.select(col(Columns.CUSTOMER_ID), col(MetricsColumns.SEGMENT));
    if (matchKeys == null) {
      return s.withColumn(MATCH_KEY, lit(null).cast(DataTypes.StringType));
    }
    return s.join(matchKeys, scala.jdk.javaapi.CollectionConverters.asScala(List.of(Columns.CUSTOMER_ID)).toSeq(),
        "full_outer");
  }

  /** {@code rows} with segment and match_key joined on by customer_id ({@code crm} null: NULL cells). */
  static Dataset<Row> join(Dataset<Row> rows, Dataset<Row> crm) {
    if (crm == null) {
      return rows.withColumn(MetricsColumns.SEGMENT, lit(null).cast(DataTypes.StringType))
          .withColumn(MATCH_KEY, lit(null).cast(DataTypes.StringType));
    }
    Dataset<Row> c = crm.select(col(Columns.CUSTOMER_ID).as("__crm_id"), col(MetricsColumns.SEGMENT),
        col(MATCH_KEY));
    return rows.join(c, rows.col(Columns.CUSTOMER_ID).equalTo(c.col("__crm_id")), "left").drop("__crm_id");
  }
}
