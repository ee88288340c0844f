package io.retention.generate;

import io.retention.schema.Columns;
import java.io.Serializable;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The orders of one customer, from that customer's own random stream (seed, id): the same customer always gets
 * the same orders, whatever the partitioning. BG/NBD: the first purchase is at the (seasonal) arrival time;
 * repeat purchases follow a Poisson process of rate λ ~ Gamma(r, alpha) per day; after each repeat purchase
 * the customer drops out with probability p ~ Beta(a, b). Values: Gamma(valueP, rate ν),
 * ν ~ Gamma(valueQ, rate valueGamma) per customer. Each purchase is followed by a refund (amount negative,
 * order id {@code <purchase id>-R}, 2 h .. 20 days later, within the window) with the probability that makes
 * refunds {@code refundShare} of all orders.
 */
final class CustomerSimulator implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String[] COUNTRIES = {"DE", "FR", "NL", "ES", "IT", "GB", "US"};
  static final String[] CURRENCIES = {"EUR", "EUR", "EUR", "EUR", "EUR", "GBP", "USD"};
  private static final double[] COUNTRY_WEIGHTS = Rng.cumulative(0.22, 0.14, 0.08, 0.08, 0.08, 0.20, 0.20);
  static final String[] CHANNELS = {"web", "app", "store", "marketplace"};
  private static final double[] CHANNEL_WEIGHTS = Rng.cumulative(0.5, 0.3, 0.15, 0.05);
  private static final double PREFERRED_CHANNEL = 0.75;
  private static final double FULL_REFUND = 0.7;
  private static final long MAX_CENTS = 99_999_999L;

  /** One order: its instant, its day index in the window and its canonical fields. */
  record Event(long epochSecond, int day, String[] fields, String note) implements Serializable {
    String kind() {
      return fields[LineFormat.KIND];
    }
  }

  private final GeneratorOptions o;
  private final double alpha;
  private final Seasonality seasonality;
  private final long startEpoch;
  private final long endEpoch;

  CustomerSimulator(GeneratorOptions o, double alpha) {
    this.o = o;
    this.alpha = alpha;
    this.seasonality = new Seasonality(o.start(), o.days());
    this.startEpoch = o.start().atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    this.endEpoch = startEpoch + 86_400L * o.days();
  }

  long startEpoch() {
    return startEpoch;
  }

  /** The name (without extension) of the daily file of day index {@code day}: its date, yyyy-MM-dd. */
  String fileOf(int day) {
    return o.start().plusDays(day).toString();
  }

  static String customerId(long id) {
    return "C" + pad(id, 7);
  }

  static String pad(long n, int width) {
    String s = Long.toString(n);
    return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
  }

  /** Every order of customer {@code id}, purchases in time order, each refund right after its purchase. */
  List<Event> events(long id) {
    SplittableRandom rng = Rng.of(o.seed(), Rng.CUSTOMERS, id);
    double t = seasonality.arrival(rng);
    double lambda = Rng.gamma(rng, o.r(), 1 / alpha);
    double p = Rng.beta(rng, o.a(), o.b());
    double nu = Rng.gamma(rng, o.valueQ(), 1 / o.valueGamma());
    int country = Rng.pick(rng, COUNTRY_WEIGHTS);
    int preferred = Rng.pick(rng, CHANNEL_WEIGHTS);
    Tricky tricky = new Tricky(o, id);
    String customer = customerId(id);
    List<Event> out = new ArrayList<>();
    long last = -1;
    int seq = 0;
    while (true) {
      int day = (int) t;
      int sec = Seasonality.secondOfDay(rng);
      long epoch = startEpoch + 86_400L * day + sec;
      if (epoch <= last && last / 86_400 == epoch / 86_400) {
        epoch = Math.min(last + 1 + rng.nextInt(1800), startEpoch + 86_400L * day + 86_399);
      }
      last = epoch;
      seq++;
      String channel = rng.nextDouble() < PREFERRED_CHANNEL ? CHANNELS[preferred] : CHANNELS[Rng.pick(rng,
          CHANNEL_WEIGHTS)];
      long cents = Math.max(1, Math.min(MAX_CENTS, Math.round(Rng.gamma(rng, o.valueP(), 1 / nu) * 100)));
      String[] f = {"O" + pad(id, 7) + "-" + pad(seq, 4), customer, null, null, CURRENCIES[country],
          Integer.toString(1 + Rng.poisson(rng, 0.6)), Columns.KIND_PURCHASE, COUNTRIES[country], channel};
      out.add(tricky.apply(epoch, day, f, cents));
      if (rng.nextDouble() < o.refundProbability()) {
        out.add(refund(rng, f, epoch, cents, tricky));
      }
      t += Rng.exponential(rng, lambda);
      if (t >= o.days() || seq > 1 && rng.nextDouble() < p) {
        break;
      }
    }
    return out;
  }

  /** A refund of the purchase with fields {@code purchase} (plain, before any tricky formatting). */
  private Event refund(SplittableRandom rng, String[] purchase, long epoch, long cents, Tricky tricky) {
    long delay = 7_200 + (long) (rng.nextDouble() * 20 * 86_400);
    long when = Math.min(epoch + delay, endEpoch - 1);
    boolean full = rng.nextDouble() < FULL_REFUND;
    long refundCents = full ? cents : Math.max(1, Math.round(cents * (0.2 + 0.7 * rng.nextDouble())));
    String[] f = purchase.clone();
    f[LineFormat.ORDER_ID] = f[LineFormat.ORDER_ID] + "-R";
    f[LineFormat.KIND] = Columns.KIND_REFUND;
    if (!full) {
      f[LineFormat.QUANTITY] = "1";
    }
    return tricky.apply(when, (int) ((when - startEpoch) / 86_400), f, -refundCents);
  }
}
