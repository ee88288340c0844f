package io.retention.report;

import io.retention.report.ReportModel.CalibrationBin;
import io.retention.report.ReportModel.CohortCell;
import io.retention.report.ReportModel.CohortClv;
import io.retention.report.ReportModel.KpiPoint;
import io.retention.report.ReportModel.Transition;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The one-line reading under each chart and the number formats of the page (plain text: escaped by the caller). */
final class Readings {
  private Readings() {}

  static String pct(Double v) {
    return v == null ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * v);
  }

  static String num(Double v, int decimals) {
    return v == null ? "–" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
  }

  static String count(Long v) {
    return v == null ? "–" : String.format(Locale.ROOT, "%,d", v);
  }

  /** "+1.2 pts" style change of a rate between two periods. */
  static String ptsChange(Double now, Double before) {
    if (now == null || before == null) {
      return "no previous period";
    }
    return String.format(Locale.ROOT, "%+.1f pts vs previous period", 100 * (now - before));
  }

  static String heatmap(List<CohortCell> cells, String grain) {
    return periodOne(cells, grain, CohortCell::retention, "retention");
  }

  static String revenueHeatmap(List<CohortCell> cells, String grain) {
    return periodOne(cells, grain, CohortCell::revenueRetention, "net revenue retention");
  }

  /** The period-1 value of the latest complete cohort against the plain mean of the cohorts shown. */
  private static String periodOne(List<CohortCell> cells, String grain,
      java.util.function.Function<CohortCell, Double> value, String what) {
    List<CohortCell> k1 = cells.stream().filter(c -> c.periodIndex() == 1 && c.complete() && value.apply(c) != null)
        .toList();
    if (k1.isEmpty()) {
      return "No cohort has a complete second " + grain + " yet; grey cells are still filling up.";
    }
    CohortCell latest = k1.get(k1.size() - 1);
    double mean = k1.stream().mapToDouble(value::apply).average().orElse(0);
    return String.format(Locale.ROOT, "%s-1 %s of the latest complete cohort (%s) is %s, against %s on "
        + "average over the %d cohorts shown.", cap(grain), what, latest.cohort(), pct(value.apply(latest)),
        pct(mean), k1.size());
  }

  static String curves(List<CohortCell> cells, String grain) {
    // a cohort observed past period 3, so "or later" has something to count
    Optional<CohortCell> c = cells.stream().filter(x -> x.complete() && x.periodIndex() == 3)
        .filter(x -> cells.stream().anyMatch(y -> y.cohort().equals(x.cohort()) && y.complete()
            && y.periodIndex() > 3))
        .max(Comparator.comparing(CohortCell::cohort));
    if (c.isEmpty()) {
      return "Curves start at 100 % in the cohort's own " + grain + "; the dashed line counts anyone who "
          + "buys in that " + grain + " or later.";
    }
    return String.format(Locale.ROOT, "Cohort %s: %s bought in %s 3, while %s bought in %s 3 or later "
        + "(unbounded) — the gap is customers who come back after a pause.", c.get().cohort(),
        pct(c.get().retention()), grain, pct(c.get().unbounded()), grain);
  }

  static String rates(KpiPoint last, KpiPoint prev) {
    if (last == null) {
      return "No complete period yet.";
    }
    return String.format(Locale.ROOT, "In the period starting %s, CRR was %s (%s) and churn %s (%s).",
        last.periodStart(), pct(last.crr()), prev == null ? "no previous period" : ptsChange(last.crr(), prev.crr()),
        pct(last.churnRate()), prev == null ? "no previous period" : ptsChange(last.churnRate(), prev.churnRate()));
  }

  static String aov(List<KpiPoint> kpis) {
    List<KpiPoint> done = kpis.stream().filter(k -> k.complete() && k.aov() != null).toList();
    if (done.isEmpty()) {
      return "No complete period with orders yet.";
    }
    double min = done.stream().mapToDouble(KpiPoint::aov).min().orElse(0);
    double max = done.stream().mapToDouble(KpiPoint::aov).max().orElse(0);
    return String.format(Locale.ROOT, "AOV was %s in the last complete period; it ranged from %s to %s over "
        + "the %d periods shown.", num(done.get(done.size() - 1).aov(), 2), num(min, 2), num(max, 2), done.size());
  }

  static String gaps(List<Transition> ts) {
    Transition first = ts.stream().filter(t -> "1-2".equals(t.transition())).findFirst().orElse(null);
    Transition all = ts.stream().filter(t -> "all".equals(t.transition())).findFirst().orElse(null);
    if (first == null || all == null) {
      return "Too few repeat purchases to describe the gaps.";
    }
    return String.format(Locale.ROOT, "The median wait for a second purchase is %s days; 90 %% of all %,d repeat "
        + "gaps are shorter than %s days.", num(first.p50(), 0), all.gaps(), num(all.p90(), 0));
  }

  static String percentiles(List<Transition> ts) {
    Transition first = ts.stream().filter(t -> "1-2".equals(t.transition())).findFirst().orElse(null);
    Transition later = ts.stream().filter(t -> "4+".equals(t.transition())).findFirst().orElse(null);
    if (first == null || later == null) {
      return "Bars show p25, median, p75 and p90 of the gap for each transition.";
    }
    return String.format(Locale.ROOT, "Median gap: %s days from 1st to 2nd purchase, %s days from the 4th on — "
        + "loyal customers come back %s.", num(first.p50(), 0), num(later.p50(), 0),
        later.p50() < first.p50() ? "faster" : "no faster");
  }

  static String clv(ReportModel.Clv c) {
    return String.format(Locale.ROOT, "%,d customers are expected to bring %s over the next %d months "
        + "(discounted); the median customer %s.", c.customers(), num(c.totalPredicted(), 2), c.horizonMonths(),
        num(c.medianPredicted(), 2));
  }

  static String clvByCohort(List<CohortClv> rows) {
    if (rows.isEmpty()) {
      return "gold.customers is needed to group CLV by first-purchase month.";
    }
    CohortClv best = rows.stream().max(Comparator.comparingDouble(CohortClv::predicted)).orElseThrow();
    return String.format(Locale.ROOT, "Customers who first bought in %s have the highest predicted CLV (%s per "
        + "customer, against %s earned so far).", best.cohort().toString().substring(0, 7), num(best.predicted(), 2),
        num(best.historical(), 2));
  }

  static String calibration(List<CalibrationBin> bins) {
    CalibrationBin all = bins.stream().filter(b -> "all".equals(b.bin())).findFirst().orElse(null);
    if (all == null || all.actualMean() == 0) {
      return "Bars side by side should be close: the model's holdout purchases against what happened.";
    }
    return String.format(Locale.ROOT, "Over all %,d customers the model predicted %s holdout purchases per "
        + "customer against %s actual (%+.1f %%).", all.customers(), num(all.predictedMean(), 3),
        num(all.actualMean(), 3), 100 * (all.predictedMean() / all.actualMean() - 1));
  }

  static String churn(ReportModel.Churn c) {
    long high = c.riskHistogram().stream().filter(b -> b.from() >= 0.6 - 1e-9).mapToLong(ReportModel.Bin::count)
        .sum();
    return String.format(Locale.ROOT, "%,d of %,d scored customers (%s) have a churn risk of 60 %% or more.",
        high, c.scored(), pct(c.scored() == 0 ? null : (double) high / c.scored()));
  }

  /** ROC-AUC of the chosen model against the baselines (gold.churn_evaluation metric rows). */
  static String roc(ReportModel.ChurnModel m) {
    ReportModel.Scorer c = m.chosen();
    if (c == null || c.rocAuc() == null) {
      return "The closer a curve runs to the top-left corner, the better the score ranks churners first.";
    }
    List<ReportModel.Scorer> base = m.scorers().stream().filter(s -> s.baseline() && s.rocAuc() != null).toList();
    if (base.isEmpty()) {
      return String.format(Locale.ROOT, "The chosen model (%s) has a ROC-AUC of %.3f; no baseline was evaluated.",
          c.name(), c.rocAuc());
    }
    boolean beats = base.stream().allMatch(b -> c.rocAuc() > b.rocAuc());
    return String.format(Locale.ROOT, "The chosen model (%s) has a ROC-AUC of %.3f against %s: %s.", c.name(),
        c.rocAuc(), String.join(" and ", base.stream().map(b -> String.format(Locale.ROOT, "%.3f for %s",
            b.rocAuc(), b.name())).toList()),
        beats ? "it beats both baselines" : "it does NOT beat every baseline, so rank with caution");
  }

  /** Top-decile lift and the share of churners in the top 20 % (chosen model against the baselines). */
  static String lift(ReportModel.ChurnModel m) {
    ReportModel.Scorer c = m.scorers().stream().filter(s -> !s.lift().isEmpty()).findFirst().orElse(null);
    if (c == null) {
      return "No churner in the validation set, so lift is undefined.";
    }
    List<String> base = m.scorers().stream().filter(s -> s.baseline() && !s.lift().isEmpty())
        .map(s -> s.name() + ": " + pct(topShare(s.lift(), 2))).toList();
    return String.format(Locale.ROOT, "Customers in the top decile of %s churn %.1f× as often as average; its top "
        + "20 %% of customers hold %s of the churners%s.", c.name(), c.lift().get(0).y(), pct(topShare(c.lift(), 2)),
        base.isEmpty() ? "" : " (" + String.join(", ", base) + ")");
  }

  /** Share of all churners in deciles 1..k: lift × customers is proportional to the churners of a decile. */
  static Double topShare(List<ReportModel.Point> lift, int k) {
    double all = lift.stream().mapToDouble(p -> p.y() * (p.n() == null ? 0 : p.n())).sum();
    double top = lift.stream().filter(p -> p.x() <= k).mapToDouble(p -> p.y() * (p.n() == null ? 0 : p.n())).sum();
    return all == 0 ? null : top / all;
  }

  /** The largest gap between predicted and observed churn among the chosen model's bins, and its Brier score. */
  static String churnCalibration(ReportModel.ChurnModel m) {
    ReportModel.Scorer c = m.scorers().stream().filter(s -> !s.calibration().isEmpty()).findFirst().orElse(null);
    if (c == null) {
      return "No probability scorer was evaluated.";
    }
    ReportModel.Point worst = c.calibration().stream()
        .max(Comparator.comparingDouble(p -> Math.abs(p.y() - p.x()))).orElseThrow();
    return String.format(Locale.ROOT, "%s: predicted and observed churn differ by at most %.1f pts over %d bins "
        + "(predicted %s, observed %s, %s customers)%s.", cap(c.name()), 100 * Math.abs(worst.y() - worst.x()),
        c.calibration().size(), pct(worst.x()), pct(worst.y()), count(worst.n()),
        c.brier() == null ? "" : String.format(Locale.ROOT, "; Brier score %.4f", c.brier()));
  }

  private static String cap(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
