package io.retention.schema;

import static io.retention.schema.Columns.*;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Explicit schemas of every table this project writes (never inferred). */
public final class Schemas {
  private Schemas() {}

  /** Money is DECIMAL(18,2) everywhere. */
  public static final DecimalType MONEY = DataTypes.createDecimalType(18, 2);
  /** What Spark's sum of {@link #MONEY} is typed as (precision + 10): partial money sums keep this type. */
  public static final DecimalType MONEY_SUM = DataTypes.createDecimalType(28, 2);
  public static final DataType STRING_MAP =
      DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true);
  public static final DataType COUNT_MAP =
      DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, true);

  public static StructField field(String name, DataType type) {
    return new StructField(name, type, true, Metadata.empty());
  }

  public static StructType struct(StructField... fields) {
    return new StructType(fields);
  }

  /** An exchange rate: DECIMAL(18,10) (up to 8 digits before the point, 10 after). */
  public static final DecimalType RATE = DataTypes.createDecimalType(18, 10);

  /**
   * bronze.purchase_events: every record as read, good or bad, append-only. {@code customer_id}: as ingest read it
   * (null when the record could not be parsed or has none); {@code fields}: the parsed source fields of a record
   * that failed validation only (a record that passed has its values in silver.purchases).
   */
  public static final StructType PURCHASE_EVENTS = struct(
      field(SOURCE_FILE, DataTypes.StringType),
      field(LINE_NUMBER, DataTypes.LongType),
      field(LINE_COUNT, DataTypes.IntegerType),
      field(RAW_RECORD, DataTypes.StringType),
      field(CUSTOMER_ID, DataTypes.StringType),
      field(FIELDS, STRING_MAP),
      field(INGEST_RUN_ID, DataTypes.StringType),
      field(INGESTED_AT, DataTypes.TimestampType));

  /** silver.purchases: one row per order, typed and validated. */
  public static final StructType PURCHASES = struct(
      field(ORDER_ID, DataTypes.StringType),
      field(CUSTOMER_ID, DataTypes.StringType),
      field(ORDER_TS, DataTypes.TimestampType),
      field(ORDER_DATE, DataTypes.DateType),
      field(AMOUNT, MONEY),
      field(CURRENCY, DataTypes.StringType),
      field(QUANTITY, DataTypes.LongType),
      field(KIND, DataTypes.StringType),
      field(ATTRIBUTES, STRING_MAP),
      field(CONTENT_HASH, DataTypes.StringType),
      field(SOURCE_FILE, DataTypes.StringType),
      field(LINE_NUMBER, DataTypes.LongType),
      field(INGEST_RUN_ID, DataTypes.StringType));

  /** silver.quarantine: one row per rejected input record. */
  public static final StructType QUARANTINE = struct(
      field(RAW_RECORD, DataTypes.StringType),
      field(REASON, DataTypes.StringType),
      field(DETAIL, DataTypes.StringType),
      field(SOURCE_FILE, DataTypes.StringType),
      field(LINE_NUMBER, DataTypes.LongType),
      field(INGEST_RUN_ID, DataTypes.StringType));

  /** ops.runs: one row per stage run. */
  public static final StructType RUNS = struct(
      field(RUN_ID, DataTypes.StringType),
      field(STAGE, DataTypes.StringType),
      field(STATUS, DataTypes.StringType),
      field(STARTED_AT, DataTypes.TimestampType),
      field(FINISHED_AT, DataTypes.TimestampType),
      field(DURATION_MS, DataTypes.LongType),
      field(ROWS_IN, DataTypes.LongType),
      field(ROWS_OUT, DataTypes.LongType),
      field(ROWS_QUARANTINED, DataTypes.LongType),
      field(ROWS_DUPLICATE, DataTypes.LongType),
      field(COUNTS, COUNT_MAP),
      field(MESSAGE, DataTypes.StringType));

  /** ops.ingested_files: one row per landed file that was ingested (path + content hash). */
  public static final StructType INGESTED_FILES = struct(
      field(FILE_PATH, DataTypes.StringType),
      field(FILE_HASH, DataTypes.StringType),
      field(FILE_SIZE, DataTypes.LongType),
      field(MODIFIED_AT, DataTypes.TimestampType),
      field(LINES_READ, DataTypes.LongType),
      field(ROWS_IN, DataTypes.LongType),
      field(ROWS_OUT, DataTypes.LongType),
      field(ROWS_QUARANTINED, DataTypes.LongType),
      field(ROWS_DUPLICATE, DataTypes.LongType),
      field(INGEST_RUN_ID, DataTypes.StringType),
      field(INGESTED_AT, DataTypes.TimestampType));

  /** ops.rejected_files: one row per landed file set aside (per path and content hash). */
  public static final StructType REJECTED_FILES = struct(
      field(FILE_PATH, DataTypes.StringType),
      field(FILE_HASH, DataTypes.StringType),
      field(FILE_SIZE, DataTypes.LongType),
      field(MODIFIED_AT, DataTypes.TimestampType),
      field(REASON, DataTypes.StringType),
      field(DETAIL, DataTypes.StringType),
      field(INGEST_RUN_ID, DataTypes.StringType),
      field(REJECTED_AT, DataTypes.TimestampType));

  /** One gate's result inside ops.night_quality. */
  public static final StructType GATE_RESULT = struct(
      field("gate", DataTypes.StringType),
      field("metric", DataTypes.StringType),
      field("value", DataTypes.DoubleType),
      field("threshold", DataTypes.DoubleType),
      field("median", DataTypes.DoubleType),
      field("action", DataTypes.StringType),
      field(OUTCOME, DataTypes.StringType),
      field(MESSAGE, DataTypes.StringType));

  /**
   * ops.night_quality: one row per nightly gate check (the ingest runs it covered, their measures and the gate
   * results), and one row per held night an operator accepted (outcome {@code accepted}, who and when).
   */
  public static final StructType NIGHT_QUALITY = struct(
      field(RUN_ID, DataTypes.StringType),
      field(INGEST_RUN_IDS, DataTypes.createArrayType(DataTypes.StringType, true)),
      field(EVALUATED_AT, DataTypes.TimestampType),
      field("files", DataTypes.LongType),
      field("records", DataTypes.LongType),
      field("accepted", DataTypes.LongType),
      field("quarantined", DataTypes.LongType),
      field("duplicates", DataTypes.LongType),
      field("files_set_aside", DataTypes.LongType),
      field("new_customers", DataTypes.LongType),
      field("refunds", DataTypes.LongType),
      field("quarantine_rate", DataTypes.DoubleType),
      field("refund_share", DataTypes.DoubleType),
      field("quarantined_by_reason", COUNT_MAP),
      field("revenue", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, true)),
      field(GATES, DataTypes.createArrayType(GATE_RESULT, true)),
      field(OUTCOME, DataTypes.StringType),
      field(ACCEPTED_BY, DataTypes.StringType),
      field(ACCEPTED_AT, DataTypes.TimestampType));

  /**
   * ops.erasures: one row per customer a {@code forget} run erased: the keyed hash of the id (HMAC-SHA256 under
   * $RETENTION_ERASURE_KEY, hex), when, the run and the rows removed per table. Never the id itself.
   */
  public static final StructType ERASURES = struct(
      field(Columns.CUSTOMER_HASH, DataTypes.StringType),
      field(Columns.ERASED_AT, DataTypes.TimestampType),
      field(RUN_ID, DataTypes.StringType),
      field(COUNTS, COUNT_MAP),
      field(Columns.VACUUMED, DataTypes.BooleanType));

  /**
   * ops.currency_rates: 1 unit of {@code currency} = {@code rate} units of the reporting currency for orders dated
   * on or after {@code valid_from} (until the currency's next valid_from); the CSV file it was loaded from and when.
   */
  public static final StructType CURRENCY_RATES = struct(
      field(CURRENCY, DataTypes.StringType),
      field(Columns.VALID_FROM, DataTypes.DateType),
      field(Columns.RATE, RATE),
      field(SOURCE_FILE, DataTypes.StringType),
      field(Columns.LOADED_AT, DataTypes.TimestampType));
}
