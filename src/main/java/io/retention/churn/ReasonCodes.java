package io.retention.churn;

import static io.retention.schema.ChurnColumns.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;

/**
 * The top three reasons behind a churn risk, in words a CRM user understands, from the customer's features,
 * BG/NBD figures and risk band (rules, not model internals). Each rule that fires has a severity; the three
 * most severe are kept:
 *
 * <ul>
 *   <li>overdue (&ge; 2 purchase days, days since last &ge; mean gap): "no purchase for 64 days, 2.9× the
 *       usual gap", severity = the ratio;</li>
 *   <li>one purchase day only: "only one purchase so far, 45 days ago", severity 1 + days / 90;</li>
 *   <li>orders fell (last 90 days vs the 90 before), severity 2 &times; the relative fall;</li>
 *   <li>P(alive) &lt; 0.5: "buying pattern suggests only a 10% chance the customer is still active",
 *       severity 2 (1 &minus; P(alive));</li>
 *   <li>BG/NBD P(no purchase in the horizon) &ge; 0.5: "BG/NBD gives a 94% chance of no purchase in the next
 *       90 days", severity = that probability;</li>
 *   <li>refund share &ge; 20%, severity 3 &times; the share;</li>
 *   <li>when none fires and the band is high or medium: the model's own figure, "the churn model gives a 72%
 *       chance of no purchase in the next 90 days" ({@link #NONE} is only ever given to band {@code low}).</li>
 * </ul>
 *
 * <p>Percentages are whole numbers, with "&lt;1%" and "&gt;99%" at the ends (never "0%" or "100%").
 */
public final class ReasonCodes {
  private ReasonCodes() {}

  public static final String SEPARATOR = "; ";
  public static final String NONE = "buys regularly, no warning signs";
  /** The columns of a {@link Signals} struct, in order (the risk is the calibrated score). */
  public static final List<String> SIGNAL_COLUMNS = List.of(RECENCY_DAYS, MEAN_GAP_DAYS, PURCHASE_DAYS,
      ORDERS_LAST_90, ORDERS_PREV_90, REFUND_SHARE, P_ALIVE, P_NO_PURCHASE, ChurnTrainer.SCORE, RISK_BAND);

  /** What the rules read about one customer. */
  public record Signals(double daysSince, double meanGap, double purchaseDays, double ordersLast90,
      double ordersPrev90, double refundShare, double pAlive, double pNoPurchase, double risk, String band,
      int horizonDays) {
    /** From a struct of {@link #SIGNAL_COLUMNS}. */
    public static Signals of(Row r, int horizonDays) {
      return new Signals(r.getDouble(0), r.getDouble(1), r.getDouble(2), r.getDouble(3), r.getDouble(4),
          r.getDouble(5), r.getDouble(6), r.getDouble(7), r.getDouble(8), r.getString(9), horizonDays);
    }
  }

  private record Reason(double severity, String text) {}

  /** The reasons joined with {@link #SEPARATOR}, most severe first. */
  public static String reasons(Signals s) {
    List<Reason> r = new ArrayList<>();
    long days = Math.round(s.daysSince());
    if (s.purchaseDays() > 1 && s.meanGap() > 0 && s.daysSince() >= s.meanGap()) {
      double ratio = s.daysSince() / s.meanGap();
      r.add(new Reason(ratio, String.format(Locale.ROOT, "no purchase for %d days, %.1f× the usual gap", days,
          ratio)));
    } else if (s.purchaseDays() <= 1) {
      r.add(new Reason(1 + s.daysSince() / 90.0, String.format(Locale.ROOT,
          "only one purchase so far, %d days ago", days)));
    }
    if (s.ordersPrev90() > s.ordersLast90()) {
      r.add(new Reason(2 * (s.ordersPrev90() - s.ordersLast90()) / s.ordersPrev90(), String.format(Locale.ROOT,
          "orders fell from %d to %d in the last 90 days", Math.round(s.ordersPrev90()),
          Math.round(s.ordersLast90()))));
    }
    if (s.pAlive() < 0.5) {
      r.add(new Reason(2 * (1 - s.pAlive()), "buying pattern suggests only a " + percent(s.pAlive())
          + " chance the customer is still active"));
    }
    if (s.pNoPurchase() >= 0.5) {
      r.add(new Reason(s.pNoPurchase(), "BG/NBD gives a " + percent(s.pNoPurchase()) + " chance of no purchase "
          + "in the next " + s.horizonDays() + " days"));
    }
    if (s.refundShare() >= 0.2) {
      r.add(new Reason(3 * s.refundShare(), percent(s.refundShare()) + " of spending was refunded"));
    }
    if (r.isEmpty()) {
      return BAND_LOW.equals(s.band()) ? NONE : "the churn model gives a " + percent(s.risk())
          + " chance of no purchase in the next " + s.horizonDays() + " days";
    }
    r.sort(Comparator.comparingDouble(Reason::severity).reversed());
    List<String> top = new ArrayList<>();
    for (int i = 0; i < Math.min(3, r.size()); i++) {
      top.add(r.get(i).text());
    }
    return String.join(SEPARATOR, top);
  }

  /** A probability as a whole percentage; "&lt;1%" below 0.5 % and "&gt;99%" from 99.5 % on. */
  public static String percent(double p) {
    if (p < 0.005) {
      return "<1%";
    }
    if (p >= 0.995) {
      return ">99%";
    }
    return Math.round(100 * p) + "%";
  }
}
