package io.retention.metrics;

import static io.retention.schema.Columns.AMOUNT;
import static io.retention.schema.Columns.ATTRIBUTES;
import static io.retention.schema.Columns.CUSTOMER_ID;
import static io.retention.schema.Columns.KIND;
import static io.retention.schema.Columns.KIND_PURCHASE;
import static io.retention.schema.Columns.ORDER_DATE;
import static io.retention.schema.Columns.ORDER_ID;
import static io.retention.schema.Columns.ORDER_TS;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import io.retention.schema.MetricsColumns;
import io.retention.schema.SchemaChecks;
import io.retention.schema.Schemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One row per customer with everything the metrics tables need, built in ONE aggregation (one shuffle of the
 * purchases by customer id): the sorted distinct purchase days, the (day, amount) of every order including
 * refunds, the number of purchase orders, the net revenue and, with a breakdown, the attribute value of the
 * customer's first purchase. Rows after the as-of date are ignored. Customers whose only activity is refunds
 * get an empty {@code days} array (the tables that need a cohort drop them).
 */
public final class CustomerActivity {
  /** Sorted distinct purchase days: {@code ARRAY<DATE>}. */
  static final String DAYS = "days";
  /** Every order: {@code ARRAY<STRUCT<d: DATE, a: DECIMAL(18,2)>>}. */
  static final String LINES = "lines";

  static final StructType REQUIRED = Schemas.struct(
      Schemas.field(ORDER_ID, DataTypes.StringType),
      Schemas.field(CUSTOMER_ID, DataTypes.StringType),
      Schemas.field(ORDER_TS, DataTypes.TimestampType),
      Schemas.field(ORDER_DATE, DataTypes.DateType),
      Schemas.field(AMOUNT, Schemas.MONEY),
      Schemas.field(KIND, DataTypes.StringType));

  private CustomerActivity() {}

  /** Checks the input columns (and the attributes map when a breakdown is asked for) before any job runs. */
  static void check(Dataset<Row> purchases, MetricsStage.Options o) {
    SchemaChecks.require(MetricsStage.STAGE, purchases, REQUIRED);
    if (o.breakdown() != null) {
      SchemaChecks.require(MetricsStage.STAGE, purchases,
          Schemas.struct(Schemas.field(ATTRIBUTES, Schemas.STRING_MAP)));
    }
  }

  /** Purchases on or before the as-of date ({@code o} must be resolved). */
  static Dataset<Row> upToAsOf(Dataset<Row> purchases, MetricsStage.Options o) {
    return purchases.filter(col(ORDER_DATE).leq(lit(java.sql.Date.valueOf(o.asOf()))));
  }

  public static Dataset<Row> compute(Dataset<Row> purchases, MetricsStage.Options options) {
    check(purchases, options);
    MetricsStage.Options o = options.resolve(purchases);
    Column isPurchase = col(KIND).equalTo(KIND_PURCHASE);
    List<Column> aggs = new ArrayList<>(List.of(
        array_sort(collect_set(when(isPurchase, col(ORDER_DATE)))).as(DAYS),
        collect_list(struct(col(ORDER_DATE).as("d"), col(AMOUNT).as("a"))).as(LINES),
        count(when(isPurchase, lit(1))).as(MetricsColumns.ORDERS),
        sum(col(AMOUNT)).cast(Schemas.MONEY).as(MetricsColumns.NET_REVENUE)));
    if (o.breakdown() != null) {
      Column value = try_element_at(col(ATTRIBUTES), lit(o.breakdown()));
      aggs.add(min_by(value, when(isPurchase, struct(col(ORDER_TS), col(ORDER_ID)))).as(MetricsColumns.BREAKDOWN));
    }
    return upToAsOf(purchases, o).groupBy(col(CUSTOMER_ID))
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0]));
  }

  /** The columns that identify a cohort: the breakdown value (when asked for) then the cohort. */
  static List<String> cohortKeys(MetricsStage.Options o, String cohortColumn) {
    return o.breakdown() == null ? List.of(cohortColumn) : List.of(MetricsColumns.BREAKDOWN, cohortColumn);
  }
}
