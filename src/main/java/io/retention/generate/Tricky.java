package io.retention.generate;

import io.retention.generate.CustomerSimulator.Event;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a share of the valid orders in a form that is valid but easy to get wrong, so ingest is exercised on it:
 * <ul>
 *   <li>{@code comma_in_country}: the long country name, which holds a comma ("Spain, Kingdom of"): quoted;</li>
 *   <li>{@code newline_in_channel}: a channel holding a line break, quotes and a comma: quoted over two lines;</li>
 *   <li>{@code local_time}: a timestamp without offset (2024-03-05T14:22:31), the wall-clock time in UTC, which
 *       is the business time zone by default;</li>
 *   <li>{@code offset_time}: the same instant written with a +02:00 offset (2024-03-05T16:22:31+02:00);</li>
 *   <li>{@code zero_amount}: a purchase of amount 0.00 (refunds get {@code local_time} instead).</li>
 * </ul>
 * The decision comes from its own per-customer stream, so it does not change the orders themselves.
 */
final class Tricky {
  static final List<String> VARIANTS =
      List.of("comma_in_country", "newline_in_channel", "local_time", "offset_time", "zero_amount");
  private static final List<String> COUNTRY_LONG = List.of("Germany, Federal Republic of",
      "France, French Republic", "Netherlands, Kingdom of the", "Spain, Kingdom of", "Italy, Republic of",
      "United Kingdom, The", "United States of America, The");

  private final double share;
  private final SplittableRandom rng;

  Tricky(GeneratorOptions o, long customerId) {
    this.share = o.trickyRows();
    this.rng = share > 0 ? Rng.of(o.seed(), Rng.TRICKY, customerId) : null;
  }

  /** The order with timestamp and amount filled in, maybe in a tricky form; {@code plain} is not changed. */
  Event apply(long epoch, int day, String[] plain, long cents) {
    String[] f = plain.clone();
    f[LineFormat.ORDER_TS] = LineFormat.utc(epoch);
    f[LineFormat.AMOUNT] = LineFormat.money(cents);
    if (rng == null || rng.nextDouble() >= share) {
      return new Event(epoch, day, f, null);
    }
    String variant = VARIANTS.get(rng.nextInt(VARIANTS.size()));
    if (variant.equals("zero_amount") && cents < 0) {
      variant = "local_time";
    }
    switch (variant) {
      case "comma_in_country" -> f[LineFormat.COUNTRY_IX] = longCountry(f[LineFormat.COUNTRY_IX]);
      case "newline_in_channel" -> f[LineFormat.CHANNEL_IX] =
          f[LineFormat.CHANNEL_IX] + "\nvia \"Partner, Ltd\"";
      case "local_time" -> f[LineFormat.ORDER_TS] = LineFormat.local(epoch, 0);
      case "offset_time" -> f[LineFormat.ORDER_TS] = LineFormat.local(epoch, 2) + "+02:00";
      default -> f[LineFormat.AMOUNT] = LineFormat.money(0);
    }
    return new Event(epoch, day, f, variant);
  }

  private static String longCountry(String code) {
    int i = List.of(CustomerSimulator.COUNTRIES).indexOf(code);
    return i < 0 ? code : COUNTRY_LONG.get(i);
  }
}
