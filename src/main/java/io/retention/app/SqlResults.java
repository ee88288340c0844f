package io.retention.app;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Option;

/**
 * Writes a SQL result the way {@code query} and {@code sql} print it: {@code table} (Spark's grid, at most
 * {@code limit} rows, for people), {@code csv} (header + rows, RFC 4180) or {@code json} (one JSON object a line).
 */
final class SqlResults {
  static final String[] FORMATS = {"table", "csv", "json"};

  private SqlResults() {}

  /** {@code --format} and {@code --limit} of {@code query} and {@code sql} (a picocli mixin). */
  static final class Options {
    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
        description = "table (for people), csv (header + rows; maps, arrays and structs as JSON) or json (JSON Lines). "
            + "Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--limit", defaultValue = "1000", paramLabel = "N",
        description = "Rows shown by --format table. Default: ${DEFAULT-VALUE}.")
    int limit;

    void validate() {
      JobConfig.oneOf("--format", format, FORMATS);
    }
  }

  static void print(Dataset<Row> result, String format, int limit, PrintStream out) throws IOException {
    switch (format) {
      case "csv" -> writeCsv(result, out);
      case "json" -> result.toJSON().toLocalIterator().forEachRemaining(out::println);
      // Spark's grid as show() prints it, but to `out` (show() writes to the JVM's stdout)
      default -> out.println(((org.apache.spark.sql.classic.Dataset<Row>) result).showString(limit, 0, false));
    }
    out.flush();
  }

  private static void writeCsv(Dataset<Row> result, PrintStream out) throws IOException {
    PrintWriter w = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    CSVPrinter p = new CSVPrinter(w, CSVFormat.RFC4180.builder().setHeader(result.columns()).get());
    Iterator<Row> it = withJsonCells(result).toLocalIterator();
    while (it.hasNext()) {
      Row r = it.next();
      Object[] vals = new Object[r.length()];
      for (int i = 0; i < vals.length; i++) {
        vals[i] = r.isNullAt(i) ? "" : r.get(i);
      }
      p.printRecord(vals);
    }
    p.flush(); // not closed: that would close the caller's stream (the shell prints several results)
  }

  /** Maps, arrays and structs as JSON text (a CSV cell would otherwise hold Scala's {@code Map(k -> v)}). */
  private static Dataset<Row> withJsonCells(Dataset<Row> result) {
    StructField[] fields = result.schema().fields();
    Column[] cols = new Column[fields.length];
    for (int i = 0; i < fields.length; i++) {
      DataType t = fields[i].dataType();
      Column c = result.col("`" + fields[i].name().replace("`", "``") + "`");
      cols[i] = t instanceof MapType || t instanceof ArrayType || t instanceof StructType
          ? functions.to_json(c).as(fields[i].name()) : c;
    }
    return result.select(cols);
  }
}
