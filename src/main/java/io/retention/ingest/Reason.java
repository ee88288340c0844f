package io.retention.ingest;

/** Why an input record was quarantined: the {@code reason} code of silver.quarantine. */
public enum Reason {
  /** Bytes that are not valid UTF-8. */
  INVALID_ENCODING("invalid_encoding"),
  /** A record the CSV / JSON parser cannot read: unterminated quote, bad JSON, not a JSON object. */
  MALFORMED_RECORD("malformed_record"),
  /** A CSV / whitespace record with another number of fields than the header (or layout). */
  WRONG_COLUMN_COUNT("wrong_column_count"),
  /** The file's header lacks a column the source profile needs. */
  MISSING_COLUMN("missing_column"),
  MISSING_ORDER_ID("missing_order_id"),
  MISSING_CUSTOMER_ID("missing_customer_id"),
  /** Empty or unparsable timestamp. */
  INVALID_TIMESTAMP("invalid_timestamp"),
  /** A timestamp later than now + ingest.futureToleranceDays. */
  FUTURE_TIMESTAMP("future_timestamp"),
  /** Empty, non-numeric, NaN or infinite amount (or unit price), or a negative purchase. */
  INVALID_AMOUNT("invalid_amount"),
  /** |amount| above ingest.maxAbsAmount. */
  AMOUNT_OUT_OF_RANGE("amount_out_of_range"),
  INVALID_QUANTITY("invalid_quantity"),
  /** A currency outside ingest.allowedCurrencies. */
  CURRENCY_NOT_ALLOWED("currency_not_allowed"),
  /** A kind other than purchase / refund. */
  INVALID_KIND("invalid_kind"),
  /** The same order id with different content (in this batch or already in silver.purchases). */
  CONFLICTING_DUPLICATE("conflicting_duplicate");

  private final String code;

  Reason(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
