package io.retention.ingest;

import java.io.Serializable;
import java.time.Instant;
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
 */
public record ValidationRules(String businessZone, String defaultCurrency, List<String> allowedCurrencies,
    double maxAbsAmount, Instant notAfter, boolean namespaceOrderIds) implements Serializable {
  private static final long serialVersionUID = 1L;

  public ValidationRules {
    ZoneId.of(businessZone);
    allowedCurrencies = List.copyOf(allowedCurrencies);
    if (!(maxAbsAmount > 0)) {
      throw new IllegalArgumentException("maxAbsAmount must be positive, cannot be: " + maxAbsAmount);
    }
  }
}
