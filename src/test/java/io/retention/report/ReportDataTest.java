package io.retention.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.retention.churn.ChurnEvaluation;
import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.report.ReportModel.CohortCell;
import io.retention.report.ReportModel.Transition;
import io.retention.schema.ClvColumns;
import io.retention.schema.Columns;
import io.retention.schema.MetricsColumns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportDataTest {
  static DeltaTables tables;
  static ReportModel model;

  @TempDir
  Path out;

  @BeforeAll
  static void warehouse() {
    tables = ReportWarehouse.build();
    model = new ReportData(tables).load(new ReportData.Options(null, 90));
  }

  @Test
  void headlineAndGapsMatchAnIndependentCountOfTheFixture() {
    Map<String, Set<LocalDate>> days = new HashMap<>();
    for (Row r : ReportWarehouse.purchases()) {
      if (Columns.KIND_PURCHASE.equals(r.getString(7))) {
        days.computeIfAbsent(r.getString(1), k -> new TreeSet<>()).add(r.getDate(3).toLocalDate());
      }
    }
    LocalDate asOf = ReportWarehouse.LAST;
    long active = days.values().stream()
        .filter(s -> s.stream().anyMatch(d -> !d.isBefore(asOf.minusDays(90)))).count();
    long gaps = days.values().stream().mapToLong(s -> s.size() - 1).sum();
    long firstGaps = days.values().stream().filter(s -> s.size() > 1).count();

    assertThat(model.asOf()).isEqualTo(asOf);
    // the counts below come from gold.customers (metrics ran as of the same day); the next test's from the state
    assertThat(io.retention.metrics.CustomersBasis.current(tables).orElseThrow().asOf()).isEqualTo(asOf);
    assertThat(model.grain()).isEqualTo("month");
    assertThat(model.headline().customers()).isEqualTo(days.size());
    assertThat(model.headline().activeBase()).isEqualTo(active);
    Map<String, Long> byTransition = model.gaps().transitions().stream()
        .collect(Collectors.toMap(Transition::transition, Transition::gaps));
    assertThat(byTransition.get("all")).isEqualTo(gaps);
    assertThat(byTransition.get("1-2")).isEqualTo(firstGaps);
    assertThat(model.gaps().histogram().stream().mapToLong(ReportModel.Bin::count).sum()).isEqualTo(gaps);

    // each transition's mean and percentiles (linear interpolation between closest ranks), and the 14-day bins
    Map<String, List<Long>> lengths = new HashMap<>();
    long[] bins = new long[ReportData.GAP_BINS + 1];
    for (Set<LocalDate> s : days.values()) {
      List<LocalDate> d = List.copyOf(s);
      for (int n = 2; n <= d.size(); n++) {
        long gap = java.time.temporal.ChronoUnit.DAYS.between(d.get(n - 2), d.get(n - 1));
        String t = n == 2 ? "1-2" : n == 3 ? "2-3" : n == 4 ? "3-4" : "4+";
        lengths.computeIfAbsent(t, k -> new java.util.ArrayList<>()).add(gap);
        lengths.computeIfAbsent("all", k -> new java.util.ArrayList<>()).add(gap);
        bins[(int) Math.min(gap / ReportData.GAP_BIN_DAYS, ReportData.GAP_BINS)]++;
      }
    }
    assertThat(model.gaps().transitions()).extracting(Transition::transition)
        .containsExactlyElementsOf(new TreeSet<>(lengths.keySet()));
    for (Transition t : model.gaps().transitions()) {
      List<Long> v = lengths.get(t.transition()).stream().sorted().toList();
      assertThat(t.mean()).as(t.transition()).isCloseTo(v.stream().mapToLong(Long::longValue).average()
          .orElseThrow(), org.assertj.core.api.Assertions.within(1e-9));
      assertThat(new double[] {t.p25(), t.p50(), t.p75(), t.p90()}).as(t.transition())
          .containsExactly(new double[] {rank(v, 0.25), rank(v, 0.5), rank(v, 0.75), rank(v, 0.9)},
              org.assertj.core.api.Assertions.within(1e-9));
    }
    assertThat(model.gaps().histogram()).extracting(ReportModel.Bin::count)
        .containsExactlyElementsOf(java.util.Arrays.stream(bins).boxed().toList());
  }

  /** The p-th percentile of sorted values, interpolated between the two closest ranks. */
  private static double rank(List<Long> sorted, double p) {
    double pos = (sorted.size() - 1) * p;
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return sorted.get(lo) + (pos - lo) * (sorted.get(hi) - sorted.get(lo));
  }

  @Test
  void anEarlierAsOfCountsOnlyTheCustomersWhoHadBoughtByThen() {
    Map<String, Set<LocalDate>> days = new HashMap<>();
    for (Row r : ReportWarehouse.purchases()) {
      if (Columns.KIND_PURCHASE.equals(r.getString(7))) {
        days.computeIfAbsent(r.getString(1), k -> new TreeSet<>()).add(r.getDate(3).toLocalDate());
      }
    }
    // the median first purchase: about half the customers have not bought yet on that day
    List<LocalDate> firsts = days.values().stream().map(s -> ((TreeSet<LocalDate>) s).first()).sorted().toList();
    LocalDate asOf = firsts.get(firsts.size() / 2);
    long customers = days.values().stream().filter(s -> !((TreeSet<LocalDate>) s).first().isAfter(asOf)).count();
    long active = days.values().stream()
        .filter(s -> s.stream().anyMatch(d -> !d.isAfter(asOf) && !d.isBefore(asOf.minusDays(90)))).count();
    assertThat(customers).isLessThan(days.size());

    ReportModel earlier = new ReportData(tables).load(new ReportData.Options(asOf, 90));
    assertThat(earlier.headline().customers()).isEqualTo(customers);
    assertThat(earlier.headline().activeBase()).isEqualTo(active);
  }

  @Test
  void kpisAndCohortsComeFromTheGoldTables() {
    Row may = tables.read(Table.RETENTION_KPIS)
        .where(functions.col(MetricsColumns.PERIOD_START).equalTo(Date.valueOf("2025-05-01"))).first();
    assertThat(model.headline().last().periodStart()).isEqualTo(LocalDate.parse("2025-05-01"));
    assertThat(model.headline().previous().periodStart()).isEqualTo(LocalDate.parse("2025-04-01"));
    assertThat(model.headline().last().crr()).isEqualTo(may.getAs(MetricsColumns.CRR));
    assertThat(model.headline().last().churnRate()).isEqualTo(may.getAs(MetricsColumns.CHURN_RATE));
    assertThat(model.kpis().get(model.kpis().size() - 1).complete()).as("June is not complete").isFalse();

    Map<LocalDate, Long> sizes = new HashMap<>();
    for (CohortCell c : model.cohorts()) {
      sizes.put(c.cohort(), c.cohortSize());
      assertThat(c.complete()).isEqualTo(!c.cohort().plusMonths(c.periodIndex()).isAfter(LocalDate.parse("2025-05-01")));
    }
    assertThat(sizes.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(40);
    Map<String, Double> revenue = new HashMap<>();
    for (Row r : tables.read(Table.COHORT_RETENTION).select(MetricsColumns.COHORT, MetricsColumns.PERIOD_INDEX,
        MetricsColumns.REVENUE).collectAsList()) {
      revenue.merge(r.get(0) + "/" + r.get(1), r.getDecimal(2).doubleValue(), Double::sum);
    }
    for (CohortCell c : model.cohorts()) {
      double base = revenue.get(c.cohort() + "/0");
      assertThat(c.revenueRetention()).as(c.toString())
          .isCloseTo(revenue.get(c.cohort() + "/" + c.periodIndex()) / base, within(1e-12));
    }
  }

  @Test
  void clvSectionsSumTheClvTables() {
    double total = tables.read(Table.CUSTOMER_CLV).agg(functions.sum(ClvColumns.PREDICTED_CLV)).first()
        .getDecimal(0).doubleValue();
    assertThat(model.clv().customers()).isEqualTo(40);
    assertThat(model.clv().totalPredicted()).isCloseTo(total, within(1e-6));
    assertThat(model.headline().totalPredictedClv()).isCloseTo(total, within(1e-6));
    assertThat(model.clv().histogram().stream().mapToLong(ReportModel.Bin::count).sum()).isEqualTo(40);
    assertThat(model.clv().byCohort().stream().mapToLong(ReportModel.CohortClv::customers).sum()).isEqualTo(40);
    assertThat(model.calibration()).extracting(ReportModel.CalibrationBin::bin).contains("0", "all");
    assertThat(model.churn()).as("gold.churn_scores does not exist").isNull();
  }

  @Test
  void churnScoresWithHostileIdsReachThePageEscaped() throws Exception {
    DeltaTables t = tables; // the model of the other tests was loaded before this table existed
    StructType schema = Schemas.struct(Schemas.field(Columns.CUSTOMER_ID, DataTypes.StringType),
        Schemas.field("score_date", DataTypes.DateType), Schemas.field("churn_risk", DataTypes.DoubleType),
        Schemas.field("risk_band", DataTypes.StringType),
        Schemas.field("top_reasons", DataTypes.createArrayType(DataTypes.StringType)),
        Schemas.field("model_version", DataTypes.StringType));
    Date today = Date.valueOf(ReportWarehouse.LAST);
    t.overwrite(Table.CHURN_SCORES, SharedSpark.get().createDataFrame(List.of(
        RowFactory.create(ReportWarehouse.HOSTILE, today, 0.97, "high", new String[] {"<b>idle</b>", "p_alive"}, "m1"),
        RowFactory.create("c03", today, 0.40, "medium", new String[] {"gap"}, "m1"),
        RowFactory.create("c03", Date.valueOf("2025-05-31"), 0.99, "high", new String[] {"old"}, "m0")), schema));
    ReportModel m;
    try {
      m = new ReportData(t).load(new ReportData.Options(null, 90));
    } finally {
      HtmlReport.deleteTree(Path.of(t.path(Table.CHURN_SCORES)));
    }
    ReportModel.AtRisk top = m.churn().top().get(0);
    assertThat(top.customerId()).isEqualTo(ReportWarehouse.HOSTILE);
    assertThat(top.reasons()).isEqualTo("<b>idle</b>; p_alive");
    assertThat(top.predictedClv()).isNotNull();
    assertThat(m.churn().scored()).isEqualTo(2);
    assertThat(m.churn().modelVersion()).isEqualTo("m1");

    Path dir = HtmlReport.write(m, out);
    String html = Files.readString(dir.resolve("index.html"));
    assertThat(html).doesNotContain("<script").doesNotContain("<b>idle")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;").contains("&lt;b&gt;idle&lt;/b&gt;; p_alive")
        .contains("<img src=\"clv_calibration.png\"");
    for (String png : List.of("cohort_heatmap.png", "kpi_rates.png", "gap_histogram.png", "clv_distribution.png",
        "clv_calibration.png", "churn_risk.png")) {
      assertThat(Files.size(dir.resolve(png))).as(png).isGreaterThan(1000);
    }
  }

  private static void scores(DeltaTables t, String version, String... ids) {
    StructType schema = Schemas.struct(Schemas.field(Columns.CUSTOMER_ID, DataTypes.StringType),
        Schemas.field("score_date", DataTypes.DateType), Schemas.field("churn_risk", DataTypes.DoubleType),
        Schemas.field("risk_band", DataTypes.StringType), Schemas.field("top_reasons", DataTypes.StringType),
        Schemas.field("model_version", DataTypes.StringType));
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      rows.add(RowFactory.create(ids[i], Date.valueOf(ReportWarehouse.LAST), 0.9 - 0.1 * i, "high", "idle", version));
    }
    t.overwrite(Table.CHURN_SCORES, SharedSpark.get().createDataFrame(rows, schema));
  }

  private static List<ChurnEvaluation.CurvePoint> evaluation(String chosen, double auc) {
    List<ChurnEvaluation.CurvePoint> pts = new java.util.ArrayList<>();
    for (String s : List.of("recency", "gbt", "logistic")) {
      boolean c = s.equals(chosen);
      pts.add(new ChurnEvaluation.CurvePoint(s, c, "roc", 0, 0.0, 0.0, null));
      pts.add(new ChurnEvaluation.CurvePoint(s, c, "roc", 1, 0.25, 0.7, null));
      pts.add(new ChurnEvaluation.CurvePoint(s, c, "roc", 2, 1.0, 1.0, null));
      for (int d = 1; d <= 10; d++) {
        pts.add(new ChurnEvaluation.CurvePoint(s, c, "lift", d - 1, (double) d, d == 1 ? 3.0 : 7.0 / 9, 5L));
      }
      if (!s.equals("recency")) {
        pts.add(new ChurnEvaluation.CurvePoint(s, c, "calibration", 0, 0.2, 0.25, 30L));
        pts.add(new ChurnEvaluation.CurvePoint(s, c, "calibration", 1, 0.7, 0.6, 20L));
        pts.add(new ChurnEvaluation.CurvePoint(s, c, "brier", 0, null, 0.19, 50L));
      }
      pts.add(new ChurnEvaluation.CurvePoint(s, c, "roc_auc", 0, null, s.equals("recency") ? 0.7 : auc, 50L));
      pts.add(new ChurnEvaluation.CurvePoint(s, c, "pr_auc", 0, null, 0.5, 50L));
      pts.add(new ChurnEvaluation.CurvePoint(s, c, "top_decile_lift", 0, null, 3.0, 50L));
    }
    return pts;
  }

  @Test
  void churnModelSectionReadsTheEvaluationOfTheScoresModelVersion() throws Exception {
    DeltaTables t = tables;
    try {
      ChurnEvaluation.write(t, "m1", evaluation("gbt", 0.81));
      ChurnEvaluation.write(t, "m2", evaluation("logistic", 0.77));
      scores(t, "m1", "c03", "c04");
      ReportModel m = new ReportData(t).load(new ReportData.Options(null, 90));
      ReportModel.ChurnModel e = m.churnModel();
      assertThat(e.modelVersion()).isEqualTo("m1");
      assertThat(e.note()).isNull();
      assertThat(e.scorers()).extracting(ReportModel.Scorer::scorer).containsExactly("gbt", "logistic", "recency");
      ReportModel.Scorer gbt = e.chosen();
      assertThat(gbt.chosen()).isTrue();
      assertThat(gbt.rocAuc()).isEqualTo(0.81);
      assertThat(gbt.brier()).isEqualTo(0.19);
      assertThat(gbt.customers()).isEqualTo(50L);
      assertThat(gbt.roc()).extracting(ReportModel.Point::x).containsExactly(0.0, 0.25, 1.0);
      assertThat(gbt.lift()).hasSize(10).first().isEqualTo(new ReportModel.Point(1, 3.0, 5L));
      assertThat(e.scorers().get(2).calibration()).isEmpty();
      assertThat(e.scorers().get(2).brier()).isNull();
      // 3.0 x 5 of (3.0 + 9 x 7/9) x 5 churner-weights: the top decile holds 30 %, the top two 37.8 %
      assertThat(Readings.topShare(gbt.lift(), 1)).isCloseTo(0.3, within(1e-12));

      String html = Files.readString(HtmlReport.write(m, out).resolve("index.html"));
      assertThat(html).contains("Model m1 · chosen: gradient-boosted trees · validated on 50 customers")
          .contains("<img src=\"churn_roc.png\"").contains("<img src=\"churn_lift.png\"")
          .contains("<img src=\"churn_calibration.png\"")
          .contains("has a ROC-AUC of 0.810 against 0.700 for recency alone: it beats both baselines");

      scores(t, "m0", "c03");
      ReportModel.ChurnModel other = new ReportData(t).load(new ReportData.Options(null, 90)).churnModel();
      assertThat(other.modelVersion()).as("m0 has no evaluation: the newest one is shown").isEqualTo("m2");
      assertThat(other.note()).contains("model m0, which has no rows in gold.churn_evaluation");
      assertThat(other.chosen().scorer()).isEqualTo("logistic");
    } finally {
      HtmlReport.deleteTree(Path.of(t.path(Table.CHURN_SCORES)));
      HtmlReport.deleteTree(Path.of(t.path(Table.CHURN_EVALUATION)));
    }
  }

  @Test
  void atRiskIdsArePseudonymisedWithTheExportKeyWhenTheOptionIsOn() throws Exception {
    DeltaTables t = tables;
    byte[] key = "a-long-enough-secret-key".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try {
      scores(t, "m1", ReportWarehouse.HOSTILE, "c07");
      ReportModel plain = new ReportData(t).load(new ReportData.Options(null, 90));
      ReportModel pseudo = new ReportData(t).load(new ReportData.Options(null, 90, key));
      String on = Files.readString(HtmlReport.write(pseudo, out.resolve("on")).resolve("index.html"));
      String off = Files.readString(HtmlReport.write(plain, out.resolve("off")).resolve("index.html"));

      assertThat(pseudo.churn().top()).extracting(ReportModel.AtRisk::customerId).containsExactly(
          io.retention.export.CsvSafety.pseudonym(key, ReportWarehouse.HOSTILE),
          io.retention.export.CsvSafety.pseudonym(key, "c07"));
      assertThat(pseudo.churn().top().get(0).predictedClv()).as("CLV joined on the raw id")
          .isEqualTo(plain.churn().top().get(0).predictedClv()).isNotNull();
      assertThat(off).contains("<td>c07</td>").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
      assertThat(on).doesNotContain("<td>c07</td>").doesNotContain("alert(1)")
          .contains("<td>" + io.retention.export.CsvSafety.pseudonym(key, "c07") + "</td>")
          .contains("Customer ids are pseudonymised (HMAC-SHA256 keyed like the CRM export).");
    } finally {
      HtmlReport.deleteTree(Path.of(t.path(Table.CHURN_SCORES)));
    }
  }

  @Test
  void riskBandsAreListedFromTheRiskiestDownNotByName() {
    List<ReportModel.BandCount> bands = new java.util.ArrayList<>(List.of(new ReportModel.BandCount("low", 5),
        new ReportModel.BandCount("other", 3), new ReportModel.BandCount("high", 1),
        new ReportModel.BandCount("medium", 2)));
    bands.sort(ValueData.BY_RISK);
    assertThat(bands).extracting(ReportModel.BandCount::band).containsExactly("high", "medium", "low", "other");
  }
}
