package io.retention.testing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Rows as text, the same for Spark and for the Delta Kernel, so readers can be compared value by value: one line
 * per row, {@code column=value|…} (line breaks in text escaped), sorted; dates as ISO days, timestamps as UTC
 * instants, decimals plain, arrays {@code […]}, structs {@code {k=v,…}}, maps the same in key order.
 */
public final class RowText {
  private RowText() {}

  /** Spark rows, sorted. */
  public static List<String> ofSpark(List<Row> rows) {
    List<String> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(struct(r, r.schema(), "|"));
    }
    out.sort(null);
    return out;
  }

  /** Adds every selected row of a Kernel batch to {@code out} (sort it when all batches are in). */
  public static void addKernel(io.delta.kernel.data.FilteredColumnarBatch batch, List<String> out) {
    io.delta.kernel.data.ColumnarBatch data = batch.getData();
    io.delta.kernel.types.StructType schema = data.getSchema();
    for (int i = 0; i < data.getSize(); i++) {
      if (batch.getSelectionVector().isPresent() && !selected(batch.getSelectionVector().get(), i)) {
        continue;
      }
      StringJoiner row = new StringJoiner("|");
      for (int c = 0; c < schema.length(); c++) {
        row.add(schema.at(c).getName() + "=" + kernel(data.getColumnVector(c), i));
      }
      out.add(row.toString());
    }
  }

  private static boolean selected(io.delta.kernel.data.ColumnVector selection, int i) {
    return !selection.isNullAt(i) && selection.getBoolean(i);
  }

  private static String struct(Row r, StructType schema, String separator) {
    StringJoiner out = new StringJoiner(separator);
    StructField[] fields = schema.fields();
    for (int c = 0; c < fields.length; c++) {
      out.add(fields[c].name() + "=" + spark(r.isNullAt(c) ? null : r.get(c), fields[c].dataType()));
    }
    return out.toString();
  }

  private static String spark(Object v, DataType type) {
    if (v == null) {
      return "null";
    }
    if (type instanceof StructType s) {
      return "{" + struct((Row) v, s, ",") + "}";
    }
    if (type instanceof ArrayType a) {
      StringJoiner out = new StringJoiner(",", "[", "]");
      for (Object e : scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) v)) {
        out.add(spark(e, a.elementType()));
      }
      return out.toString();
    }
    if (type instanceof MapType m) {
      List<String> entries = new ArrayList<>();
      for (Map.Entry<?, ?> e : scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Map<?, ?>) v)
          .entrySet()) {
        entries.add(spark(e.getKey(), m.keyType()) + "=" + spark(e.getValue(), m.valueType()));
      }
      return map(entries);
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate().toString();
    }
    if (v instanceof java.sql.Timestamp t) {
      return t.toInstant().toString();
    }
    return scalar(v);
  }

  private static String kernel(io.delta.kernel.data.ColumnVector v, int i) {
    if (v.isNullAt(i)) {
      return "null";
    }
    io.delta.kernel.types.DataType type = v.getDataType();
    if (type instanceof io.delta.kernel.types.StructType s) {
      StringJoiner out = new StringJoiner(",", "{", "}");
      for (int c = 0; c < s.length(); c++) {
        out.add(s.at(c).getName() + "=" + kernel(v.getChild(c), i));
      }
      return out.toString();
    }
    if (type instanceof io.delta.kernel.types.ArrayType) {
      io.delta.kernel.data.ArrayValue a = v.getArray(i);
      StringJoiner out = new StringJoiner(",", "[", "]");
      for (int e = 0; e < a.getSize(); e++) {
        out.add(kernel(a.getElements(), e));
      }
      return out.toString();
    }
    if (type instanceof io.delta.kernel.types.MapType) {
      io.delta.kernel.data.MapValue m = v.getMap(i);
      List<String> entries = new ArrayList<>();
      for (int e = 0; e < m.getSize(); e++) {
        entries.add(kernel(m.getKeys(), e) + "=" + kernel(m.getValues(), e));
      }
      return map(entries);
    }
    return scalar(kernelScalar(v, i, type));
  }

  private static Object kernelScalar(io.delta.kernel.data.ColumnVector v, int i, io.delta.kernel.types.DataType t) {
    if (t instanceof io.delta.kernel.types.StringType) {
      return v.getString(i);
    } else if (t instanceof io.delta.kernel.types.LongType) {
      return v.getLong(i);
    } else if (t instanceof io.delta.kernel.types.IntegerType) {
      return v.getInt(i);
    } else if (t instanceof io.delta.kernel.types.DoubleType) {
      return v.getDouble(i);
    } else if (t instanceof io.delta.kernel.types.BooleanType) {
      return v.getBoolean(i);
    } else if (t instanceof io.delta.kernel.types.DecimalType) {
      return v.getDecimal(i);
    } else if (t instanceof io.delta.kernel.types.DateType) {
      return LocalDate.ofEpochDay(v.getInt(i)).toString();
    } else if (t instanceof io.delta.kernel.types.TimestampType) {
      long micros = v.getLong(i);
      return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000)
          .toString();
    } else if (t instanceof io.delta.kernel.types.BinaryType) {
      return v.getBinary(i);
    }
    throw new IllegalArgumentException("no text for Kernel type " + t);
  }

  /** Map entries in key order (Spark's Scala maps do not keep the stored order past four entries). */
  private static String map(List<String> entries) {
    entries.sort(null);
    return "{" + String.join(",", entries) + "}";
  }

  private static String scalar(Object v) {
    if (v instanceof String text) { // one row, one line: values may hold line breaks
      return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof byte[] b) {
      return HexFormat.of().formatHex(b);
    }
    return String.valueOf(v);
  }
}
