package io.retention.metrics;

import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/** Builders of silver.purchases fixtures and of expected tables (values given as short literals). */
final class Fixtures {
  private Fixtures() {}

  private static int seq;

  /** A purchase at noon UTC of {@code date}. */
  static Row purchase(String customer, String date, String amount) {
    return order(customer, date + "T12:00:00Z", date, amount, Columns.KIND_PURCHASE, Map.of());
  }

  static Row refund(String customer, String date, String amount) {
    return order(customer, date + "T12:00:00Z", date, amount, Columns.KIND_REFUND, Map.of());
  }

  static Row order(String customer, String ts, String date, String amount, String kind, Map<String, String> attrs) {
    return RowFactory.create("o" + (++seq), customer, Timestamp.from(Instant.parse(ts)), Date.valueOf(date),
        new BigDecimal(amount).setScale(2, RoundingMode.UNNECESSARY), "EUR", 1L, kind,
        CollectionConverters.asScala(attrs), "h" + seq, "fixture.csv", (long) seq, "run-1");
  }

  static Dataset<Row> purchases(Row... rows) {
    return purchases(Arrays.asList(rows));
  }

  static Dataset<Row> purchases(List<Row> rows) {
    return SharedSpark.get().createDataFrame(rows, Schemas.PURCHASES);
  }

  static MetricsStage.Options options(Grain grain, String asOf) {
    return MetricsStage.Options.defaults().withGrain(grain).withAsOf(LocalDate.parse(asOf));
  }

  /** An expected table: each value converted to its column's type (dates and decimals from strings). */
  static Dataset<Row> table(StructType schema, Object[]... rows) {
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) {
      Object[] v = new Object[r.length];
      for (int i = 0; i < r.length; i++) {
        v[i] = convert(r[i], schema.fields()[i].dataType());
      }
      out.add(RowFactory.create(v));
    }
    return SharedSpark.get().createDataFrame(out, schema);
  }

  private static Object convert(Object v, DataType t) {
    if (v == null) {
      return null;
    }
    if (t.equals(DataTypes.DateType)) {
      return Date.valueOf(v.toString());
    }
    if (t instanceof DecimalType d) {
      return new BigDecimal(v.toString()).setScale(d.scale(), RoundingMode.HALF_UP);
    }
    if (t.equals(DataTypes.LongType)) {
      return ((Number) v).longValue();
    }
    if (t.equals(DataTypes.IntegerType)) {
      return ((Number) v).intValue();
    }
    if (t.equals(DataTypes.DoubleType)) {
      return ((Number) v).doubleValue();
    }
    return v;
  }

  static StructType schema(Object... nameTypePairs) {
    List<StructField> f = new ArrayList<>();
    for (int i = 0; i < nameTypePairs.length; i += 2) {
      f.add(Schemas.field((String) nameTypePairs[i], (DataType) nameTypePairs[i + 1]));
    }
    return new StructType(f.toArray(new StructField[0]));
  }
}
