package io.retention.generate;

import static org.apache.spark.sql.functions.col;

import io.retention.generate.CustomerSimulator.Event;
import io.retention.generate.LineFormat.Line;
import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Synthetic purchase logs written like a landing zone: {@code <out>/<yyyy-MM-dd>.csv} (or {@code .jsonl}), one
 * file per day of the window, in the canonical layout ({@link LineFormat#COLUMNS}).
 *
 * <p>How: {@code spark.range(customers)} → {@link CustomerSimulator} per customer (seeded per row, BG/NBD with
 * seasonal arrivals, see {@link GeneratorOptions}) → one line per order; {@code spark.range(badRows)} →
 * {@link BadRows}; one header line per CSV file. Lines are byte arrays, so bad bytes survive; they are
 * repartitioned by file (one shuffle of every line), sorted within the file (header, orders by time, bad rows,
 * an unterminated quote last) and written with Spark's text writer partitioned by file; the driver then renames
 * each part file to its final name ({@link DailyFileWriter}). The summary is one more pass over the generator
 * (no shuffle) whose small per-kind counts reach the driver; no row ever does.
 */
public final class SyntheticPurchases {
  public static final String FILE = "file";
  public static final String RANK = "rank";
  public static final String TS = "ts";
  public static final String KIND = "kind";
  public static final String NOTE = "note";
  public static final String LINE = "line";
  public static final String HEADER = "header";

  /** The generated lines, before they are written. */
  public static final StructType LINES = Schemas.struct(
      Schemas.field(FILE, DataTypes.StringType),
      Schemas.field(RANK, DataTypes.IntegerType),
      Schemas.field(TS, DataTypes.LongType),
      Schemas.field(KIND, DataTypes.StringType),
      Schemas.field(NOTE, DataTypes.StringType),
      Schemas.field(LINE, DataTypes.BinaryType));

  private static final long CUSTOMERS_PER_SLICE = 20_000;
  private static final long LINES_PER_WRITE_TASK = 250_000;

  /** What was written: counts by kind and the file names. */
  public record Result(String out, int files, long orders, long refunds, long customers, long trickyRows,
      Map<String, Long> badRows, Map<String, Long> tricky, double alpha, double expectedOrders) {
    public long badRowCount() {
      return badRows.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final SparkSession spark;
  private final GeneratorOptions options;
  private final String out;

  public SyntheticPurchases(SparkSession spark, GeneratorOptions options, String out) {
    this.spark = spark;
    this.options = options;
    this.out = out;
  }

  /** Writes the files and returns what was written. */
  public Result run() throws java.io.IOException {
    double alpha = Calibration.resolveAlpha(options);
    GeneratorOptions o = options.withAlpha(alpha);
    spark.sparkContext().setJobGroup("generate", "generate synthetic purchases into " + out, false);
    try {
      Dataset<Row> lines = compute(spark, o);
      long estimate = o.orders() + BadRows.count(o) + o.days();
      int tasks = (int) Math.max(1, Math.min(o.days() + 2L, estimate / LINES_PER_WRITE_TASK + 1));
      DailyFileWriter files = new DailyFileWriter(spark, out, o.csv() ? "csv" : "jsonl");
      int written = files.write(lines.repartition(tasks, col(FILE)), o);
      return summarize(lines, o, written, alpha);
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  /** Every line of every file: (file, rank, ts, kind, note, line). Reads nothing, writes nothing. */
  public static Dataset<Row> compute(SparkSession spark, GeneratorOptions options) {
    GeneratorOptions o = options.withAlpha(Calibration.resolveAlpha(options));
    CustomerSimulator sim = new CustomerSimulator(o, o.alpha());
    int slices = (int) Math.max(2, Math.min(1000, o.customers() / CUSTOMERS_PER_SLICE));
    boolean csv = o.csv();
    Dataset<Row> lines = spark.range(0, o.customers(), 1, slices)
        .flatMap((FlatMapFunction<Long, Row>) id -> orders(sim, csv, id).iterator(), Encoders.row(LINES));
    long bad = BadRows.count(o);
    if (bad > 0) {
      BadRows badRows = new BadRows(o, sim);
      lines = lines.union(spark.range(0, bad, 1, Math.max(1, (int) Math.min(slices, bad / 10_000 + 1)))
          .map((MapFunction<Long, Row>) i -> row(badRows.row(i)), Encoders.row(LINES)));
    }
    return csv ? lines.union(headers(spark, o, bad > 0)) : lines;
  }

  private static List<Row> orders(CustomerSimulator sim, boolean csv, long id) {
    List<Event> events = sim.events(id);
    List<Row> rows = new ArrayList<>(events.size());
    for (Event e : events) {
      rows.add(RowFactory.create(sim.fileOf(e.day()), 0, e.epochSecond(), e.kind(), e.note(),
          LineFormat.bytes(LineFormat.line(csv, e.fields()))));
    }
    return rows;
  }

  static Row row(Line l) {
    return RowFactory.create(l.file(), l.rank(), l.ts(), l.kind(), l.note(), l.bytes());
  }

  private static Dataset<Row> headers(SparkSession spark, GeneratorOptions o, boolean bad) {
    byte[] header = LineFormat.bytes(LineFormat.csvHeader(LineFormat.COLUMNS));
    CustomerSimulator sim = new CustomerSimulator(o, 1.0);
    Dataset<Row> daily = spark.range(0, o.days(), 1, 1).map((MapFunction<Long, Row>) d ->
        RowFactory.create(sim.fileOf(d.intValue()), -1, 0L, HEADER, null, header), Encoders.row(LINES));
    List<Row> extra = new ArrayList<>();
    if (bad && o.badRowsFile()) {
      extra.add(RowFactory.create(BadRows.BAD_ROWS_FILE, -1, 0L, HEADER, null, header));
    }
    if (bad && new BadRows(o, sim).slots(BadKind.MISSING_COLUMN) > 0) {
      List<String> cols = new ArrayList<>(LineFormat.COLUMNS);
      cols.remove(Columns.AMOUNT);
      extra.add(RowFactory.create(BadRows.MISSING_COLUMN_FILE, -1, 0L, HEADER, null,
          LineFormat.bytes(LineFormat.csvHeader(cols))));
    }
    return extra.isEmpty() ? daily : daily.union(spark.createDataFrame(extra, LINES));
  }

  private Result summarize(Dataset<Row> lines, GeneratorOptions o, int files, double alpha) {
    Map<String, Long> bad = new TreeMap<>();
    Map<String, Long> tricky = new TreeMap<>();
    long purchases = 0;
    long refunds = 0;
    for (Row r : lines.groupBy(KIND, NOTE).count().collectAsList()) {
      String kind = r.getString(0);
      long n = r.getLong(2);
      if (Columns.KIND_PURCHASE.equals(kind) || Columns.KIND_REFUND.equals(kind)) {
        purchases += Columns.KIND_PURCHASE.equals(kind) ? n : 0;
        refunds += Columns.KIND_REFUND.equals(kind) ? n : 0;
        if (!r.isNullAt(1)) {
          tricky.merge(r.getString(1), n, Long::sum);
        }
      } else if (!HEADER.equals(kind)) {
        bad.merge(kind, n, Long::sum);
      }
    }
    long trickyRows = tricky.values().stream().mapToLong(Long::longValue).sum();
    return new Result(out, files, purchases + refunds, refunds, o.customers(), trickyRows, bad, tricky,
        alpha, Calibration.expectedOrders(o, alpha));
  }
}
