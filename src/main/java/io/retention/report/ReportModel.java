package io.retention.report;

import io.retention.quality.QualityLog;
import java.time.LocalDate;
import java.util.List;

/**
 * Everything the report shows, already aggregated and small (a few hundred rows at most): built on the cluster
 * by {@link ReportData}, rendered on the driver by {@link Charts} and {@link HtmlReport}. A section that is
 * {@code null} (or an empty list) was not computed yet: its table does not exist.
 *
 * @param asOf last day of data the report looks at
 * @param grain cohort and KPI period of the gold tables (day, week, month, quarter)
 * @param headline the cards at the top
 * @param cohorts cohort × period cells of the last cohorts (empty: gold.cohort_retention absent)
 * @param kpis KPI periods up to the as-of date, oldest first (empty: gold.retention_kpis absent)
 * @param gaps time between purchases (null: no purchases)
 * @param clv customer lifetime value (null: gold.customer_clv absent)
 * @param calibration holdout check by calibration frequency (empty: gold.clv_evaluation absent)
 * @param churn churn scores (null: gold.churn_scores absent)
 * @param churnModel out-of-time evaluation of the churn model (null: gold.churn_evaluation absent)
 * @param quality the nightly's latest quality-gate checks, newest first (empty: ops.night_quality absent)
 * @param segments RFM segment sizes and transitions (null: gold.customers without segments)
 * @param backtest past score dates against what customers did next (null: gold.churn_backtest absent)
 */
public record ReportModel(LocalDate asOf, String grain, Headline headline, List<CohortCell> cohorts,
    List<KpiPoint> kpis, Gaps gaps, Clv clv, List<CalibrationBin> calibration, Churn churn,
    ChurnModel churnModel, List<QualityLog.Check> quality, Segments segments, Backtest backtest) {

  public ReportModel {
    cohorts = cohorts == null ? List.of() : List.copyOf(cohorts);
    kpis = kpis == null ? List.of() : List.copyOf(kpis);
    calibration = calibration == null ? List.of() : List.copyOf(calibration);
    quality = quality == null ? List.of() : List.copyOf(quality);
  }

  /** A report without a backtest (gold.churn_backtest absent). */
  public ReportModel(LocalDate asOf, String grain, Headline headline, List<CohortCell> cohorts,
      List<KpiPoint> kpis, Gaps gaps, Clv clv, List<CalibrationBin> calibration, Churn churn,
      ChurnModel churnModel, List<QualityLog.Check> quality, Segments segments) {
    this(asOf, grain, headline, cohorts, kpis, gaps, clv, calibration, churn, churnModel, quality, segments, null);
  }

  /**
   * gold.churn_backtest, one point per evaluated score date, oldest first; {@code horizonDays} of the newest.
   */
  public record Backtest(int horizonDays, List<BacktestPoint> points) {
    public Backtest {
      points = List.copyOf(points);
    }
  }

  /**
   * One evaluated score date: all scored customers' observed churn, the high band's mean predicted risk and
   * observed churn, the list's size, precision and recall, and the uplift (treatment − control reactivation)
   * with its 95 % interval; any may be null (no high band, no list, no control group).
   */
  public record BacktestPoint(LocalDate scoreDate, String modelVersion, Long customers, Double observedChurn,
      Double highMeanRisk, Double highObservedChurn, Long listSize, Double precision, Double recall,
      Long treatment, Long control, Double uplift, Double upliftLow, Double upliftHigh) {}

  /** A report without segments (gold.customers written before they existed). */
  public ReportModel(LocalDate asOf, String grain, Headline headline, List<CohortCell> cohorts,
      List<KpiPoint> kpis, Gaps gaps, Clv clv, List<CalibrationBin> calibration, Churn churn,
      ChurnModel churnModel, List<QualityLog.Check> quality) {
    this(asOf, grain, headline, cohorts, kpis, gaps, clv, calibration, churn, churnModel, quality, null);
  }

  /** A report without gate checks (a warehouse that no nightly ran on). */
  public ReportModel(LocalDate asOf, String grain, Headline headline, List<CohortCell> cohorts,
      List<KpiPoint> kpis, Gaps gaps, Clv clv, List<CalibrationBin> calibration, Churn churn,
      ChurnModel churnModel) {
    this(asOf, grain, headline, cohorts, kpis, gaps, clv, calibration, churn, churnModel, List.of(), null);
  }

  /** gold.customers' segments: as of its date, each customer's move since the previous grain period's end. */
  public record Segments(LocalDate asOf, LocalDate previousPeriodEnd, List<SegmentMove> moves) {
    public Segments {
      moves = List.copyOf(moves);
    }
  }

  /** Customers in segment {@code from} at the previous period end (null: no purchase yet) and {@code to} now. */
  public record SegmentMove(String from, String to, long customers) {}

  /** Headline cards; any value may be null (not computed yet). */
  public record Headline(Long customers, Long activeBase, int activeWindowDays, KpiPoint last, KpiPoint previous,
      Double totalPredictedClv, Integer horizonMonths) {}

  /** One calendar period of gold.retention_kpis. Rates are fractions; any of them may be null (S = 0). */
  public record KpiPoint(LocalDate periodStart, LocalDate periodEnd, boolean complete, Double crr, Double churnRate,
      Double aov, Double purchaseFrequency, Double repeatRate, Long customersEnd) {}

  /**
   * One cell of gold.cohort_retention (breakdowns summed); {@code revenueRetention} is the net revenue retention,
   * null when the cohort's period-0 net revenue is not positive.
   */
  public record CohortCell(LocalDate cohort, int periodIndex, long cohortSize, long active, double retention,
      double unbounded, boolean complete, Double revenueRetention) {}

  /** One bar of a histogram: [from, to) and how many values fell in it; {@code to} infinite for the last. */
  public record Bin(double from, double to, long count) {}

  /** Days between consecutive purchase days: histogram and percentiles per transition (1-2, 2-3, 3-4, 4+, all). */
  public record Gaps(List<Bin> histogram, List<Transition> transitions) {}

  /** Gap statistics of one transition. */
  public record Transition(String transition, long gaps, double mean, double p25, double p50, double p75,
      double p90) {}

  /** Predicted CLV distribution and historical vs predicted value per customer by first-purchase month. */
  public record Clv(long customers, double totalPredicted, double medianPredicted, int horizonMonths,
      List<Bin> histogram, List<CohortClv> byCohort) {}

  /** Mean historical and predicted CLV of the customers who first bought in {@code cohort} (a month). */
  public record CohortClv(LocalDate cohort, long customers, double historical, double predicted) {}

  /** gold.clv_evaluation: mean actual vs predicted holdout purchases of one calibration-frequency bin. */
  public record CalibrationBin(String bin, long customers, double actualMean, double predictedMean) {}

  /** The latest churn scores on or before the as-of date; {@code pseudonymised}: ids in {@code top} are HMACs. */
  public record Churn(LocalDate scoreDate, String modelVersion, long scored, List<BandCount> bands,
      List<Bin> riskHistogram, List<AtRisk> top, boolean pseudonymised) {}

  /**
   * gold.churn_evaluation of one model version, the chosen scorer first; {@code note} says why this version is
   * shown when it is not the one of the scores (null otherwise).
   */
  public record ChurnModel(String modelVersion, List<Scorer> scorers, String note) {
    public ChurnModel {
      scorers = List.copyOf(scorers);
    }

    /** The chosen scorer (the first one). */
    public Scorer chosen() {
      return scorers.isEmpty() ? null : scorers.get(0);
    }
  }

  /**
   * One scorer's validation curves and metrics (any metric null when absent; Brier only for probabilities).
   * roc: x = false positive rate, y = true positive rate; lift: x = decile 1..10, y = lift, n = customers;
   * calibration: x = mean predicted risk, y = observed churn rate, n = customers in the bin.
   */
  public record Scorer(String scorer, boolean chosen, List<Point> roc, List<Point> lift, List<Point> calibration,
      Double rocAuc, Double prAuc, Double topDecileLift, Double brier, Long customers) {
    /** The scorer in words. */
    public String name() {
      return switch (scorer) {
        case "logistic" -> "logistic regression";
        case "gbt" -> "gradient-boosted trees";
        case "recency" -> "recency alone";
        case "bgnbd_no_purchase" -> "BG/NBD P(no purchase)";
        case "p_alive" -> "1 - P(alive)"; // models trained before the BG/NBD P(no purchase) baseline
        default -> scorer;
      };
    }

    /** The label shown in charts and tables. */
    public String label() {
      return (baseline() ? "baseline: " : "") + name() + (chosen ? " (chosen)" : "");
    }

    public boolean baseline() {
      return List.of("recency", "bgnbd_no_purchase", "p_alive").contains(scorer);
    }
  }

  /** One point of a curve. */
  public record Point(double x, double y, Long n) {}

  /** Customers per risk band. */
  public record BandCount(String band, long customers) {}

  /** One row of the at-risk list; {@code predictedClv} null when gold.customer_clv has no row for it. */
  public record AtRisk(String customerId, double risk, String band, String reasons, Double predictedClv) {
    /** Expected value lost: churn risk × predicted CLV (null without a CLV). */
    public Double valueAtRisk() {
      return predictedClv == null ? null : risk * predictedClv;
    }
  }
}
