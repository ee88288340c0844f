package io.retention.generate;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * When customers arrive and at what time of day people buy. The arrival intensity of day d is
 * {@code weekly(day of week) × yearly(day of year)}: weekends are busier, and a yearly cosine peaks in
 * mid-December (+30 %) with its trough in mid-June (−30 %). Purchases keep their BG/NBD day; only their time of
 * day follows an hourly profile (quiet nights, a lunch bump and an evening peak).
 */
final class Seasonality implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Monday .. Sunday. */
  private static final double[] WEEKLY = {0.92, 0.95, 0.97, 1.0, 1.06, 1.18, 1.12};
  private static final double YEARLY_AMPLITUDE = 0.3;
  private static final int YEARLY_PEAK_DAY_OF_YEAR = 345;
  private static final double[] HOURLY = Rng.cumulative(
      0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.5, 1.0, 1.4, 1.6, 1.8, 2.0,
      2.2, 2.0, 1.8, 1.7, 1.7, 1.9, 2.3, 2.6, 2.5, 2.0, 1.3, 0.7);

  private final double[] cumulativeArrivals;

  Seasonality(LocalDate start, int days) {
    double[] w = new double[days];
    for (int d = 0; d < days; d++) {
      w[d] = weight(start.plusDays(d));
    }
    this.cumulativeArrivals = Rng.cumulative(w);
  }

  /** Relative arrival intensity of a calendar day. */
  static double weight(LocalDate date) {
    DayOfWeek dow = date.getDayOfWeek();
    double yearly = 1 + YEARLY_AMPLITUDE
        * Math.cos(2 * Math.PI * (date.getDayOfYear() - YEARLY_PEAK_DAY_OF_YEAR) / 365.25);
    return WEEKLY[dow.getValue() - 1] * yearly;
  }

  /** Share of arrivals on each day of the window (sums to 1). */
  double[] arrivalShares() {
    int n = cumulativeArrivals.length;
    double total = cumulativeArrivals[n - 1];
    double[] s = new double[n];
    for (int d = 0; d < n; d++) {
      s[d] = (cumulativeArrivals[d] - (d == 0 ? 0 : cumulativeArrivals[d - 1])) / total;
    }
    return s;
  }

  /** Arrival time in days since the window start: a seasonal day plus a uniform fraction. */
  double arrival(SplittableRandom rng) {
    return Rng.pick(rng, cumulativeArrivals) + rng.nextDouble();
  }

  /** Second of the day drawn from the hourly profile. */
  static int secondOfDay(SplittableRandom rng) {
    return Rng.pick(rng, HOURLY) * 3600 + rng.nextInt(3600);
  }
}
