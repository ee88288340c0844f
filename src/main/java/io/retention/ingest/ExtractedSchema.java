package io.retention.ingest;

import static io.retention.schema.Columns.*;
import static io.retention.schema.Schemas.field;

import io.retention.schema.Schemas;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Schema of the rows {@link RecordExtractor} emits: one per record, plus one summary row per file (with
 * {@code reason} and {@code detail} set, and no line counts, when the file is set aside).
 */
final class ExtractedSchema {
  static final String ROW_TYPE = "row_type";
  static final String TYPE_RECORD = "record";
  static final String TYPE_FILE = "file";
  static final String AMOUNT_EXACT = "amount_exact";
  static final String BLANK_LINES = "blank_lines";
  static final String HEADER_LINES = "header_lines";


  static final StructType SCHEMA = Schemas.struct(
      field(ROW_TYPE, DataTypes.StringType),
      field(SOURCE_FILE, DataTypes.StringType),
      field(FILE_HASH, DataTypes.StringType),
      field(FILE_SIZE, DataTypes.LongType),
      field(LINE_NUMBER, DataTypes.LongType),
      field(LINE_COUNT, DataTypes.IntegerType),
      field(RAW_RECORD, DataTypes.StringType),
      field(FIELDS, Schemas.STRING_MAP),
      field(REASON, DataTypes.StringType),
      field(DETAIL, DataTypes.StringType),
      field(ORDER_ID, DataTypes.StringType),
      field(CUSTOMER_ID, DataTypes.StringType),
      field(ORDER_TS, DataTypes.TimestampType),
      field(ORDER_DATE, DataTypes.DateType),
      field(AMOUNT_EXACT, DataTypes.createDecimalType(24, 6)),
      field(CURRENCY, DataTypes.StringType),
      field(QUANTITY, DataTypes.LongType),
      field(KIND, DataTypes.StringType),
      field(ATTRIBUTES, Schemas.STRING_MAP),
      field(LINES_READ, DataTypes.LongType),
      field(BLANK_LINES, DataTypes.LongType),
      field(HEADER_LINES, DataTypes.LongType),
      field(MODIFIED_AT, DataTypes.TimestampType));

  private ExtractedSchema() {}
}
