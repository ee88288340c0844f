package io.retention.schema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Precondition checks a stage runs on its input before starting any Spark job (STYLE habit 5). */
public final class SchemaChecks {
  private SchemaChecks() {}

  /**
   * Fails with a message naming the missing columns (and the available ones) when {@code df} lacks any
   * column of {@code required}, or has it with another type.
   */
  public static void require(String stage, Dataset<Row> df, StructType required) {
    StructType actual = df.schema();
    List<String> problems = new ArrayList<>();
    for (StructField f : required.fields()) {
      int idx = Arrays.asList(actual.fieldNames()).indexOf(f.name());
      if (idx < 0) {
        problems.add("missing column " + f.name());
      } else if (!actual.fields()[idx].dataType().sameType(f.dataType())) {
        problems.add("column " + f.name() + " is " + actual.fields()[idx].dataType().simpleString()
            + ", expected " + f.dataType().simpleString());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(stage + ": input does not fit: " + String.join("; ", problems)
          + " (available: " + String.join(", ", actual.fieldNames()) + ")");
    }
  }
}
