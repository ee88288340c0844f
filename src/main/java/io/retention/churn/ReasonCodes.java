package io.retention.churn;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The top three reasons behind a churn risk, in words a CRM user understands, from the customer's features
 * (rules, not model internals). Each rule that fires has a severity; the three most severe are kept.
 *
 * <pre>{@code
 * ReasonCodes.reasons(64, 22, 5, 0, 2, 0, 0.3)
 *   -> "no purchase for 64 days, 2.9× the usual gap; orders fell from 2 to 0 in the last 90 days; ..."
 * }</pre>
 */
public final class ReasonCodes {
  private ReasonCodes() {}

  public static final String SEPARATOR = "; ";
  public static final String NONE = "buys regularly, no warning signs";

  private record Reason(double severity, String text) {}

  /** The reasons joined with {@link #SEPARATOR}, most severe first. */
  public static String reasons(double daysSince, double meanGap, double purchaseDays, double ordersLast90,
      double ordersPrev90, double refundShare, double pAlive) {
    List<Reason> r = new ArrayList<>();
    long days = Math.round(daysSince);
    if (purchaseDays > 1 && meanGap > 0 && daysSince >= meanGap) {
      double ratio = daysSince / meanGap;
      r.add(new Reason(ratio, String.format(Locale.ROOT, "no purchase for %d days, %.1f× the usual gap", days,
          ratio)));
    } else if (purchaseDays <= 1) {
      r.add(new Reason(1 + daysSince / 90.0, String.format(Locale.ROOT, "only one purchase so far, %d days ago",
          days)));
    }
    if (ordersPrev90 > ordersLast90) {
      r.add(new Reason(2 * (ordersPrev90 - ordersLast90) / ordersPrev90, String.format(Locale.ROOT,
          "orders fell from %d to %d in the last 90 days", Math.round(ordersPrev90), Math.round(ordersLast90))));
    }
    if (pAlive < 0.5) {
      r.add(new Reason(2 * (1 - pAlive), String.format(Locale.ROOT,
          "buying pattern suggests only a %.0f%% chance the customer is still active", 100 * pAlive)));
    }
    if (refundShare >= 0.2) {
      r.add(new Reason(3 * refundShare, String.format(Locale.ROOT, "%.0f%% of spending was refunded",
          100 * refundShare)));
    }
    if (r.isEmpty()) {
      return NONE;
    }
    r.sort(Comparator.comparingDouble(Reason::severity).reversed());
    List<String> top = new ArrayList<>();
    for (int i = 0; i < Math.min(3, r.size()); i++) {
      top.add(r.get(i).text());
    }
    return String.join(SEPARATOR, top);
  }
}
