package io.retention.lake;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Which column statistics the tables holding customer data keep in their Delta log. Delta records per data file
 * the minimum and maximum value of its first 32 columns in every commit (and checkpoint, and .crc file); for a
 * text column those are values of the data, e.g. a customer id, and the log outlives VACUUM. So these tables are
 * created with {@code delta.dataSkippingStatsColumns} naming only their non-text columns (numbers, dates,
 * timestamps, booleans): no customer id, order id, raw record or detail text, or any other text that may hold one,
 * ever reaches the log. Tables created before are rewritten once by {@code forget} ({@link #needsMigration}).
 */
public final class IdStatistics {
  private IdStatistics() {}

  public static final String STATS_COLUMNS = "delta.dataSkippingStatsColumns";

  /** The tables holding customer ids or records: bronze, silver, quarantine and the per-customer gold tables. */
  public static final Set<Table> HOLDING_IDS = EnumSet.of(Table.PURCHASE_EVENTS, Table.PURCHASES,
      Table.QUARANTINE, Table.CUSTOMERS, Table.CUSTOMER_ACTIVITY, Table.CUSTOMER_CLV, Table.CHURN_FEATURES,
      Table.CHURN_SCORES, Table.AT_RISK_LISTS);

  /** The columns of {@code schema} statistics are kept for: top-level numbers, dates, timestamps and booleans. */
  public static String statsColumns(StructType schema) {
    List<String> out = new ArrayList<>();
    for (StructField f : schema.fields()) {
      var t = f.dataType();
      if (t instanceof NumericType || t instanceof DateType || t instanceof TimestampType
          || t instanceof TimestampNTZType || t instanceof BooleanType) {
        out.add(f.name());
      }
    }
    return String.join(",", out);
  }

  /** Whether the existing {@code table} was created without the restriction (and must be rewritten once). */
  public static boolean needsMigration(DeltaTables tables, Table table) {
    return HOLDING_IDS.contains(table) && tables.exists(table)
        && !tables.properties(table).containsKey(STATS_COLUMNS);
  }
}
