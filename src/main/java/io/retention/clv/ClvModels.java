package io.retention.clv;


import io.retention.schema.ClvSchemas;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The models of one CLV run, fitted on the driver from patterns aggregated on the cluster: BG/NBD (required),
 * Gamma-Gamma (null when no repeat customer has a positive mean value: values and predicted CLV are then
 * NULL, with a warning) and the simple-CLV churn inputs.
 */
public record ClvModels(ModelFit bgNbd, ModelFit gammaGamma, SimpleClv.Churn churn, List<String> warnings) {
  private static final Logger LOG = LoggerFactory.getLogger(ClvModels.class);

  /** {@code requested}, or the latest order_date of a purchase (one small aggregation). */
  public static LocalDate calibrationEnd(Dataset<Row> purchases, LocalDate requested) {
    if (requested != null) {
      return requested;
    }
    return io.retention.lake.LatestPurchase.day(purchases).orElseThrow(() ->
        new IllegalStateException("clv: silver.purchases holds no purchase: nothing to fit"));
  }

  /** Fits both models on the driver; only patterns and two aggregates are collected from {@code rfm}. */
  public static ClvModels fit(Dataset<Row> rfm, CustomerLifetimeValue.Options o) {
    long t0 = System.nanoTime();
    RfmPatterns patterns = RfmSummary.patterns(rfm, o.unit());
    long t1 = System.nanoTime();
    ModelFit bg = BgNbd.fit(patterns, o.penalizer());
    LOG.info("BG/NBD: {} customers, {} distinct patterns aggregated in {} s, fitted on the driver in {} s "
        + "({} iterations, {} evaluations)", bg.customers(), bg.patterns(), seconds(t0, t1),
        seconds(t1, System.nanoTime()), bg.iterations(), bg.evaluations());
    List<String> warnings = new ArrayList<>(bg.warnings());
    ModelFit gg = null;
    try {
      long t2 = System.nanoTime();
      GammaGamma.Data values = RfmSummary.valuePatterns(rfm);
      long t3 = System.nanoTime();
      gg = GammaGamma.fit(values, 0, o.penalizer());
      warnings.addAll(gg.warnings());
      LOG.info("Gamma-Gamma: {} repeat customers used, {} excluded (mean repeat value <= 0); {} distinct pairs "
          + "aggregated in {} s, fitted in {} s ({} iterations, {} evaluations)", gg.customers(),
          gg.excludedCustomers(), gg.patterns(), seconds(t2, t3), seconds(t3, System.nanoTime()), gg.iterations(),
          gg.evaluations());
    } catch (IllegalArgumentException e) {
      warnings.add(e.getMessage() + "; expected values and predicted CLV are left empty");
    }
    SimpleClv.Churn churn = SimpleClv.churn(rfm, o.activeWindowDays());
    if (!Double.isFinite(churn.lifetimeYears())) {
      warnings.add("simple CLV: no customer left the active base (" + o.activeWindowDays()
          + " days): the expected lifetime is unbounded, simple_clv is left empty");
    }
    warnings.forEach(w -> LOG.warn(w));
    return new ClvModels(bg, gg, churn, List.copyOf(warnings));
  }

  private static String seconds(long from, long to) {
    return String.format(java.util.Locale.ROOT, "%.2f", (to - from) / 1e9);
  }

  /** The gold.clv_model rows of this run (one per fitted model). */
  public Dataset<Row> rows(SparkSession spark, CustomerLifetimeValue.Options o, String runId, Instant fittedAt) {
    List<Row> rows = new ArrayList<>();
    rows.add(row(bgNbd, o, runId, fittedAt));
    if (gammaGamma != null) {
      rows.add(row(gammaGamma, o, runId, fittedAt));
    }
    return spark.createDataFrame(rows, ClvSchemas.CLV_MODEL);
  }

  private Row row(ModelFit f, CustomerLifetimeValue.Options o, String runId, Instant fittedAt) {
    return RowFactory.create(f.model(), CollectionConverters.asScala(f.parameters()),
        CollectionConverters.asScala(f.stdErrors()), f.logLikelihood(), f.customers(), f.patterns(),
        f.excludedCustomers(), o.unit().label(), churn.dataStart() == null ? null : Date.valueOf(churn.dataStart()),
        Date.valueOf(o.calibrationEnd()), f.penalizer(), f.iterations(), f.gradientNorm(), f.converged(),
        CollectionConverters.asScala(f.warnings()).toSeq(), Timestamp.from(fittedAt), runId);
  }
}
