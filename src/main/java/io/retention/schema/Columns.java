package io.retention.schema;

/** Every column name used by more than one class lives here (STYLE habit 6). */
public final class Columns {
  private Columns() {}

  // canonical purchase columns
  public static final String ORDER_ID = "order_id";
  public static final String CUSTOMER_ID = "customer_id";
  public static final String ORDER_TS = "order_ts";
  public static final String ORDER_DATE = "order_date";
  public static final String AMOUNT = "amount";
  public static final String CURRENCY = "currency";
  /** ops.currency_rates: first order date a rate applies to, the rate, when it was loaded. */
  public static final String VALID_FROM = "valid_from";
  public static final String RATE = "rate";
  public static final String LOADED_AT = "loaded_at";
  public static final String QUANTITY = "quantity";
  public static final String KIND = "kind";
  public static final String ATTRIBUTES = "attributes";
  public static final String CONTENT_HASH = "content_hash";
  public static final String SOURCE_FILE = "source_file";
  public static final String LINE_NUMBER = "line_number";
  public static final String LINE_COUNT = "line_count";
  public static final String INGEST_RUN_ID = "ingest_run_id";

  // bronze / quarantine
  public static final String RAW_RECORD = "raw_record";
  public static final String FIELDS = "fields";
  public static final String REASON = "reason";
  public static final String DETAIL = "detail";
  public static final String INGESTED_AT = "ingested_at";

  // ops
  public static final String RUN_ID = "run_id";
  public static final String STAGE = "stage";
  public static final String STATUS = "status";
  public static final String STARTED_AT = "started_at";
  public static final String FINISHED_AT = "finished_at";
  public static final String DURATION_MS = "duration_ms";
  public static final String ROWS_IN = "rows_in";
  public static final String ROWS_OUT = "rows_out";
  public static final String ROWS_QUARANTINED = "rows_quarantined";
  public static final String ROWS_DUPLICATE = "rows_duplicate";
  public static final String COUNTS = "counts";
  public static final String MESSAGE = "message";
  public static final String FILE_PATH = "file_path";
  public static final String FILE_SIZE = "file_size";
  public static final String FILE_HASH = "file_hash";
  public static final String LINES_READ = "lines_read";
  public static final String MODIFIED_AT = "modified_at";
  public static final String REJECTED_AT = "rejected_at";
  // ops.night_quality
  public static final String INGEST_RUN_IDS = "ingest_run_ids";
  public static final String EVALUATED_AT = "evaluated_at";
  public static final String OUTCOME = "outcome";
  public static final String GATES = "gates";
  public static final String ACCEPTED_BY = "accepted_by";
  public static final String ACCEPTED_AT = "accepted_at";

  // ops.erasures
  public static final String CUSTOMER_HASH = "customer_hash";
  public static final String ERASED_AT = "erased_at";
  public static final String VACUUMED = "vacuumed";

  // kinds
  public static final String KIND_PURCHASE = "purchase";
  public static final String KIND_REFUND = "refund";
}
