package io.retention.churn;

import static org.apache.spark.sql.functions.array_min;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import io.retention.metrics.CustomerActivity;
import io.retention.schema.ChurnColumns;
import io.retention.schema.Columns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.AFTSurvivalRegression;
import org.apache.spark.ml.regression.AFTSurvivalRegressionModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 experiment harness, not a test: trains churn candidates (feature sets, stacked cutoffs, LR / GBT /
 * AFT) on CDNOW and UCI Online Retail at the ITs' cutoffs and prints out-of-time ROC-AUC / PR-AUC / top-decile
 * lift / raw Brier next to the two baselines, into target/churn-margin.txt. Runs only with
 * -Dchurn.experiment=true (e.g. mvn verify -Dit.test=ChurnMarginExperimentIT -Dchurn.experiment=true).
 */
class ChurnMarginExperimentIT {
  private static final int H = 90;
  private static final String TTE = "time_to_next";
  private static final String EVENT = "event";
  private static final Path OUT = Path.of("target", "churn-margin.txt");
  /** The 18 features shipped before issue 17 (ChurnColumns.FEATURES then), the experiments' base. */
  private static final List<String> SHIPPED = ChurnColumns.FEATURES.subList(0, 18);
  /** Orders in (c - 365, c - 365 + H]: the coming horizon's season last year (tried, not kept). */
  private static final String SEASON = "orders_season_last_year";

  @Test
  void experiments() throws IOException {
    Assumptions.assumeTrue(Boolean.getBoolean("churn.experiment"), "experiment harness: -Dchurn.experiment=true");
    Files.writeString(OUT, "", StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    String only = System.getProperty("churn.experiment.dataset", "both");
    if (!only.equals("uci")) {
      run("CDNOW", ChurnRows.cdnowSample(), LocalDate.parse("1997-09-30"), List.of());
    }
    if (!only.equals("cdnow")) {
      run("UCI", ChurnRows.onlineRetail(), LocalDate.parse("2011-09-10"), List.of("Country"));
    }
  }

  private static void run(String label, Dataset<Row> purchases, LocalDate c, List<String> cats) throws IOException {
    Dataset<Row> state = CustomerActivity.state(purchases, false).persist(StorageLevel.MEMORY_AND_DISK());
    ChurnTrainer.Options o = new ChurnTrainer.Options(c, H, 365, 0.0, 42, 50, 0.01, 20, 4, 3, "exp", cats);
    Dataset<Row> valid = at(state, purchases, o, c);
    Dataset<Row> train90 = at(state, purchases, o, c.minusDays(90));
    Dataset<Row> stacked = train90.unionByName(at(state, purchases, o, c.minusDays(120)))
        .unionByName(at(state, purchases, o, c.minusDays(150))).persist(StorageLevel.MEMORY_AND_DISK());
    log(String.format(Locale.ROOT, "%s c=%s train rows %d (stacked %d), validation rows %d, churn rate train %.3f "
        + "valid %.3f", label, c, train90.count(), stacked.count(), valid.count(), rate(train90), rate(valid)));

    List<String> base = SHIPPED;
    List<String> overdue = plus(base, ChurnColumns.OVERDUE_FACTOR, ChurnColumns.OVERDUE_BTYD);
    List<String> windows = plus(base, ChurnColumns.ORDERS_LAST_30, ChurnColumns.ORDERS_LAST_180,
        ChurnColumns.SPEND_LAST_30, ChurnColumns.SPEND_LAST_90, ChurnColumns.SPEND_LAST_180,
        ChurnColumns.ORDERS_RATIO_30_90, ChurnColumns.ORDERS_RATIO_90_180, ChurnColumns.SPEND_RATIO_90_180);
    List<String> season = plus(base, SEASON);
    List<String> all = plus(windows, ChurnColumns.OVERDUE_FACTOR, ChurnColumns.OVERDUE_BTYD, SEASON);
    List<String> logAll = new ArrayList<>();
    all.forEach(f -> logAll.add(LOGGED.contains(f) ? "log_" + f : f));
    List<String> logBase = new ArrayList<>();
    base.forEach(f -> logBase.add(LOGGED.contains(f) ? "log_" + f : f));

    report(label, "baseline recency", valid, ChurnColumns.RECENCY_DAYS, false);
    report(label, "baseline BG/NBD P(no purchase)", valid, ChurnColumns.P_NO_PURCHASE, true);
    Map<String, Object[]> runs = new LinkedHashMap<>();
    if (Integer.getInteger("churn.experiment.round", 1) == 2) {
      Dataset<Row> stacked5 = stacked.unionByName(at(state, purchases, o, c.minusDays(180)))
          .unionByName(at(state, purchases, o, c.minusDays(210))).persist(StorageLevel.MEMORY_AND_DISK());
      log(label + " stacked 5 cutoffs rows " + stacked5.count());
      List<String> logitAll = plus(logAll, "logit_p_no_purchase", "logit_p_alive");
      List<String> logitBase = plus(logBase, "logit_p_no_purchase", "logit_p_alive");
      List<String> logOverdue = plus(logBase, "log_" + ChurnColumns.OVERDUE_FACTOR, "log_" + ChurnColumns.OVERDUE_BTYD);
      List<String> allNoSeason = new ArrayList<>(all);
      allNoSeason.remove(SEASON);
      runs.put("LR base (as shipped)", new Object[] {base, train90, false});
      runs.put("LR all new, stacked 5 cutoffs", new Object[] {all, stacked5, false});
      runs.put("LR log1p all new, stacked 5", new Object[] {logAll, stacked5, false});
      runs.put("LR log1p base, stacked 5", new Object[] {logBase, stacked5, false});
      runs.put("LR log1p all + logits", new Object[] {logitAll, train90, false});
      runs.put("LR log1p all + logits, stacked", new Object[] {logitAll, stacked, false});
      runs.put("LR log1p base + logits, stacked", new Object[] {logitBase, stacked, false});
      runs.put("LR log1p base + overdue, stacked", new Object[] {logOverdue, stacked, false});
      runs.put("LR all new w/o season, stacked", new Object[] {allNoSeason, stacked, false});
      runs.put("GBT log all, stacked 5, depth 3", new Object[] {logAll, stacked5, true});
    } else {
    runs.put("LR base (as shipped)", new Object[] {base, train90, false});
    runs.put("LR + overdue (a)", new Object[] {overdue, train90, false});
    runs.put("LR + windows (b)", new Object[] {windows, train90, false});
    runs.put("LR + season last year (c)", new Object[] {season, train90, false});
    runs.put("LR + all new (a+b+c)", new Object[] {all, train90, false});
    runs.put("LR base, stacked 3 cutoffs (d)", new Object[] {base, stacked, false});
    runs.put("LR all new, stacked (a-d)", new Object[] {all, stacked, false});
    runs.put("LR log1p base", new Object[] {logBase, train90, false});
    runs.put("LR log1p all new", new Object[] {logAll, train90, false});
    runs.put("LR log1p all new, stacked", new Object[] {logAll, stacked, false});
    runs.put("LR log1p base, stacked", new Object[] {logBase, stacked, false});
    runs.put("GBT base", new Object[] {base, train90, true});
    runs.put("GBT all new (e)", new Object[] {all, train90, true});
    runs.put("GBT all new, stacked (e)", new Object[] {all, stacked, true});
    }
    for (Map.Entry<String, Object[]> e : runs.entrySet()) {
      @SuppressWarnings("unchecked")
      List<String> inputs = (List<String>) e.getValue()[0];
      Dataset<Row> tr = (Dataset<Row>) e.getValue()[1];
      PipelineStage clf = (Boolean) e.getValue()[2]
          ? new GBTClassifier().setMaxIter(20).setMaxDepth(e.getKey().contains("depth 3") ? 3 : 4).setSeed(42)
          : new LogisticRegression().setMaxIter(50).setRegParam(0.01);
      PipelineModel m = pipeline(clf, inputs, cats).fit(logged(tr));
      report(label, e.getKey(), ChurnTrainer.score(m, logged(valid)), ChurnTrainer.SCORE, true);
    }
    if (!Boolean.getBoolean("churn.experiment.noaft") && Integer.getInteger("churn.experiment.round", 1) == 1) {
      aft(label, logAll, train90, valid, cats, "AFT Weibull log1p all new (f)");
      aft(label, logAll, stacked, valid, cats, "AFT Weibull log1p all new, stacked (f)");
    }
    stacked.unpersist();
    state.unpersist();
  }

  /** Skewed counts and amounts, log1p'd (negatives clipped to 0) for the linear models. */
  private static final List<String> LOGGED = List.of(ChurnColumns.RECENCY_DAYS, ChurnColumns.PURCHASE_DAYS,
      ChurnColumns.ORDERS, ChurnColumns.NET_REVENUE, ChurnColumns.AVG_ORDER_VALUE, ChurnColumns.TENURE_DAYS,
      ChurnColumns.MEAN_GAP_DAYS, ChurnColumns.MAX_GAP_DAYS, ChurnColumns.GAP_STD_DAYS, ChurnColumns.OVERDUE_RATIO,
      ChurnColumns.ORDERS_LAST_90, ChurnColumns.ORDERS_PREV_90, ChurnColumns.TREND,
      ChurnColumns.EXPECTED_PURCHASES, ChurnColumns.OVERDUE_FACTOR, ChurnColumns.OVERDUE_BTYD,
      ChurnColumns.ORDERS_LAST_30, ChurnColumns.ORDERS_LAST_180, ChurnColumns.SPEND_LAST_30,
      ChurnColumns.SPEND_LAST_90, ChurnColumns.SPEND_LAST_180, SEASON);

  private static Dataset<Row> logged(Dataset<Row> d) {
    for (String f : LOGGED) {
      d = d.withColumn("log_" + f, log1p(greatest(col(f), lit(0.0))));
    }
    Column eps = lit(1e-6);
    for (String f : List.of(ChurnColumns.P_NO_PURCHASE, ChurnColumns.P_ALIVE)) {
      Column p = least(greatest(col(f), eps), lit(1 - 1e-6));
      d = d.withColumn("logit_" + f, org.apache.spark.sql.functions.log(p.divide(lit(1).minus(p))));
    }
    return d;
  }

  /** Features and labels at {@code at}, plus the days to the next purchase day in (at, at + H] (H when none). */
  private static Dataset<Row> at(Dataset<Row> state, Dataset<Row> purchases, ChurnTrainer.Options o, LocalDate at) {
    Column after = lit(Date.valueOf(at));
    Column until = lit(Date.valueOf(at.plusDays(H)));
    Column next = array_min(transform(filter(col(CustomerActivity.ACTIVITY), x -> x.getField(CustomerActivity.PURCHASES)
        .gt(0).and(x.getField(CustomerActivity.DAY).gt(after)).and(x.getField(CustomerActivity.DAY).leq(until))),
        x -> x.getField(CustomerActivity.DAY)));
    Dataset<Row> tte = state.select(col(Columns.CUSTOMER_ID), coalesce(datediff(next, after), lit(H)).cast("double")
        .as(TTE), when(next.isNotNull(), lit(1.0)).otherwise(lit(0.0)).as(EVENT));
    Column from = lit(Date.valueOf(at.minusDays(365)));
    Column to = lit(Date.valueOf(at.minusDays(365).plusDays(H)));
    Column season = org.apache.spark.sql.functions.aggregate(col(CustomerActivity.ACTIVITY), lit(0L), (acc, x) ->
        acc.plus(when(x.getField(CustomerActivity.DAY).gt(from).and(x.getField(CustomerActivity.DAY).leq(to)),
            x.getField(CustomerActivity.PURCHASES)).otherwise(0L))).cast("double");
    tte = tte.join(state.select(col(Columns.CUSTOMER_ID), season.as(SEASON)), Columns.CUSTOMER_ID);
    return ChurnTrainer.labelled(state, o.categoricals().isEmpty() ? null : purchases, o, at)
        .join(tte, Columns.CUSTOMER_ID).persist(StorageLevel.MEMORY_AND_DISK());
  }

  private static Pipeline pipeline(PipelineStage classifier, List<String> inputs, List<String> cats) {
    List<PipelineStage> stages = new ArrayList<>();
    List<String> in = new ArrayList<>(inputs);
    if (!cats.isEmpty()) {
      String[] raw = cats.stream().map(ChurnColumns::attribute).toArray(String[]::new);
      String[] idx = cats.stream().map(a -> ChurnColumns.attribute(a) + "_idx").toArray(String[]::new);
      String[] hot = cats.stream().map(a -> ChurnColumns.attribute(a) + "_vec").toArray(String[]::new);
      stages.add(new StringIndexer().setInputCols(raw).setOutputCols(idx).setHandleInvalid("keep")
          .setStringOrderType("frequencyDesc"));
      stages.add(new OneHotEncoder().setInputCols(idx).setOutputCols(hot).setHandleInvalid("keep"));
      in.addAll(List.of(hot));
    }
    stages.add(new VectorAssembler().setInputCols(in.toArray(new String[0])).setOutputCol("fv"));
    classifier.set(classifier.getParam("featuresCol"), "fv");
    if (classifier.hasParam("labelCol")) {
      classifier.set(classifier.getParam("labelCol"), classifier instanceof AFTSurvivalRegression ? TTE
          : ChurnColumns.LABEL);
    }
    stages.add(classifier);
    return new Pipeline().setStages(stages.toArray(new PipelineStage[0]));
  }

  /** Weibull AFT on days to next purchase, censored at H: score = P(T &gt; H) = exp(-(H / lambda)^(1 / sigma)). */
  private static void aft(String label, List<String> inputs, Dataset<Row> train, Dataset<Row> valid, List<String> cats,
      String name) throws IOException {
    AFTSurvivalRegression a = new AFTSurvivalRegression().setCensorCol(EVENT).setMaxIter(100);
    PipelineModel m = pipeline(a, inputs, cats).fit(logged(train));
    AFTSurvivalRegressionModel am = (AFTSurvivalRegressionModel) m.stages()[m.stages().length - 1];
    double k = 1.0 / am.scale();
    Dataset<Row> s = m.transform(logged(valid)).withColumn(ChurnTrainer.SCORE,
        least(lit(1.0), greatest(lit(0.0), exp(pow(lit((double) H).divide(col("prediction")), k).multiply(-1)))));
    report(label, name, s, ChurnTrainer.SCORE, true);
  }

  private static void report(String label, String name, Dataset<Row> df, String col, boolean prob) throws IOException {
    ChurnEvaluation.Metrics m = ChurnEvaluation.evaluate(name, df, col, prob);
    log(String.format(Locale.ROOT, "%s | %-40s | %.4f | %.4f | %.2f | %s", label, name, m.rocAuc(), m.prAuc(),
        m.topDecileLift(), Double.isNaN(m.brier()) ? "-" : String.format(Locale.ROOT, "%.4f", m.brier())));
  }

  private static double rate(Dataset<Row> d) {
    return d.agg(org.apache.spark.sql.functions.avg(col(ChurnColumns.LABEL))).first().getDouble(0);
  }

  private static List<String> plus(List<String> base, String... more) {
    List<String> out = new ArrayList<>(base);
    out.addAll(List.of(more));
    return out;
  }

  private static void log(String line) throws IOException {
    System.out.println("CHURN-MARGIN " + line);
    Files.writeString(OUT, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
