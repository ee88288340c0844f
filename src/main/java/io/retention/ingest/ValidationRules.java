package io.retention.ingest;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * The checks every record goes through, from configuration (DESIGN §9).
 *
 * @param businessZone the business time zone (order dates are local dates in it)
 * @param defaultCurrency currency of rows without one
 * @param allowedCurrencies currencies accepted
 * @param maxAbsAmount largest accepted |amount|
 * @param notAfter timestamps after this instant are "future" (now + tolerance)
 * @param namespaceOrderIds prefix order ids with the profile name
 * @param earliestOrderDate orders dated (in the business zone) before this day are {@code timestamp_too_old}
 * @param maxIdLength longest accepted customer / order id, in characters (code points), after normalisation
 */
public record ValidationRules(String businessZone, String defaultCurrency, List<String> allowedCurrencies,
    double maxAbsAmount, Instant notAfter, boolean namespaceOrderIds, LocalDate earliestOrderDate,
    int maxIdLength) implements Serializable {
  private static final long serialVersionUID = 2L;
  public static final LocalDate EARLIEST_ORDER_DATE_DEFAULT = LocalDate.of(1990, 1, 1);
  public static final int MAX_ID_LENGTH_DEFAULT = 128;

  public ValidationRules {
    ZoneId.of(businessZone);
    allowedCurrencies = List.copyOf(allowedCurrencies);
    if (!(maxAbsAmount > 0)) {
      throw new IllegalArgumentException("maxAbsAmount must be positive, cannot be: " + maxAbsAmount);
    }
    if (earliestOrderDate == null) {
      throw new IllegalArgumentException("earliestOrderDate must be a date, cannot be: null");
    }
    if (maxIdLength < 1) {
      throw new IllegalArgumentException("maxIdLength must be at least 1, cannot be: " + maxIdLength);
    }
  }

  /** The rules with the default earliest order date and id length. */
  public ValidationRules(String businessZone, String defaultCurrency, List<String> allowedCurrencies,
      double maxAbsAmount, Instant notAfter, boolean namespaceOrderIds) {
    this(businessZone, defaultCurrency, allowedCurrencies, maxAbsAmount, notAfter, namespaceOrderIds,
        EARLIEST_ORDER_DATE_DEFAULT, MAX_ID_LENGTH_DEFAULT);
  }
}
