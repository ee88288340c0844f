package io.retention.report;

import io.retention.report.ReportModel.AtRisk;
import io.retention.report.ReportModel.BandCount;
import io.retention.report.ReportModel.Bin;
import io.retention.report.ReportModel.CalibrationBin;
import io.retention.report.ReportModel.CohortCell;
import io.retention.report.ReportModel.CohortClv;
import io.retention.report.ReportModel.KpiPoint;
import io.retention.report.ReportModel.Transition;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Hand-built report models (no Spark): a full one with hostile customer ids, and an empty warehouse's. */
final class ReportFixtures {
  static final String HOSTILE_ID = "<script>alert('x')</script>\"&<img src=x onerror=alert(1)>";
  static final String HOSTILE_REASON = "</td><script>document.title='pwned'</script>";
  static final LocalDate AS_OF = LocalDate.parse("2025-06-15");

  private ReportFixtures() {}

  static ReportModel full() {
    List<CohortCell> cells = new ArrayList<>();
    List<KpiPoint> kpis = new ArrayList<>();
    for (int c = 0; c < 6; c++) {
      LocalDate cohort = LocalDate.parse("2025-01-01").plusMonths(c);
      for (int k = 0; k <= 5 - c; k++) {
        double rate = k == 0 ? 1.0 : 0.3 / k + 0.01 * c;
        boolean complete = k < 5 - c;
        // net revenue retention: none defined for cohort 1 (no period-0 revenue), above 100 % from cohort 3
        Double revenue = k == 0 ? Double.valueOf(1.0) : c == 1 ? null : Double.valueOf(0.8 + 0.1 * c / k);
        cells.add(new CohortCell(cohort, k, 100, Math.round(100 * rate), rate, Math.min(1, rate + 0.1), complete,
            revenue));
      }
      kpis.add(new KpiPoint(cohort, cohort.plusMonths(1).minusDays(1), c < 5, 0.9 - 0.01 * c, 0.1 + 0.01 * c,
          55.0 + c, 1.2, 0.15, 400L + c));
    }
    List<Bin> gapBins = new ArrayList<>();
    for (int i = 0; i < 27; i++) {
      gapBins.add(new Bin(14 * i, i == 26 ? Double.POSITIVE_INFINITY : 14 * (i + 1), 200 / (i + 1)));
    }
    List<Transition> ts = List.of(new Transition("1-2", 300, 60, 20, 45, 80, 130),
        new Transition("2-3", 150, 50, 15, 38, 70, 110), new Transition("3-4", 80, 45, 14, 35, 60, 100),
        new Transition("4+", 90, 40, 12, 30, 55, 90), new Transition("all", 620, 52, 16, 40, 72, 120));
    List<Bin> clvBins = new ArrayList<>();
    for (int i = 0; i <= 20; i++) {
      clvBins.add(new Bin(10 * i, i == 20 ? Double.POSITIVE_INFINITY : 10 * (i + 1), 100 - 4 * i));
    }
    List<CohortClv> byCohort = List.of(new CohortClv(LocalDate.parse("2025-01-01"), 100, 150, 60),
        new CohortClv(LocalDate.parse("2025-02-01"), 90, 120, 70));
    ReportModel.Clv clv = new ReportModel.Clv(600, 42000.5, 55.2, 12, clvBins, byCohort);
    List<CalibrationBin> cal = List.of(new CalibrationBin("0", 300, 0.2, 0.25), new CalibrationBin("1", 120, 0.6, 0.55),
        new CalibrationBin("7+", 10, 3.1, 2.9), new CalibrationBin("all", 430, 0.4, 0.42));
    List<Bin> risk = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      risk.add(new Bin(i / 10.0, (i + 1) / 10.0, 50 - 4 * i));
    }
    ReportModel.Churn churn = new ReportModel.Churn(AS_OF, "v<1>", 320,
        List.of(new BandCount("high", 40), new BandCount("low", 280)), risk,
        List.of(new AtRisk(HOSTILE_ID, 0.93, "high", HOSTILE_REASON, 120.0), new AtRisk("c-2", 0.81, "high",
            "days_since_last; p_alive", null)), false);
    ReportModel.Headline h = new ReportModel.Headline(600L, 250L, 90, kpis.get(4), kpis.get(3), 42000.5, 12);
    return new ReportModel(AS_OF, "month", h, cells, kpis, new ReportModel.Gaps(gapBins, ts), clv, cal, churn,
        churnModel());
  }

  /**
   * Three scorers of model "v<1>": a ROC curve through (0.2, 0.6), lifts 2.5, 1.5, 1.0 ... and calibration bins
   * (0.15 predicted, 0.10 observed) and (0.75, 0.60) for the chosen model.
   */
  static ReportModel.ChurnModel churnModel() {
    List<ReportModel.Point> roc = List.of(new ReportModel.Point(0, 0, null), new ReportModel.Point(0.2, 0.6, null),
        new ReportModel.Point(1, 1, null));
    List<ReportModel.Point> baseRoc = List.of(new ReportModel.Point(0, 0, null),
        new ReportModel.Point(0.3, 0.5, null), new ReportModel.Point(1, 1, null));
    double[] lifts = {2.5, 1.5, 1.0, 1.0, 0.8, 0.8, 0.6, 0.4, 0.2, 0.2};
    double[] baseLifts = {2.0, 1.4, 1.2, 1.0, 1.0, 0.8, 0.6, 0.4, 0.4, 0.2};
    List<ReportModel.Point> lift = new ArrayList<>();
    List<ReportModel.Point> baseLift = new ArrayList<>();
    for (int d = 0; d < 10; d++) {
      lift.add(new ReportModel.Point(d + 1, lifts[d], 100L));
      baseLift.add(new ReportModel.Point(d + 1, baseLifts[d], 100L));
    }
    List<ReportModel.Point> cal = List.of(new ReportModel.Point(0.15, 0.10, 600L),
        new ReportModel.Point(0.75, 0.60, 400L));
    return new ReportModel.ChurnModel("v<1>", List.of(
        new ReportModel.Scorer("gbt", true, roc, lift, cal, 0.812, 0.655, 2.5, 0.1734, 1000L),
        new ReportModel.Scorer("recency", false, baseRoc, baseLift, List.of(), 0.701, 0.52, 2.0, null, 1000L),
        new ReportModel.Scorer("p_alive", false, baseRoc, baseLift, List.of(new ReportModel.Point(0.5, 0.4, 1000L)),
            0.744, 0.55, 2.0, 0.2101, 1000L)), null);
  }

  /** Only silver exists: every gold section is "not computed yet". */
  static ReportModel empty() {
    return new ReportModel(AS_OF, "month", new ReportModel.Headline(3L, 1L, 90, null, null, null, null),
        List.of(), List.of(), null, null, List.of(), null, null);
  }
}
