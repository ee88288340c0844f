package io.retention.export;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.List;
import java.util.Locale;

/**
 * The hold-out of an at-risk list: after {@code --top N} has picked the list, a customer is {@code control}
 * (not contacted; the CRM contacts only {@code treatment}) when
 *
 * <pre>{@code
 * HMAC-SHA256(key, customer_id + "|" + period(list date)) as an unsigned big-endian number mod 10,000 < share * 10,000
 * }</pre>
 *
 * <p>The period label ({@code month}: {@code 2025-11}, default; {@code week}: ISO {@code 2025-W45};
 * {@code quarter}: {@code 2025-Q4}; {@code day}: {@code 2025-11-04}) keeps a customer in the same group for a
 * whole campaign period, and a new period draws again, so nobody is always held out. Reruns agree. The key comes
 * from the environment variable {@code RETENTION_CONTROL_KEY}; without it the documented fixed key
 * {@link #FALLBACK_KEY} is used, so groups are stable but predictable by anyone who reads this.
 * The id hashed is the real customer id, also when the export pseudonymises ids.
 */
public record ControlGroup(double share, byte[] key, String period) {
  public static final double SHARE_DEFAULT = 0.10;
  public static final String PERIOD_DEFAULT = "month";
  public static final String KEY_ENV = "RETENTION_CONTROL_KEY";
  public static final String FALLBACK_KEY = "retention-control-group-v1";
  public static final List<String> PERIODS = List.of("day", "week", "month", "quarter");
  public static final String TREATMENT = "treatment";
  public static final String CONTROL = "control";
  private static final BigInteger BUCKETS = BigInteger.valueOf(10_000);

  public ControlGroup {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("export.control.share must be in [0, 1], cannot be: " + share);
    }
    if (!PERIODS.contains(period)) {
      throw new IllegalArgumentException("export.control.period must be one of day, week, month, quarter, "
          + "cannot be: " + period);
    }
    if (key == null || key.length == 0) {
      throw new IllegalArgumentException("export: the control-group key must not be empty");
    }
    key = key.clone();
  }

  /** A copy of the key. */
  @Override
  public byte[] key() {
    return key.clone();
  }

  /** The default share and period, keyed by {@code envKey} ($RETENTION_CONTROL_KEY) or the fallback. */
  public static ControlGroup defaults(String envKey) {
    return new ControlGroup(SHARE_DEFAULT, keyOf(envKey), PERIOD_DEFAULT);
  }

  /** The key bytes: {@code envKey} when set and not blank, else {@link #FALLBACK_KEY}. */
  public static byte[] keyOf(String envKey) {
    String k = envKey == null || envKey.isBlank() ? FALLBACK_KEY : envKey;
    return k.getBytes(StandardCharsets.UTF_8);
  }

  /** The period label of {@code date}. */
  public String label(LocalDate date) {
    return switch (period) {
      case "day" -> date.toString();
      case "week" -> String.format(Locale.ROOT, "%d-W%02d", date.get(IsoFields.WEEK_BASED_YEAR),
          date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      case "quarter" -> date.getYear() + "-Q" + date.get(IsoFields.QUARTER_OF_YEAR);
      default -> String.format(Locale.ROOT, "%d-%02d", date.getYear(), date.getMonthValue());
    };
  }

  /** The bucket 0..9,999 of {@code customerId} in the period labelled {@code label}. */
  public static int bucket(byte[] key, String customerId, String label) {
    return new BigInteger(1, CsvSafety.hmac(key, customerId + "|" + label)).mod(BUCKETS).intValue();
  }

  /** {@link #CONTROL} or {@link #TREATMENT} for {@code customerId} on a list dated in the period {@code label}. */
  public static String group(byte[] key, double share, String customerId, String label) {
    return bucket(key, customerId, label) < share * 10_000 ? CONTROL : TREATMENT;
  }

  /** For logs and the nightly fingerprint: share, period and a hash of the key (never the key). */
  public String describe() {
    return "control share=" + share + " period=" + period + " key=" + CsvSafety.pseudonym(key, "control-key");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ControlGroup c && c.share == share && c.period.equals(period)
        && java.util.Arrays.equals(c.key, key);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(share, period, java.util.Arrays.hashCode(key));
  }

  @Override
  public String toString() {
    return describe();
  }
}
