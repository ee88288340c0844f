package io.retention.metrics;

import io.retention.schema.Columns;
import io.retention.schema.EpochDays;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@link CustomerActivity#gaps} in plain Java, one state row ({@code customer_id}, {@code activity}) at a time:
 * Spark evaluates the higher-order SQL functions this replaces ({@code filter}, {@code transform} over a
 * {@code sequence}) without code generation. The purchase days up to as-of are the entries with a day on or before
 * it and purchases &gt; 0 ({@link CustomerActivity#isPurchaseDay}), in the state's day order; each day after the
 * first gives one row: its ordinal {@code n} (2 for the second) and the days since the one before.
 */
final class GapRows implements FlatMapFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  static final StructType SCHEMA = new StructType()
      .add(Columns.CUSTOMER_ID, DataTypes.StringType, true)
      .add("n", DataTypes.IntegerType, false)
      .add("gap_days", DataTypes.IntegerType, false);

  private final long asOfDay;

  GapRows(long asOfDay) {
    this.asOfDay = asOfDay;
  }

  @Override
  public Iterator<Row> call(Row r) {
    List<Row> out = new ArrayList<>();
    if (r.isNullAt(1)) {
      return out.iterator();
    }
    String id = r.getString(0);
    int n = 0;
    long previous = 0;
    for (Row x : r.<Row>getList(1)) {
      if (x == null || x.isNullAt(0) || !CustomerActivity.isPurchaseDay(x.isNullAt(1) ? null : x.getLong(1))) {
        continue;
      }
      long day = EpochDays.of(x.getDate(0));
      if (day > asOfDay) {
        continue;
      }
      n++;
      if (n >= 2) {
        out.add(RowFactory.create(id, n, (int) (day - previous)));
      }
      previous = day;
    }
    return out.iterator();
  }
}
