package io.retention.ingest;

/** Why an input record was quarantined: the {@code reason} code of silver.quarantine. */
public enum Reason {
  /** Bytes that are not valid UTF-8. */
  INVALID_ENCODING("invalid_encoding"),
  /**
   * A record the CSV / JSON parser cannot read: unterminated quote, bad JSON, not a JSON object, a duplicated
   * JSON key, an object or array as a JSON customer / order id.
   */
  MALFORMED_RECORD("malformed_record"),
  /** A CSV / whitespace record with another number of fields than the header (or layout). */
  WRONG_COLUMN_COUNT("wrong_column_count"),
  /** The file's header lacks a column the source profile needs. */
  MISSING_COLUMN("missing_column"),
  MISSING_ORDER_ID("missing_order_id"),
  MISSING_CUSTOMER_ID("missing_customer_id"),
  /**
   * A customer or order id holding a control or format character (Unicode Cc / Cf) after NFC and trimming, or
   * longer than ingest.maxIdLength.
   */
  INVALID_ID("invalid_id"),
  /** Empty or unparsable timestamp, or an impossible date or time (2025-02-30, T24:00:00, month 13). */
  INVALID_TIMESTAMP("invalid_timestamp"),
  /** A timestamp later than now + ingest.futureToleranceDays. */
  FUTURE_TIMESTAMP("future_timestamp"),
  /** An order dated (in the business time zone) before ingest.earliestOrderDate. */
  TIMESTAMP_TOO_OLD("timestamp_too_old"),
  /**
   * Empty, non-numeric, NaN or infinite amount (or unit price), a negative purchase, or an amount with more
   * decimals than its currency's minor unit (1.001 EUR).
   */
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
