package io.retention.metrics;

import io.retention.lake.DeltaTables;
import io.retention.lake.SessionSettings;
import io.retention.lake.Table;
import io.retention.pipeline.RunRow;
import io.retention.pipeline.StageResult;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics stage: silver.purchases → gold.customers, gold.cohort_retention, gold.cohort_retention_all (its
 * all-cohorts rows), gold.rolling_retention, gold.retention_kpis, gold.purchase_gaps (DESIGN §4, §5, §9). Each
 * table is replaced in one Delta commit, so a re-run for the same data and options gives identical tables.
 *
 * <p>Cost: {@link CustomerState} brings the compact per-customer state gold.customer_activity up to date
 * (built from silver once, then only the silver rows added since are read and MERGEd, see there); the gold
 * tables are computed from the state alone (never from silver.purchases): its per-customer view at the as-of
 * date is cached and feeds them all (cohort_retention_all is read back from the small cohort_retention), whose
 * shuffles carry only per-cohort / per-period rows; gold.customers' RFM columns add one quantile aggregate for the
 * as-of date and the previous period end together, and no join ({@link RfmSegments}); its figures are cached too,
 * as the aggregate and the scores both read them. The default as-of date is the state's latest purchase day, which
 * the state's watermark records (no scan). Nothing customer-level is collected to the driver; each step's time is
 * logged at INFO.
 */
public final class MetricsStage {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsStage.class);
  public static final String STAGE = "metrics";
  public static final String PERCENTILES_EXACT = "exact";
  public static final String PERCENTILES_APPROXIMATE = "approximate";

  /**
   * Options of the stage.
   *
   * @param grain cohort and KPI period
   * @param asOf last day of data used (inclusive); null = the latest purchase order_date in the input
   * @param activeWindowDays a customer is in the base at d when d - last purchase day ≤ this
   * @param breakdown attributes key splitting the cohort table (value at the customer's first purchase), or null
   * @param percentiles {@code exact} (linear interpolation) or {@code approximate} gap percentiles
   * @param segments the RFM segment rule table of gold.customers ({@link RfmSegments})
   * @param rollingDays the N of gold.rolling_retention (distinct, ascending, 1 .. {@value #ROLLING_DAYS_MAX})
   */
  public record Options(Grain grain, LocalDate asOf, int activeWindowDays, String breakdown, String percentiles,
      SegmentRules segments, List<Integer> rollingDays) {
    public static final Grain GRAIN_DEFAULT = Grain.MONTH;
    public static final int ACTIVE_WINDOW_DAYS_DEFAULT = 90;
    public static final String PERCENTILES_DEFAULT = PERCENTILES_EXACT;
    public static final List<Integer> ROLLING_DAYS_DEFAULT = List.of(7, 30);
    public static final int ROLLING_DAYS_MAX = 3660;

    /** With the default segment rules and rolling days. */
    public Options(Grain grain, LocalDate asOf, int activeWindowDays, String breakdown, String percentiles) {
      this(grain, asOf, activeWindowDays, breakdown, percentiles, SegmentRules.defaults(), ROLLING_DAYS_DEFAULT);
    }

    /** With the default rolling days. */
    public Options(Grain grain, LocalDate asOf, int activeWindowDays, String breakdown, String percentiles,
        SegmentRules segments) {
      this(grain, asOf, activeWindowDays, breakdown, percentiles, segments, ROLLING_DAYS_DEFAULT);
    }

    /** With the default segment rules. */
    public Options(Grain grain, LocalDate asOf, int activeWindowDays, String breakdown, String percentiles,
        List<Integer> rollingDays) {
      this(grain, asOf, activeWindowDays, breakdown, percentiles, SegmentRules.defaults(), rollingDays);
    }

    public Options {
      if (grain == null) {
        throw new IllegalArgumentException("grain must be one of day, week, month, quarter, cannot be: null");
      }
      if (activeWindowDays < 1) {
        throw new IllegalArgumentException("activeWindowDays must be at least 1, cannot be: " + activeWindowDays);
      }
      if (breakdown != null && breakdown.isBlank()) {
        throw new IllegalArgumentException("breakdown must name an attributes key, cannot be blank");
      }
      if (!PERCENTILES_EXACT.equals(percentiles) && !PERCENTILES_APPROXIMATE.equals(percentiles)) {
        throw new IllegalArgumentException("percentiles must be exact or approximate, cannot be: " + percentiles);
      }
      if (segments == null) {
        throw new IllegalArgumentException("segments: the segment rules are required");
      }
      rollingDays = checkRollingDays(rollingDays);
    }

    /** The days sorted; each must be 1 .. {@value #ROLLING_DAYS_MAX}, at least one, no repeats. */
    private static List<Integer> checkRollingDays(List<Integer> days) {
      if (days == null || days.isEmpty()) {
        throw new IllegalArgumentException("rollingDays must name at least one day count, cannot be: " + days);
      }
      for (Integer d : days) {
        if (d == null || d < 1 || d > ROLLING_DAYS_MAX) {
          throw new IllegalArgumentException("rollingDays must be 1 to " + ROLLING_DAYS_MAX + ", cannot be: " + d);
        }
      }
      List<Integer> sorted = days.stream().sorted().distinct().toList();
      if (sorted.size() != days.size()) {
        throw new IllegalArgumentException("rollingDays must not repeat a day count, cannot be: " + days);
      }
      return sorted;
    }

    public static Options defaults() {
      return new Options(GRAIN_DEFAULT, null, ACTIVE_WINDOW_DAYS_DEFAULT, null, PERCENTILES_DEFAULT);
    }

    public Options withGrain(Grain g) {
      return new Options(g, asOf, activeWindowDays, breakdown, percentiles, segments, rollingDays);
    }

    public Options withAsOf(LocalDate d) {
      return new Options(grain, d, activeWindowDays, breakdown, percentiles, segments, rollingDays);
    }

    public Options withActiveWindowDays(int days) {
      return new Options(grain, asOf, days, breakdown, percentiles, segments, rollingDays);
    }

    public Options withSegments(SegmentRules rules) {
      return new Options(grain, asOf, activeWindowDays, breakdown, percentiles, rules, rollingDays);
    }

    public Options withBreakdown(String key) {
      return new Options(grain, asOf, activeWindowDays, key, percentiles, segments, rollingDays);
    }

    public Options withRollingDays(List<Integer> days) {
      return new Options(grain, asOf, activeWindowDays, breakdown, percentiles, segments, days);
    }

    /** These options with as-of set: kept when given, else the latest purchase day of {@code purchases}. */
    public Options resolve(Dataset<Row> purchases) {
      if (asOf != null) {
        return this;
      }
      return withAsOf(io.retention.lake.LatestPurchase.day(purchases).orElseThrow(() ->
          new IllegalStateException("metrics: the input has no purchases, so there is no default as-of date")));
    }
  }

  /**
   * What a run wrote.
   *
   * @param state how gold.customer_activity was brought up to date (full, incremental or unchanged)
   */
  public record Result(String runId, Options options, long customers, long cohortCells, long kpiPeriods,
      long gapRows, CustomerState.Refresh state, long averageRows, long rollingRows) implements StageResult {

    /** ops.runs: new silver rows read into the state in, customers out, the row count of each gold table. */
    @Override
    public RunRow runRow() {
      Map<String, Long> m = new LinkedHashMap<>();
      m.put(Table.CUSTOMERS.tableName(), customers);
      m.put(Table.COHORT_RETENTION.tableName(), cohortCells);
      m.put(Table.COHORT_RETENTION_ALL.tableName(), averageRows);
      m.put(Table.ROLLING_RETENTION.tableName(), rollingRows);
      m.put(Table.RETENTION_KPIS.tableName(), kpiPeriods);
      m.put(Table.PURCHASE_GAPS.tableName(), gapRows);
      return RunRow.of(state.rowsRead(), customers, m, "grain=" + options.grain().id() + " as_of="
          + options.asOf() + breakdownNote(options) + " " + state.note());
    }

    @Override
    public String summary() {
      return String.format(java.util.Locale.ROOT, "as of %s, grain %s: %d customers, %d cohort cells, "
          + "%d KPI periods, %d gap rows; %s", options.asOf(), options.grain().id(), customers, cohortCells,
          kpiPeriods, gapRows, state.note());
    }
  }

  private final DeltaTables tables;
  private final Options options;
  private final String runId;
  private final boolean fullState;

  public MetricsStage(DeltaTables tables, Options options, String runId) {
    this(tables, options, runId, false);
  }

  /** With {@code fullState} the per-customer state is rebuilt from all of silver (else incremental). */
  public MetricsStage(DeltaTables tables, Options options, String runId, boolean fullState) {
    this.tables = tables;
    this.options = options;
    this.runId = runId;
    this.fullState = fullState;
  }

  /**
   * Brings gold.customer_activity up to date with silver.purchases ({@link CustomerState}), computes the gold
   * tables from it and overwrites them.
   */
  public Result run() {
    CustomerActivity.check(tables.read(Table.PURCHASES), options);
    Progress progress = new Progress();
    progress.next(Table.CUSTOMER_ACTIVITY);
    CustomerState.Refresh refresh = new CustomerState(tables).refresh(fullState);
    progress.done(Table.CUSTOMER_ACTIVITY.qualifiedName() + " " + refresh.note());
    long stateVersion = tables.version(Table.CUSTOMER_ACTIVITY); // the warehouse lock keeps it until the end
    Dataset<Row> state = tables.read(Table.CUSTOMER_ACTIVITY);
    Options o = options.asOf() != null ? options : options.withAsOf(defaultAsOf(refresh));
    Dataset<Row> activity = CustomerActivity.view(state, o).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      progress.next(Table.CUSTOMERS);
      Dataset<Row> figures = RfmSegments.figures(activity, o).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        SessionSettings.with(tables.spark(), COMPILED_CODE,
            () -> tables.overwrite(Table.CUSTOMERS, RfmSegments.customers(figures, o), Map.of("userMetadata",
                CustomersBasis.of(o.asOf(), o.activeWindowDays(), o.segments(), stateVersion).text())));
      } finally {
        figures.unpersist();
      }
      progress.done(Table.CUSTOMERS.qualifiedName() + " (with the cached customer view, RFM segments)");
      progress.next(Table.COHORT_RETENTION);
      tables.overwrite(Table.COHORT_RETENTION, CohortRetention.fromActivity(activity, o));
      progress.done(Table.COHORT_RETENTION.qualifiedName());
      progress.next(Table.COHORT_RETENTION_ALL);
      tables.overwrite(Table.COHORT_RETENTION_ALL, CohortAverages.fromCells(tables.read(Table.COHORT_RETENTION), o));
      progress.done(Table.COHORT_RETENTION_ALL.qualifiedName() + " (from gold.cohort_retention)");
      progress.next(Table.ROLLING_RETENTION);
      tables.overwrite(Table.ROLLING_RETENTION, RollingRetention.fromActivity(activity, o));
      progress.done(Table.ROLLING_RETENTION.qualifiedName());
      progress.next(Table.RETENTION_KPIS);
      tables.overwrite(Table.RETENTION_KPIS, RetentionKpis.fromActivity(activity, o));
      progress.done(Table.RETENTION_KPIS.qualifiedName());
      progress.next(Table.PURCHASE_GAPS);
      tables.overwrite(Table.PURCHASE_GAPS, PurchaseGaps.fromActivity(activity, o));
      progress.done(Table.PURCHASE_GAPS.qualifiedName());
    } finally {
      activity.unpersist();
    }
    return new Result(runId, o, count(Table.CUSTOMERS), count(Table.COHORT_RETENTION),
        count(Table.RETENTION_KPIS), count(Table.PURCHASE_GAPS), refresh, count(Table.COHORT_RETENTION_ALL),
        count(Table.ROLLING_RETENTION));
  }

  /**
   * gold.customers' row conversion, scores and segments generate one method larger than HotSpot compiles (8000
   * bytes of bytecode), which then runs interpreted for every customer. With Spark's limit set to HotSpot's, that
   * part runs without whole-stage code generation, compiled. Only for this write: set for the whole session, the
   * same limit cost a night more CPU than it saved (BENCHMARKS.md, "One interpreted method in the night").
   */
  private static final Map<String, String> COMPILED_CODE = Map.of("spark.sql.codegen.hugeMethodLimit", "8000");

  /** The latest purchase day in the state (DESIGN §9's default as-of date), as its watermark records it. */
  private static LocalDate defaultAsOf(CustomerState.Refresh refresh) {
    if (refresh.latestPurchase() == null) {
      throw new IllegalStateException("metrics: the input has no purchases, so there is no default as-of date");
    }
    return refresh.latestPurchase();
  }

  /**
   * Rows in {@code t} as just written by this run: the {@code numOutputRows} metric of the table's latest commit
   * (the overwrite above; the warehouse lock keeps other writers out), read from the Delta log alone, so the
   * freshly written table is not scanned again. Falls back to a count when the commit carries no such metric
   * (commit metrics disabled).
   */
  private long count(Table t) {
    return tables.lastCommitRows(t).orElseGet(() -> tables.read(t).count());
  }

  /**
   * Logs each step of a run with the seconds it took (where the time went) and names the table in hand on the
   * stage's progress lines.
   */
  private static final class Progress {
    private static final int TABLES = 7;
    private long last = System.nanoTime();
    private int done;

    void next(Table t) {
      io.retention.pipeline.Progress.step("writing " + t.qualifiedName() + ", tables done", done, TABLES);
    }

    void done(String what) {
      long now = System.nanoTime();
      LOG.info("metrics: {} done in {} s", what, String.format(java.util.Locale.ROOT, "%.1f", (now - last) / 1e9));
      last = now;
      done++;
      io.retention.pipeline.Progress.endStep();
    }
  }

  private static String breakdownNote(Options o) {
    return o.breakdown() == null ? "" : " breakdown=" + o.breakdown();
  }


}
