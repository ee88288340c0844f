package io.retention.metrics;

import static io.retention.metrics.CustomerActivity.ACTIVITY;
import static io.retention.metrics.CustomerActivity.DAY;
import static io.retention.metrics.CustomerActivity.FIRST_ATTRIBUTES;
import static io.retention.metrics.CustomerActivity.FIRST_PURCHASE;
import static io.retention.metrics.CustomerActivity.GROSS;
import static io.retention.metrics.CustomerActivity.PURCHASES;
import static io.retention.schema.Columns.CUSTOMER_ID;
import static io.retention.schema.Columns.KIND;
import static io.retention.schema.Columns.KIND_PURCHASE;
import static io.retention.schema.Columns.ORDER_DATE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.retention.currency.CurrencyRates;
import io.retention.lake.DeltaTables;
import io.retention.lake.LatestPurchase;
import io.retention.lake.SessionSettings;
import io.retention.lake.StampedIndex;
import io.retention.lake.Table;
import io.retention.pipeline.RunRow;
import io.retention.pipeline.StageResult;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps gold.customer_activity (the compact per-customer state of {@link CustomerActivity}) up to date with
 * silver.purchases, so that the metrics tables are computed from the state, never from the whole purchase
 * history (DESIGN §9).
 *
 * <p><b>Why Delta's change data feed, with the silver commit version as watermark.</b> silver.purchases is only
 * ever written by ingest's insert-only MERGE on order_id, so the rows added since the state was built are
 * exactly the {@code insert} changes of the silver versions after it. The change data feed reads those from the
 * commits' added files alone (no scan of the table), pins the range to committed versions (a run racing an
 * ingest still sees a consistent range), and needs no column of ours: an {@code ingest_run_id} or
 * {@code order_date} watermark would miss late-arriving rows or force a scan of silver to find the new ones.
 * Ingest turns {@code delta.enableChangeDataFeed} on for silver.
 *
 * <p>The watermark (silver's table id and the version the state reflects) is written in the state commit's
 * own {@code userMetadata}, so state and watermark change atomically: a run killed before the commit redoes the
 * same range; a run after the commit sees the new watermark. The next run:
 * <ul>
 *   <li>silver version = watermark: nothing to do, the state is not rewritten;</li>
 *   <li>later versions whose changes are all inserts: the new rows are aggregated per customer and per day and
 *       MERGEd into the affected customers' state (per-day counts and amounts summed, the earlier first
 *       purchase kept), so late-arriving rows (an order_date before already-processed days) land in their
 *       day like any other;</li>
 *   <li>otherwise a full rebuild from silver at its current version, with the reason logged: no state or no
 *       watermark yet, {@code --full}, silver re-created (other table id) or older than the watermark, change
 *       data feed not enabled for the range (old tables) or its files vacuumed, updates or deletes in
 *       silver.</li>
 * </ul>
 *
 * <p>Currency: every order's amount is converted to the reporting currency ({@link CurrencyRates#convert}: the
 * rate with the latest valid_from on or before the order date, rounded to cents half-even per order) before the
 * per-day sums, on both paths; an order without a rate fails the refresh ({@link CurrencyRates.MissingRate})
 * and nothing is written. The watermark records the rates the state was converted with (reporting currency,
 * ops.currency_rates' id and version): other rates, or a state from before the conversion, mean a full rebuild.
 *
 * <p>The watermark also carries the state's latest purchase day (the default as-of date of the metrics),
 * maintained as the later of the previous one and the new rows' latest purchase, so no run scans the state
 * for it (a state written before it was recorded is scanned once, on its next merge).
 *
 * <p>Cost of an incremental run: the changed silver files only (one job counting them, checking they are all
 * inserts and finding their latest purchase day), one shuffle of those rows by customer, and a MERGE whose
 * source is their state alone: the combination with a customer's old state is the MERGE's update expression
 * ({@link #combined}), so the MERGE's own join is the only read of the state (Delta's MERGE still scans the
 * state and shuffles it by customer to join it with the new rows: about 144 MiB at 1 M customers). With Delta's
 * deletion vectors (turned on for the state table) the MERGE marks the affected customers' old rows deleted
 * and writes only their new rows instead of rewriting every state file that holds one of them (a day's
 * customers are spread over all of them); housekeeping's OPTIMIZE applies the marks by rewriting the files.
 * Nothing reaches the driver except the watermark and a few counts.
 */
public final class CustomerState {
  private static final Logger LOG = LoggerFactory.getLogger(CustomerState.class);
  static final String MARK = "retention.customer_activity v1";
  private static final String USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata";
  static final String DELETION_VECTORS = "delta.enableDeletionVectors";

  /** How the state was brought up to date. */
  public enum Mode { FULL, INCREMENTAL, UNCHANGED }

  /**
   * What a refresh did.
   *
   * @param silverVersion the silver.purchases version the state reflects now
   * @param rowsRead silver rows read (the whole table for a full build, the inserted rows otherwise)
   * @param reason why a full rebuild was done (empty otherwise)
   * @param latestPurchase the latest purchase day in the state (DESIGN §9's default as-of date), kept in the
   *     watermark so that no run scans the state for it; null when the state holds no purchase
   */
  public record Refresh(Mode mode, long silverVersion, long rowsRead, String reason, LocalDate latestPurchase)
      implements StageResult {
    public String note() {
      return "state=" + mode.name().toLowerCase(java.util.Locale.ROOT) + "@" + silverVersion
          + (reason.isEmpty() ? "" : " (" + reason + ")");
    }

    /** ops.runs of the hub refresh: silver rows read into the state, the latest purchase day in the note. */
    @Override
    public RunRow runRow() {
      return RunRow.of(rowsRead, rowsRead, java.util.Map.of(), note() + " latest_purchase=" + latestPurchase);
    }

    @Override
    public String summary() {
      return note() + ", " + rowsRead + " silver rows read, latest purchase day " + latestPurchase;
    }
  }

  /**
   * The watermark read back from the state's history: silver's table id and version, the latest purchase
   * day of the state (null when it has none, or for a state written before the day was recorded) and the
   * currency rates the amounts were converted with ({@link CurrencyRates#token}: reporting currency, rates
   * table id and version; null for a state written before amounts were converted).
   */
  record Watermark(String silverId, long silverVersion, LocalDate latestPurchase, String rates) {
    Watermark(String silverId, long silverVersion, LocalDate latestPurchase) {
      this(silverId, silverVersion, latestPurchase, null);
    }

    String text() {
      return MARK + " silver_id=" + silverId + " silver_version=" + silverVersion
          + (latestPurchase == null ? "" : " latest_purchase=" + latestPurchase)
          + (rates == null ? "" : " rates=" + rates);
    }

    Watermark withLatestPurchase(LocalDate day) {
      return new Watermark(silverId, silverVersion, day, rates);
    }

    static Optional<Watermark> parse(String s) {
      if (s == null || !s.startsWith(MARK + " ")) {
        return Optional.empty();
      }
      String id = null;
      Long version = null;
      LocalDate latest = null;
      String rates = null;
      for (String part : s.substring(MARK.length() + 1).split(" ")) {
        if (part.startsWith("silver_id=")) {
          id = part.substring("silver_id=".length());
        } else if (part.startsWith("silver_version=")) {
          version = Long.valueOf(part.substring("silver_version=".length()));
        } else if (part.startsWith("latest_purchase=")) {
          latest = LocalDate.parse(part.substring("latest_purchase=".length()));
        } else if (part.startsWith("rates=")) {
          rates = part.substring("rates=".length());
        }
      }
      return id == null || version == null ? Optional.empty() : Optional.of(new Watermark(id, version, latest, rates));
    }
  }

  /** The hub's index file, relative to the warehouse. */
  static final String INDEX = "_ledger/hub.tsv";

  private final DeltaTables tables;
  private final SparkSession spark;
  /** Rows read and latest purchase day of the last successful incremental merge. */
  private long lastRowsRead;
  private LocalDate lastLatestPurchase;

  public CustomerState(DeltaTables tables) {
    this.tables = tables;
    this.spark = tables.spark();
  }

  /**
   * Brings gold.customer_activity up to date with silver.purchases (a full rebuild when {@code full}). While
   * neither table has had a commit since the last refresh (the hub's index, {@value #INDEX}: a listing of two
   * Delta logs), the state is known to be current and no table is opened; so the stages after the night's hub
   * step pay nothing for asking again.
   */
  public Refresh refresh(boolean full) {
    // the reporting currency is part of the line: another one rebuilds the state like changed rates do
    String currency = CurrencyRates.reportingCurrency(spark);
    StampedIndex index = new StampedIndex(tables, INDEX, "retention-hub-v2",
        List.of(Table.PURCHASES, Table.CUSTOMER_ACTIVITY, Table.CURRENCY_RATES));
    if (!full) {
      Optional<Refresh> known = index.read().filter(l -> l.size() == 1).map(l -> l.get(0).split("\t"))
          .filter(f -> f.length == 3 && f[2].equals(currency))
          .map(f -> new Refresh(Mode.UNCHANGED, Long.parseLong(f[0]), 0, "",
              "-".equals(f[1]) ? null : LocalDate.parse(f[1])));
      if (known.isPresent()) {
        return known.get();
      }
    }
    Refresh r = bringUpToDate(full);
    index.write(List.of(r.silverVersion() + "\t" + (r.latestPurchase() == null ? "-" : r.latestPurchase()) + "\t"
        + currency));
    return r;
  }

  private Refresh bringUpToDate(boolean full) {
    CurrencyRates rates = new CurrencyRates(tables);
    Watermark now = new Watermark(tableId(Table.PURCHASES), latestVersion(Table.PURCHASES), null, rates.token());
    String reason;
    if (full) {
      reason = "full rebuild asked for";
    } else if (!tables.exists(Table.CUSTOMER_ACTIVITY)) {
      reason = "no state table yet";
    } else if (!hasCurrentFormat(tables.read(Table.CUSTOMER_ACTIVITY))) {
      reason = "the state was written by an older version (no gross purchase value per day)";
    } else {
      Optional<Watermark> mark = watermark();
      if (mark.isEmpty()) {
        reason = "the state has no watermark";
      } else if (!mark.get().silverId().equals(now.silverId())) {
        reason = "silver.purchases was re-created since the state was built";
      } else if (mark.get().rates() == null) {
        reason = "the state was built before amounts were converted to the reporting currency";
      } else if (!mark.get().rates().equals(now.rates())) {
        reason = Table.CURRENCY_RATES.qualifiedName() + " or the reporting currency changed since the state was "
            + "built (" + mark.get().rates() + " -> " + now.rates() + ")";
      } else if (mark.get().silverVersion() > now.silverVersion()) {
        reason = "silver.purchases is older than the state's watermark";
      } else if (mark.get().silverVersion() == now.silverVersion()) {
        LocalDate latest = mark.get().latestPurchase();
        return new Refresh(Mode.UNCHANGED, now.silverVersion(), 0, "",
            latest != null ? latest : latestPurchaseDay(tables.read(Table.CUSTOMER_ACTIVITY)).orElse(null));
      } else {
        Optional<String> why;
        try {
          why = incremental(mark.get(), now, rates);
        } catch (CurrencyRates.MissingRate e) {
          throw e;
        } catch (Exception e) { // AnalysisException is checked in Java's eyes but thrown undeclared
          why = Optional.of("change data feed of silver.purchases unreadable: " + firstLine(e));
        }
        if (why.isEmpty()) {
          return new Refresh(Mode.INCREMENTAL, now.silverVersion(), lastRowsRead, "", lastLatestPurchase);
        }
        reason = why.get();
      }
    }
    LOG.warn("metrics: rebuilding {} from all of {}: {}", Table.CUSTOMER_ACTIVITY.qualifiedName(),
        Table.PURCHASES.qualifiedName(), reason);
    Dataset<Row> silver = spark.read().format("delta").option("versionAsOf", now.silverVersion())
        .load(tables.path(Table.PURCHASES));
    LocalDate latest = LatestPurchase.day(silver).orElse(null);
    long rows = fullBuild(silver, now.withLatestPurchase(latest), rates);
    return new Refresh(Mode.FULL, now.silverVersion(), rows, reason, latest);
  }

  /**
   * Builds the state from {@code silver} (at {@code now}'s version), its amounts converted with {@code rates},
   * and overwrites the table (one commit).
   */
  private long fullBuild(Dataset<Row> silver, Watermark now, CurrencyRates rates) {
    try {
      tables.overwrite(Table.CUSTOMER_ACTIVITY, CustomerActivity.state(rates.convert(silver), true),
          Map.of("userMetadata", now.text(), DELETION_VECTORS, "true"));
    } catch (RuntimeException e) {
      throw rates.explain(e, silver);
    }
    return silver.count();
  }

  /**
   * Merges the rows inserted in silver versions after {@code mark} up to {@code now} into the state. Returns the
   * reason when the change feed cannot be used (nothing written then). One job over the change feed counts its
   * rows, checks that all are inserts and finds their latest purchase day; the state's latest purchase day is
   * then the later of the watermark's and theirs (silver only grows on this path).
   */
  private Optional<String> incremental(Watermark mark, Watermark to, CurrencyRates rates) {
    long from = mark.silverVersion();
    Dataset<Row> changes = spark.read().format("delta")
        .option("readChangeFeed", "true")
        .option("startingVersion", from + 1)
        .option("endingVersion", to.silverVersion())
        .load(tables.path(Table.PURCHASES));
    Row books = changes.agg(count(lit(1)), count(when(col("_change_type").notEqual("insert"), lit(1))),
        max(when(col(KIND).equalTo(KIND_PURCHASE), col(ORDER_DATE)))).first();
    if (books.getLong(1) > 0) {
      return Optional.of("silver.purchases has updated or deleted rows in versions " + (from + 1) + ".."
          + to.silverVersion());
    }
    LocalDate before = mark.latestPurchase() != null ? mark.latestPurchase()
        : latestPurchaseDay(tables.read(Table.CUSTOMER_ACTIVITY)).orElse(null);
    LocalDate added = books.isNullAt(2) ? null : books.getDate(2).toLocalDate();
    LocalDate latest = before == null || added != null && added.isAfter(before) ? added : before;
    Watermark now = to.withLatestPurchase(latest);
    Dataset<Row> inserted = changes.drop("_change_type", "_commit_version", "_commit_timestamp");
    tables.ensureProperty(Table.CUSTOMER_ACTIVITY, DELETION_VECTORS, "true");
    try {
      withWatermark(now, () -> tables.delta(Table.CUSTOMER_ACTIVITY).as("t")
          .merge(CustomerActivity.state(rates.convert(inserted), true).as("s"),
              "t." + CUSTOMER_ID + " = s." + CUSTOMER_ID)
          .whenMatched().update(combined(tables.read(Table.CUSTOMER_ACTIVITY).schema()))
          .whenNotMatched().insertAll()
          .execute());
    } catch (RuntimeException e) {
      throw rates.explain(e, inserted);
    }
    lastRowsRead = books.getLong(0);
    lastLatestPurchase = latest;
    LOG.info("metrics: merged {} new silver rows (versions {}..{}) into {}", lastRowsRead, from + 1,
        now.silverVersion(), Table.CUSTOMER_ACTIVITY.qualifiedName());
    return Optional.empty();
  }

  /** Runs {@code commit} with {@code mark} as the commit's userMetadata (the session setting restored after). */
  private void withWatermark(Watermark mark, Runnable commit) {
    SessionSettings.with(spark, Map.of(USER_METADATA_CONF, mark.text()), commit);
  }

  /**
   * Erasure ({@code forget}): removes the customers of {@code ids} (one column, customer_id) from the state in one
   * commit whose watermark is silver's current version, so the next metrics run goes on incrementally from there
   * (silver's own deletes are behind the watermark, never read from its change feed). Call it after
   * {@link #refresh} (the state then reflects every silver row before the erasure) and after the same customers
   * were deleted from silver. Returns the state rows deleted.
   */
  public long forget(Dataset<Row> ids, String erasureRunId) {
    Dataset<Row> state = tables.read(Table.CUSTOMER_ACTIVITY);
    LocalDate latest = latestPurchaseDay(state.join(ids, state.col(CUSTOMER_ID).equalTo(ids.col(CUSTOMER_ID)),
        "left_anti")).orElse(null);
    Watermark mark = new Watermark(tableId(Table.PURCHASES), latestVersion(Table.PURCHASES), latest,
        new CurrencyRates(tables).token());
    long before = latestVersion(Table.CUSTOMER_ACTIVITY);
    long[] deleted = new long[1];
    withWatermark(mark, () -> {
      deleted[0] = tables.mergeDelete(Table.CUSTOMER_ACTIVITY, ids, CUSTOMER_ID);
      if (latestVersion(Table.CUSTOMER_ACTIVITY) == before) { // no commit made: record the watermark anyway
        tables.setProperty(Table.CUSTOMER_ACTIVITY, "retention.lastErasure", erasureRunId);
      }
    });
    return deleted[0];
  }

  /**
   * The MERGE's update of a customer already in the state ({@code t}, of schema {@code state}) with the state of
   * its new rows ({@code s}): per-day counts and amounts summed (days in either side kept, sorted:
   * {@link ActivityMerge}), the earlier first purchase and its attributes kept. An update expression, so the
   * MERGE's own join is the only read of the state: the source is the new rows alone.
   */
  static Map<String, Column> combined(StructType state) {
    String newFirst = "(t." + FIRST_PURCHASE + " IS NULL OR (s." + FIRST_PURCHASE + " IS NOT NULL AND s."
        + FIRST_PURCHASE + " < t." + FIRST_PURCHASE + "))";
    return Map.of(
        ACTIVITY, udf(new ActivityMerge(), state.apply(ACTIVITY).dataType())
            .apply(col("t." + ACTIVITY), col("s." + ACTIVITY)),
        FIRST_PURCHASE, expr("IF(" + newFirst + ", s." + FIRST_PURCHASE + ", t." + FIRST_PURCHASE + ")"),
        FIRST_ATTRIBUTES, expr("IF(" + newFirst + ", s." + FIRST_ATTRIBUTES + ", t." + FIRST_ATTRIBUTES + ")"));
  }

  /** Whether the state's entries carry every field this version writes (an older state is rebuilt once). */
  static boolean hasCurrentFormat(Dataset<Row> state) {
    org.apache.spark.sql.types.DataType a = state.schema().apply(ACTIVITY).dataType();
    return a instanceof org.apache.spark.sql.types.ArrayType t
        && t.elementType() instanceof org.apache.spark.sql.types.StructType e
        && java.util.Arrays.asList(e.fieldNames()).contains(GROSS);
  }

  /**
   * The latest purchase day in {@code state} (a scan of the state; only for a watermark that does not carry
   * it), empty when the state holds no purchase.
   */
  static Optional<LocalDate> latestPurchaseDay(Dataset<Row> state) {
    Row r = state.selectExpr("try_element_at(filter(" + ACTIVITY + ", x -> x." + PURCHASES + " > 0), -1)." + DAY
        + " AS l").agg(max(col("l"))).first();
    return r.isNullAt(0) ? Optional.empty() : Optional.of(r.getDate(0).toLocalDate());
  }

  /** The watermark of the latest state commit that carries one. */
  Optional<Watermark> watermark() {
    List<Row> rows = tables.delta(Table.CUSTOMER_ACTIVITY).history()
        .filter(col("userMetadata").startsWith(MARK + " "))
        .orderBy(col("version").desc()).select("userMetadata").limit(1).collectAsList();
    return rows.isEmpty() ? Optional.empty() : Watermark.parse(rows.get(0).getString(0));
  }

  private long latestVersion(Table t) {
    return tables.delta(t).history(1).select("version").first().getLong(0);
  }

  private String tableId(Table t) {
    return tables.delta(t).detail().select("id").first().getString(0);
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
