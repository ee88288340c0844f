package io.retention.app;

import static io.retention.schema.MetricsColumns.ACTIVE_CUSTOMERS;
import static io.retention.schema.MetricsColumns.BREAKDOWN;
import static io.retention.schema.MetricsColumns.CHURN_RATE;
import static io.retention.schema.MetricsColumns.COHORT;
import static io.retention.schema.MetricsColumns.COHORT_SIZE;
import static io.retention.schema.MetricsColumns.CRR;
import static io.retention.schema.MetricsColumns.CUSTOMERS_END;
import static io.retention.schema.MetricsColumns.CUSTOMERS_NEW;
import static io.retention.schema.MetricsColumns.CUSTOMERS_START;
import static io.retention.schema.MetricsColumns.IS_COMPLETE;
import static io.retention.schema.MetricsColumns.NET_REVENUE;
import static io.retention.schema.MetricsColumns.PERIOD_INDEX;
import static io.retention.schema.MetricsColumns.PERIOD_START;
import static io.retention.schema.MetricsColumns.RETENTION_RATE;
import static org.apache.spark.sql.functions.col;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.metrics.Grain;
import io.retention.metrics.MetricsStage;
import io.retention.pipeline.StageContext;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code metrics}: silver.purchases → gold.customers, gold.cohort_retention (+ _all), gold.rolling_retention,
 * gold.retention_kpis, gold.purchase_gaps; then prints a small cohort matrix and the last KPI rows to stderr
 * (with a breakdown, of its largest value). Only bounded rows (at most 8 × 8 cells and 6 KPI periods) are
 * collected for that summary.
 */
@Command(name = "metrics",
    footer = "Example: jobs/retention metrics --grain week --as-of 2025-12-31 --rolling-days 7,30",
    mixinStandardHelpOptions = true,
    description = "Compute the retention tables (customers, cohort_retention, cohort_retention_all, "
        + "rolling_retention, retention_kpis, purchase_gaps).")
public final class MetricsCommand extends StageCommand<MetricsStage.Result> {
  static final int MATRIX_COHORTS = 8;
  static final int MATRIX_PERIODS = 8;
  static final int KPI_ROWS = 6;

  @Option(names = "--grain", paramLabel = "GRAIN",
      description = "day, week (ISO, Monday), month or quarter. Default: month (retention.metrics.grain).")
  String grain;

  @Option(names = "--as-of", paramLabel = "DATE",
      description = "Last day of data used, YYYY-MM-DD (inclusive). Default: the latest purchase day in silver.")
  String asOf;

  @Option(names = "--breakdown", paramLabel = "COLUMN",
      description = "Split the cohort, all-cohorts, rolling-retention and KPI tables by this source column "
          + "(an attributes key, e.g. Country), taken from each customer's first purchase.")
  String breakdown;

  @Option(names = "--rolling-days", paramLabel = "N", split = ",",
      description = "Day counts for gold.rolling_retention, comma-separated: the share of a cohort with a purchase "
          + "N or more days after its first purchase. Default: 7,30.")
  List<Integer> rollingDays;

  @Option(names = "--full",
      description = "Rebuild the per-customer state gold.customer_activity from all of silver.purchases instead of "
          + "merging only the rows added since the last run.")
  boolean full;

  private MetricsStage.Options options;

  @Override
  protected void validate(JobConfig config) {
    String g = grain == null ? config.metrics().grain() : grain;
    Grain parsedGrain;
    try {
      parsedGrain = Grain.parse(g);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--grain: " + e.getMessage());
    }
    LocalDate date = null;
    if (asOf != null) {
      try {
        date = LocalDate.parse(asOf);
      } catch (DateTimeParseException e) {
        throw new ConfigException("--as-of: not a date (YYYY-MM-DD): " + asOf);
      }
    }
    try {
      options = new MetricsStage.Options(parsedGrain, date, config.activeWindowDays(), breakdown,
          config.metrics().percentiles(), config.segments().rules(),
          rollingDays == null ? MetricsStage.Options.ROLLING_DAYS_DEFAULT : rollingDays);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("metrics: " + e.getMessage());
    }
  }

  /** The options {@link #validate} built (for tests). */
  MetricsStage.Options options() {
    return options;
  }

  @Override
  protected String lockHolder() {
    return "metrics";
  }

  @Override
  protected String stage() {
    return MetricsStage.STAGE;
  }

  @Override
  protected MetricsStage.Result runStage(JobConfig config, StageContext ctx) {
    DeltaTables tables = ctx.tables();
    if (!tables.exists(Table.PURCHASES)) {
      throw new IllegalStateException("metrics: " + Table.PURCHASES.qualifiedName() + " not found under "
          + config.warehouse() + ": run ingest first");
    }
    MetricsStage.Options o = options.asOf() == null && ctx.asOf() != null ? options.withAsOf(ctx.asOf()) : options;
    return new MetricsStage(tables, o, ctx.runId(), full).run();
  }

  @Override
  protected String fingerprint(JobConfig config, StageContext ctx) {
    return (options.asOf() == null ? options.withAsOf(ctx.asOf()) : options) + " full=" + full;
  }

  @Override
  protected void print(MetricsStage.Result r, StageContext ctx) {
    err.println("metrics: " + r.summary());
    Dataset<Row> cells = ctx.tables().read(Table.COHORT_RETENTION);
    Dataset<Row> kpis = ctx.tables().read(Table.RETENTION_KPIS);
    if (options.breakdown() != null) {
      List<Row> top = cells.filter(col(PERIOD_INDEX).equalTo(0)).groupBy(BREAKDOWN)
          .agg(org.apache.spark.sql.functions.sum(COHORT_SIZE).as("n")).orderBy(col("n").desc()).limit(1)
          .collectAsList();
      if (top.isEmpty()) {
        return;
      }
      Object value = top.get(0).get(0);
      err.println("cohort retention and KPIs for the largest " + options.breakdown() + " value: " + value);
      Column same = value == null ? col(BREAKDOWN).isNull() : col(BREAKDOWN).equalTo(value);
      cells = cells.filter(same);
      kpis = kpis.filter(same);
    }
    printMatrix(cells);
    printKpis(kpis);
  }

  private void printMatrix(Dataset<Row> cells) {
    List<Row> cohorts = cells.select(COHORT).distinct().orderBy(col(COHORT).desc()).limit(MATRIX_COHORTS)
        .collectAsList();
    if (cohorts.isEmpty()) {
      return;
    }
    Object oldest = cohorts.get(cohorts.size() - 1).get(0);
    List<Row> rows = cells.filter(col(COHORT).geq(oldest).and(col(PERIOD_INDEX).lt(MATRIX_PERIODS)))
        .select(COHORT, COHORT_SIZE, PERIOD_INDEX, RETENTION_RATE, IS_COMPLETE, ACTIVE_CUSTOMERS).collectAsList();
    err.print(formatMatrix(rows));
  }

  /** Rows: cohort, cohort_size, period_index, retention_rate, is_complete. Incomplete cells end with '*'. */
  static String formatMatrix(List<Row> rows) {
    Map<String, String[]> lines = new TreeMap<>();
    Map<String, Long> sizes = new TreeMap<>();
    for (Row r : rows) {
      String cohort = r.get(0).toString();
      sizes.put(cohort, r.getLong(1));
      String[] cells = lines.computeIfAbsent(cohort, k -> new String[MATRIX_PERIODS]);
      cells[r.getInt(2)] = String.format(Locale.ROOT, "%5.1f%%%s", r.getDouble(3) * 100, r.getBoolean(4) ? " " : "*");
    }
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-10s %9s", "cohort", "size"));
    for (int k = 0; k < MATRIX_PERIODS; k++) {
      sb.append(String.format(Locale.ROOT, " %7s", "+" + k));
    }
    sb.append('\n');
    for (Map.Entry<String, String[]> e : lines.entrySet()) {
      sb.append(String.format(Locale.ROOT, "%-10s %9d", e.getKey(), sizes.get(e.getKey())));
      for (String c : e.getValue()) {
        sb.append(String.format(Locale.ROOT, " %7s", c == null ? "" : c));
      }
      sb.append('\n');
    }
    return sb.append("(* = period not finished at the as-of date)\n").toString();
  }

  private void printKpis(Dataset<Row> kpis) {
    List<Row> rows = new ArrayList<>(kpis.orderBy(col(PERIOD_START).desc()).limit(KPI_ROWS)
        .select(PERIOD_START, CUSTOMERS_START, CUSTOMERS_NEW, CUSTOMERS_END, CRR, CHURN_RATE, NET_REVENUE,
            IS_COMPLETE)
        .collectAsList());
    Collections.reverse(rows);
    err.printf(Locale.ROOT, "%-10s %9s %9s %9s %7s %7s %14s%n", "period", "S", "N", "E", "crr", "churn",
        "net_revenue");
    for (Row r : rows) {
      err.printf(Locale.ROOT, "%-10s %9d %9d %9d %7s %7s %14s%s%n", r.get(0), r.getLong(1), r.getLong(2),
          r.getLong(3), percent(r, 4), percent(r, 5), r.get(6), r.getBoolean(7) ? "" : " (partial)");
    }
  }

  private static String percent(Row r, int i) {
    return r.isNullAt(i) ? "-" : String.format(Locale.ROOT, "%.1f%%", r.getDouble(i) * 100);
  }
}
