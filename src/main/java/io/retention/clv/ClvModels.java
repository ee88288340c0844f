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
    ModelFit bg = BgNbd.fit(RfmSummary.patterns(rfm, o.unit()), o.penalizer());
    List<String> warnings = new ArrayList<>(bg.warnings());
    ModelFit gg = null;
    try {
      gg = GammaGamma.fit(RfmSummary.valuePatterns(rfm), 0, o.penalizer());
      warnings.addAll(gg.warnings());
      LOG.info("Gamma-Gamma: {} repeat customers used, {} excluded (mean repeat value <= 0)", gg.customers(),
          gg.excludedCustomers());
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
