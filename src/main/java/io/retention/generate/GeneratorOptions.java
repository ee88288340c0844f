package io.retention.generate;

import java.io.Serializable;
import java.time.LocalDate;

/**
 * What {@link SyntheticPurchases} generates. Every value is range-checked here, before any Spark work; a bad
 * value throws {@link IllegalArgumentException} naming the command-line option and showing the value.
 *
 * <p>Model (days are the time unit): customer i arrives on a seasonal day, buys at rate
 * {@code λ ~ Gamma(r, rate alpha)} per day while alive and, after each repeat purchase, drops out with
 * probability {@code p ~ Beta(a, b)} (BG/NBD). Order values are {@code Gamma(valueP, rate ν)} with
 * {@code ν ~ Gamma(valueQ, rate valueGamma)} per customer (Gamma-Gamma). {@code alpha = NaN} means "calibrate
 * alpha so that the expected number of valid orders is {@code orders}".
 *
 * @param orders requested number of valid orders (purchases + refunds)
 * @param customers number of customers; each makes at least one purchase
 * @param days length of the window in days, starting at {@code start} (00:00 UTC)
 * @param badRows fraction of {@code orders} added as bad rows (0 = none)
 * @param badRowsFile write the bad rows to {@code <out>/bad-rows.csv} instead of the daily files
 * @param trickyRows fraction of valid orders written in a valid-but-tricky form (quotes, offsets, amount 0)
 * @param refundShare share of valid orders that are refunds
 */
public record GeneratorOptions(
    long orders, long customers, int days, long seed, LocalDate start, String format,
    double badRows, boolean badRowsFile, double trickyRows, double refundShare,
    double r, double alpha, double a, double b, double valueP, double valueQ, double valueGamma)
    implements Serializable {

  public static final String FORMAT_CSV = "csv";
  public static final String FORMAT_JSONL = "jsonl";

  public static final int DAYS_DEFAULT = 730;
  public static final long SEED_DEFAULT = 42L;
  public static final LocalDate START_DEFAULT = LocalDate.of(2024, 1, 1);
  public static final double BAD_ROWS_DEFAULT = 0.0;
  public static final double TRICKY_ROWS_DEFAULT = 0.002;
  public static final double REFUND_SHARE_DEFAULT = 0.02;
  /** Purchase-rate heterogeneity: Gamma shape of λ (smaller = more heterogeneous). */
  public static final double R_DEFAULT = 0.5;
  /** Dropout p ~ Beta(a, b): mean p = 0.16; E[1/p] = 17, so up to ~18 orders per customer are reachable. */
  public static final double A_DEFAULT = 1.5;
  public static final double B_DEFAULT = 8.0;
  /** Gamma-Gamma order values: mean order value = p · γ / (q − 1) = 60. */
  public static final double VALUE_P_DEFAULT = 6.0;
  public static final double VALUE_Q_DEFAULT = 4.0;
  public static final double VALUE_GAMMA_DEFAULT = 30.0;

  public GeneratorOptions {
    atLeast("--orders", orders, 1);
    atLeast("--customers", customers, 1);
    if (orders < customers) {
      throw new IllegalArgumentException(
          "--orders must be at least --customers (" + customers + "), cannot be: " + orders);
    }
    atLeast("--days", days, 1);
    if (start == null) {
      throw new IllegalArgumentException("--start must be a date such as 2024-01-01");
    }
    if (!FORMAT_CSV.equals(format) && !FORMAT_JSONL.equals(format)) {
      throw new IllegalArgumentException("--format must be one of csv, jsonl, cannot be: " + format);
    }
    if (badRowsFile && !FORMAT_CSV.equals(format)) {
      throw new IllegalArgumentException("--bad-rows-file needs --format csv, cannot be: " + format);
    }
    between("--bad-rows", badRows, 0, 0.5);
    between("--tricky-rows", trickyRows, 0, 0.5);
    between("--refund-share", refundShare, 0, 0.5);
    positive("--r", r);
    if (!Double.isNaN(alpha)) {
      positive("--alpha", alpha);
    }
    positive("--a", a);
    positive("--b", b);
    positive("--value-p", valueP);
    positive("--value-q", valueQ);
    positive("--value-gamma", valueGamma);
  }

  /** Options with every model parameter at its default (alpha calibrated). */
  public static GeneratorOptions of(long orders, long customers, int days, long seed, LocalDate start,
      String format, double badRows) {
    return new GeneratorOptions(orders, customers, days, seed, start, format, badRows, false,
        TRICKY_ROWS_DEFAULT, REFUND_SHARE_DEFAULT, R_DEFAULT, Double.NaN, A_DEFAULT, B_DEFAULT,
        VALUE_P_DEFAULT, VALUE_Q_DEFAULT, VALUE_GAMMA_DEFAULT);
  }

  public GeneratorOptions withAlpha(double newAlpha) {
    return new GeneratorOptions(orders, customers, days, seed, start, format, badRows, badRowsFile,
        trickyRows, refundShare, r, newAlpha, a, b, valueP, valueQ, valueGamma);
  }

  public GeneratorOptions withBadRowsFile(boolean separate) {
    return new GeneratorOptions(orders, customers, days, seed, start, format, badRows, separate,
        trickyRows, refundShare, r, alpha, a, b, valueP, valueQ, valueGamma);
  }

  public GeneratorOptions withTrickyRows(double share) {
    return new GeneratorOptions(orders, customers, days, seed, start, format, badRows, badRowsFile,
        share, refundShare, r, alpha, a, b, valueP, valueQ, valueGamma);
  }

  public boolean csv() {
    return FORMAT_CSV.equals(format);
  }

  /** Probability that a purchase is followed by a refund, so that refunds are {@code refundShare} of orders. */
  public double refundProbability() {
    return refundShare / (1 - refundShare);
  }

  private static void atLeast(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", cannot be: " + value);
    }
  }

  private static void between(String name, double value, double min, double max) {
    if (Double.isNaN(value) || value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", cannot be: " + value);
    }
  }

  private static void positive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be a positive number, cannot be: " + value);
    }
  }
}
