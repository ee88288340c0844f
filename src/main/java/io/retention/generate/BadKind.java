package io.retention.generate;

import io.retention.ingest.Reason;
import java.util.Arrays;
import java.util.List;

/**
 * The kinds of bad rows {@code --bad-rows} injects: one per quarantine {@link Reason}, plus exact replays of
 * valid lines (which ingest skips as duplicates rather than quarantining). Each bad row is a valid order with
 * exactly one defect, and a fresh order id ({@code O<customer>-B<n>}) unless the defect is about the id itself.
 */
public enum BadKind {
  INVALID_ENCODING(Reason.INVALID_ENCODING),
  MALFORMED_RECORD(Reason.MALFORMED_RECORD),
  WRONG_COLUMN_COUNT(Reason.WRONG_COLUMN_COUNT),
  MISSING_COLUMN(Reason.MISSING_COLUMN),
  MISSING_ORDER_ID(Reason.MISSING_ORDER_ID),
  MISSING_CUSTOMER_ID(Reason.MISSING_CUSTOMER_ID),
  INVALID_TIMESTAMP(Reason.INVALID_TIMESTAMP),
  FUTURE_TIMESTAMP(Reason.FUTURE_TIMESTAMP),
  INVALID_AMOUNT(Reason.INVALID_AMOUNT),
  AMOUNT_OUT_OF_RANGE(Reason.AMOUNT_OUT_OF_RANGE),
  INVALID_QUANTITY(Reason.INVALID_QUANTITY),
  CURRENCY_NOT_ALLOWED(Reason.CURRENCY_NOT_ALLOWED),
  INVALID_KIND(Reason.INVALID_KIND),
  CONFLICTING_DUPLICATE(Reason.CONFLICTING_DUPLICATE),
  /** An exact copy of a valid line (a replayed file or record): not a quarantine reason. */
  DUPLICATE_REPLAY(null);

  public static final String DUPLICATE_REPLAY_CODE = "duplicate_replay";

  private final Reason reason;

  BadKind(Reason reason) {
    this.reason = reason;
  }

  /** The quarantine reason this row must get, or null for an exact replay. */
  public Reason reason() {
    return reason;
  }

  /** The value of the generator's {@code kind} column: the reason code, or {@code duplicate_replay}. */
  public String code() {
    return reason == null ? DUPLICATE_REPLAY_CODE : reason.code();
  }

  /**
   * The kinds a format can carry. JSON Lines has no header and no column count, so
   * {@link #MISSING_COLUMN} and {@link #WRONG_COLUMN_COUNT} are CSV only.
   */
  public static List<BadKind> forFormat(boolean csv) {
    return Arrays.stream(values())
        .filter(k -> csv || k != MISSING_COLUMN && k != WRONG_COLUMN_COUNT)
        .toList();
  }
}
