package io.retention.report;

import static io.retention.report.ReportData.dbl;
import static io.retention.schema.ClvColumns.*;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;

import io.retention.export.CsvSafety;
import io.retention.export.AtRiskExport;
import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.report.ReportModel.AtRisk;
import io.retention.report.ReportModel.BandCount;
import io.retention.report.ReportModel.Bin;
import io.retention.report.ReportModel.CalibrationBin;
import io.retention.report.ReportModel.CohortClv;
import io.retention.schema.ChurnColumns;
import io.retention.schema.Columns;
import io.retention.schema.MetricsColumns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;

/**
 * The value sections of the report: CLV (gold.customer_clv, by first-purchase month through gold.customers),
 * the calibration/holdout check (gold.clv_evaluation) and churn (gold.churn_scores). A missing table gives a
 * null / empty section. Only histogram bins, per-month averages and the top {@value #AT_RISK} at-risk rows reach
 * the driver.
 */
final class ValueData {
  /** Risk bands from the riskiest down (high, medium, low), any other band after them by name. */
  static final Comparator<BandCount> BY_RISK = Comparator
      .<BandCount>comparingInt(b -> switch (String.valueOf(b.band())) {
        case ChurnColumns.BAND_HIGH -> 0;
        case ChurnColumns.BAND_MEDIUM -> 1;
        case ChurnColumns.BAND_LOW -> 2;
        default -> 3;
      }).thenComparing(b -> String.valueOf(b.band()));

  static final int CLV_BINS = 20;
  static final int CLV_MONTHS = 36;
  static final int AT_RISK = 15;
  static final String CHURN_RISK = "churn_risk";
  static final String RISK_BAND = "risk_band";
  static final String TOP_REASONS = "top_reasons";
  static final String SCORE_DATE = "score_date";
  static final String MODEL_VERSION = "model_version";

  private final DeltaTables tables;
  private final LocalDate asOf;
  private final byte[] pseudonymKey;
  private final AtRiskExport.Options list;

  /**
   * {@code pseudonymKey}: HMAC key for the at-risk ids (the export's pseudonyms), null to show raw ids;
   * {@code list}: the export's list options, so the report's at-risk table is the head of that date's CSV
   * (same rows, same order); null shows the highest risks instead.
   */
  ValueData(DeltaTables tables, LocalDate asOf, byte[] pseudonymKey, AtRiskExport.Options list) {
    this.tables = tables;
    this.asOf = asOf;
    this.pseudonymKey = pseudonymKey == null ? null : pseudonymKey.clone();
    this.list = list;
  }

  ReportModel.Clv clv() {
    if (!tables.exists(Table.CUSTOMER_CLV)) {
      return null;
    }
    Dataset<Row> clv = tables.read(Table.CUSTOMER_CLV);
    Row s = clv.agg(count(lit(1)), sum(col(PREDICTED_CLV).cast("double")),
        expr("percentile_approx(CAST(" + PREDICTED_CLV + " AS DOUBLE), array(0.5, 0.99), 10000)"),
        max(HORIZON_MONTHS)).first();
    if (s.getLong(0) == 0) {
      return null;
    }
    List<Double> q = s.isNullAt(2) ? List.of(0.0, 0.0) : s.getList(2);
    double top = q.get(1) != null && q.get(1) > 0 ? q.get(1) : 1.0;
    double width = top / CLV_BINS;
    long[] hist = new long[CLV_BINS + 1];
    for (Row r : clv.where(col(PREDICTED_CLV).isNotNull())
        .groupBy(expr("least(greatest(floor(CAST(" + PREDICTED_CLV + " AS DOUBLE) / " + width + "), 0), "
            + CLV_BINS + ")").as("b")).count().collectAsList()) {
      hist[(int) r.getLong(0)] = r.getLong(1);
    }
    List<Bin> bins = new ArrayList<>();
    for (int i = 0; i <= CLV_BINS; i++) {
      bins.add(new Bin(i * width, i == CLV_BINS ? Double.POSITIVE_INFINITY : (i + 1) * width, hist[i]));
    }
    return new ReportModel.Clv(s.getLong(0), s.isNullAt(1) ? 0 : s.getDouble(1), q.get(0) == null ? 0 : q.get(0),
        s.isNullAt(3) ? 0 : s.getInt(3), bins, byCohort(clv));
  }

  /** Mean historical and predicted CLV per first-purchase month (the last {@value #CLV_MONTHS} months). */
  private List<CohortClv> byCohort(Dataset<Row> clv) {
    if (!tables.exists(Table.CUSTOMERS)) {
      return List.of();
    }
    Dataset<Row> firsts = tables.read(Table.CUSTOMERS)
        .select(col(Columns.CUSTOMER_ID), trunc(col(MetricsColumns.FIRST_ORDER_DATE), "MM").as("m"));
    List<Row> rows = clv.join(firsts, Columns.CUSTOMER_ID).groupBy("m")
        .agg(count(lit(1)), avg(col(HISTORICAL_CLV).cast("double")), avg(col(PREDICTED_CLV).cast("double")))
        .orderBy(col("m").desc()).limit(CLV_MONTHS).collectAsList();
    List<CohortClv> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(0, new CohortClv(r.getDate(0).toLocalDate(), r.getLong(1), nz(dbl(r, 2)), nz(dbl(r, 3))));
    }
    return out;
  }

  List<CalibrationBin> calibration() {
    if (!tables.exists(Table.CLV_EVALUATION)) {
      return List.of();
    }
    List<CalibrationBin> out = new ArrayList<>();
    for (Row r : tables.read(Table.CLV_EVALUATION)
        .where(col(SECTION).isin(SECTION_FREQUENCY_BIN, SECTION_TOTAL))
        .select(col(SECTION), col(BIN), col(CUSTOMERS), col(ACTUAL_MEAN), col(PREDICTED_MEAN))
        .orderBy(col(SECTION).desc(), col(BIN)).limit(50).collectAsList()) {
      String bin = SECTION_TOTAL.equals(r.getString(0)) ? "all" : r.getString(1);
      out.add(new CalibrationBin(bin, r.isNullAt(2) ? 0 : r.getLong(2), nz(dbl(r, 3)), nz(dbl(r, 4))));
    }
    return out;
  }

  ReportModel.Churn churn() {
    if (!tables.exists(Table.CHURN_SCORES)) {
      return null;
    }
    Dataset<Row> scores = tables.read(Table.CHURN_SCORES);
    List<String> cols = ReportData.columns(scores);
    if (!cols.contains(Columns.CUSTOMER_ID) || !cols.contains(CHURN_RISK)) {
      return null;
    }
    if (cols.contains(SCORE_DATE)) {
      Row d = scores.where(col(SCORE_DATE).leq(lit(Date.valueOf(asOf)))).agg(max(SCORE_DATE)).first();
      if (d.isNullAt(0)) {
        return null;
      }
      scores = scores.where(col(SCORE_DATE).equalTo(lit(d.getDate(0))));
    }
    LocalDate date = cols.contains(SCORE_DATE) ? scores.select(SCORE_DATE).first().getDate(0).toLocalDate() : asOf;
    String version = cols.contains(MODEL_VERSION)
        ? scores.select(col(MODEL_VERSION).cast("string")).limit(1).first().getString(0) : null;
    Column band = cols.contains(RISK_BAND) ? col(RISK_BAND).cast("string") : lit("");
    List<BandCount> bands = new ArrayList<>();
    for (Row r : scores.groupBy(band.as("band")).count().collectAsList()) {
      bands.add(new BandCount(r.getString(0), r.getLong(1)));
    }
    bands.sort(BY_RISK);
    long[] hist = new long[10];
    for (Row r : scores.groupBy(expr("least(greatest(floor(" + CHURN_RISK + " * 10), 0), 9)").as("b")).count()
        .collectAsList()) {
      hist[(int) r.getLong(0)] = r.getLong(1);
    }
    List<Bin> bins = new ArrayList<>();
    long scored = 0;
    for (int i = 0; i < 10; i++) {
      bins.add(new Bin(i / 10.0, (i + 1) / 10.0, hist[i]));
      scored += hist[i];
    }
    List<AtRisk> head = list != null && tables.exists(Table.CUSTOMER_CLV) ? headOfList(date)
        : top(scores, cols, band);
    return new ReportModel.Churn(date, version, scored, bands, bins, head, pseudonymKey != null);
  }

  /**
   * The first {@value #AT_RISK} rows of the at-risk export of {@code date}, computed exactly as the export does
   * (same policy, ranking and reasons); ids pseudonymised here with the report's key.
   */
  private List<AtRisk> headOfList(LocalDate date) {
    AtRiskExport.Options o = new AtRiskExport.Options(date, list.outDir(), list.top(), list.minRisk(), null,
        list.rules(), list.policy(), list.control());
    List<AtRisk> out = new ArrayList<>();
    for (Row r : AtRiskExport.compute(tables.read(Table.CHURN_SCORES), tables.read(Table.CUSTOMER_CLV), o)
        .limit(AT_RISK).collectAsList()) {
      String id = r.getAs(Columns.CUSTOMER_ID);
      Object clv = r.getAs(PREDICTED_CLV);
      out.add(new AtRisk(pseudonymKey == null ? id : CsvSafety.pseudonym(pseudonymKey, id),
          r.<Double>getAs(CHURN_RISK), r.getAs(RISK_BAND), r.getAs(TOP_REASONS),
          clv == null ? null : ((Number) clv).doubleValue()));
    }
    return out;
  }

  /** The highest-risk customers with their reasons and predicted CLV (top {@value #AT_RISK} only). */
  private List<AtRisk> top(Dataset<Row> scores, List<String> cols, Column band) {
    Column reasons = !cols.contains(TOP_REASONS) ? lit("")
        : scores.schema().apply(TOP_REASONS).dataType() instanceof ArrayType
            ? concat_ws("; ", col(TOP_REASONS)) : col(TOP_REASONS).cast("string");
    Dataset<Row> top = scores.select(col(Columns.CUSTOMER_ID).cast("string").as("id"),
        col(CHURN_RISK).cast("double").as("risk"), band.as("band"), reasons.as("why"))
        .orderBy(col("risk").desc(), col("id")).limit(AT_RISK);
    Column value = lit(null).cast("double");
    if (tables.exists(Table.CUSTOMER_CLV)) {
      Dataset<Row> clv = tables.read(Table.CUSTOMER_CLV)
          .select(col(Columns.CUSTOMER_ID).as("cid"), col(PREDICTED_CLV).cast("double").as("pclv"));
      top = top.join(clv, top.col("id").equalTo(clv.col("cid")), "left");
      value = col("pclv");
    }
    List<AtRisk> out = new ArrayList<>();
    for (Row r : top.select(col("id"), col("risk"), col("band"), col("why"), value)
        .orderBy(col("risk").desc(), col("id")).collectAsList()) {
      // the export's keyed HMAC (same key, same pseudonym as in the CRM file), applied to these few rows only
      String id = pseudonymKey == null ? r.getString(0) : CsvSafety.pseudonym(pseudonymKey, r.getString(0));
      out.add(new AtRisk(id, nz(dbl(r, 1)), r.getString(2), r.getString(3), dbl(r, 4)));
    }
    return out;
  }

  private static double nz(Double d) {
    return d == null ? 0 : d;
  }
}
