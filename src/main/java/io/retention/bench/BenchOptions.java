package io.retention.bench;

import io.retention.clv.CustomerLifetimeValue;
import io.retention.ingest.SourceProfile;
import io.retention.ingest.ValidationRules;
import io.retention.metrics.MetricsStage;
import io.retention.quality.GateSettings;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * What the benchmark runs: the generated data's size and seed, the work folder (landing files, warehouse,
 * Parquet copy; must be new or empty) and the options of each stage, built by the command from the
 * configuration.
 *
 * @param orders valid orders to generate (the generator calibrates to it, ±~10 %)
 * @param customers customers to generate
 * @param days length of the history in days, starting at {@code start}
 * @param repetitions timed runs of each side of the cohort ratio (after one warm-up run each)
 * @param gates the quality gates checked once on the history after ingest (the night's gates are the nightly's)
 * @param note free text written next to the figures (e.g. "machine shared with other builds")
 */
public record BenchOptions(long orders, long customers, int days, long seed, LocalDate start, Path work,
    int repetitions, SourceProfile profile, ValidationRules rules, MetricsStage.Options metrics,
    CustomerLifetimeValue.Options clv, GateSettings gates, String note) {
  public static final long ORDERS_DEFAULT = 10_000_000L;
  public static final long CUSTOMERS_DEFAULT = 1_000_000L;
  public static final int DAYS_DEFAULT = 730;
  public static final long SEED_DEFAULT = 42L;
  public static final LocalDate START_DEFAULT = LocalDate.of(2024, 1, 1);
  public static final int REPETITIONS_DEFAULT = 3;

  public BenchOptions {
    if (customers < 1 || orders < customers) {
      throw new IllegalArgumentException("--orders must be at least --customers (" + customers
          + ") and --customers at least 1, cannot be: " + orders + " / " + customers);
    }
    if (days < 2) {
      throw new IllegalArgumentException("--days must be at least 2, cannot be: " + days);
    }
    if (repetitions < 1 || repetitions > 20) {
      throw new IllegalArgumentException("--repetitions must be between 1 and 20, cannot be: " + repetitions);
    }
    if (work == null || profile == null || rules == null || metrics == null || clv == null || gates == null) {
      throw new IllegalArgumentException("bench: work folder, profile, rules and stage options are required");
    }
  }

  /**
   * These options at another scale point: {@code scaleOrders} orders, customers in the same proportion as here (at
   * least 1), in the folder {@code scaleWork}.
   */
  public BenchOptions atScale(long scaleOrders, Path scaleWork) {
    long scaleCustomers = Math.max(1, Math.round((double) scaleOrders * customers / orders));
    return new BenchOptions(scaleOrders, scaleCustomers, days, seed, start, scaleWork, repetitions, profile, rules,
        metrics, clv, gates, note);
  }

  /** The day after the generated history: the incremental night's date. */
  public LocalDate nightDate() {
    return start.plusDays(days);
  }

  /** Orders of one average day (at least 2): the size of the incremental night. */
  public long ordersPerDay() {
    return Math.max(2, Math.round((double) orders / days));
  }
}
