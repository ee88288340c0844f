package io.retention.metrics;

import static io.retention.metrics.CustomerActivity.ACTIVITY;
import static io.retention.metrics.CustomerActivity.DAY;
import static io.retention.metrics.CustomerActivity.FIRST_ATTRIBUTES;
import static io.retention.metrics.CustomerActivity.FIRST_PURCHASE;
import static io.retention.metrics.CustomerActivity.NET;
import static io.retention.metrics.CustomerActivity.PURCHASES;
import static io.retention.schema.Columns.CUSTOMER_ID;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.Schemas;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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
 * <p>Cost of an incremental run: the changed silver files only, one shuffle of those rows by customer, the
 * state rows of the (few) affected customers picked by a broadcast semi-join (no shuffle of the state), and a
 * MERGE that, with Delta's deletion vectors (turned on for the state table), marks their old rows deleted and
 * writes only their new rows instead of rewriting every state file that holds one of them (a day's customers
 * are spread over all of them). Nothing reaches the driver except the watermark and a few counts.
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
   */
  public record Refresh(Mode mode, long silverVersion, long rowsRead, String reason) {
    public String note() {
      return "state=" + mode.name().toLowerCase(java.util.Locale.ROOT) + "@" + silverVersion
          + (reason.isEmpty() ? "" : " (" + reason + ")");
    }
  }

  /** The watermark read back from the state's history. */
  record Watermark(String silverId, long silverVersion) {
    String text() {
      return MARK + " silver_id=" + silverId + " silver_version=" + silverVersion;
    }

    static Optional<Watermark> parse(String s) {
      if (s == null || !s.startsWith(MARK + " ")) {
        return Optional.empty();
      }
      String id = null;
      Long version = null;
      for (String part : s.substring(MARK.length() + 1).split(" ")) {
        if (part.startsWith("silver_id=")) {
          id = part.substring("silver_id=".length());
        } else if (part.startsWith("silver_version=")) {
          version = Long.valueOf(part.substring("silver_version=".length()));
        }
      }
      return id == null || version == null ? Optional.empty() : Optional.of(new Watermark(id, version));
    }
  }

  private final DeltaTables tables;
  private final SparkSession spark;
  /** Rows read by the last successful incremental merge. */
  private long lastRowsRead;

  public CustomerState(DeltaTables tables) {
    this.tables = tables;
    this.spark = tables.spark();
  }

  /** Brings gold.customer_activity up to date with silver.purchases (a full rebuild when {@code full}). */
  public Refresh refresh(boolean full) {
    Watermark now = new Watermark(tableId(Table.PURCHASES), latestVersion(Table.PURCHASES));
    String reason;
    if (full) {
      reason = "full rebuild asked for";
    } else if (!tables.exists(Table.CUSTOMER_ACTIVITY)) {
      reason = "no state table yet";
    } else {
      Optional<Watermark> mark = watermark();
      if (mark.isEmpty()) {
        reason = "the state has no watermark";
      } else if (!mark.get().silverId().equals(now.silverId())) {
        reason = "silver.purchases was re-created since the state was built";
      } else if (mark.get().silverVersion() > now.silverVersion()) {
        reason = "silver.purchases is older than the state's watermark";
      } else if (mark.get().silverVersion() == now.silverVersion()) {
        return new Refresh(Mode.UNCHANGED, now.silverVersion(), 0, "");
      } else {
        Optional<String> why;
        try {
          why = incremental(mark.get().silverVersion(), now);
        } catch (Exception e) { // AnalysisException is checked in Java's eyes but thrown undeclared
          why = Optional.of("change data feed of silver.purchases unreadable: " + firstLine(e));
        }
        if (why.isEmpty()) {
          return new Refresh(Mode.INCREMENTAL, now.silverVersion(), lastRowsRead, "");
        }
        reason = why.get();
      }
    }
    LOG.warn("metrics: rebuilding {} from all of {}: {}", Table.CUSTOMER_ACTIVITY.qualifiedName(),
        Table.PURCHASES.qualifiedName(), reason);
    long rows = fullBuild(now);
    return new Refresh(Mode.FULL, now.silverVersion(), rows, reason);
  }

  /** Builds the state from silver at {@code now}'s version and overwrites the table (one commit). */
  private long fullBuild(Watermark now) {
    Dataset<Row> silver = spark.read().format("delta").option("versionAsOf", now.silverVersion())
        .load(tables.path(Table.PURCHASES));
    CustomerActivity.state(silver, true).write().format("delta").mode("overwrite")
        .option("overwriteSchema", "true")
        .option("userMetadata", now.text())
        .option(DELETION_VECTORS, "true")
        .save(tables.path(Table.CUSTOMER_ACTIVITY));
    return silver.count();
  }

  /**
   * Merges the rows inserted in silver versions (from, now] into the state. Returns the reason when the change
   * feed cannot be used (nothing written then).
   */
  private Optional<String> incremental(long from, Watermark now) {
    Dataset<Row> changes = spark.read().format("delta")
        .option("readChangeFeed", "true")
        .option("startingVersion", from + 1)
        .option("endingVersion", now.silverVersion())
        .load(tables.path(Table.PURCHASES));
    if (!changes.filter(col("_change_type").notEqual("insert")).isEmpty()) {
      return Optional.of("silver.purchases has updated or deleted rows in versions " + (from + 1) + ".."
          + now.silverVersion());
    }
    Dataset<Row> inserted = changes.drop("_change_type", "_commit_version", "_commit_timestamp");
    tables.ensureProperty(Table.CUSTOMER_ACTIVITY, DELETION_VECTORS, "true");
    Dataset<Row> source = merged(CustomerActivity.state(inserted, true), tables.read(Table.CUSTOMER_ACTIVITY));
    String previous = spark.conf().getOption(USER_METADATA_CONF).getOrElse(() -> null);
    spark.conf().set(USER_METADATA_CONF, now.text());
    try {
      tables.delta(Table.CUSTOMER_ACTIVITY).as("t")
          .merge(source.as("s"), "t." + CUSTOMER_ID + " = s." + CUSTOMER_ID)
          .whenMatched().updateAll()
          .whenNotMatched().insertAll()
          .execute();
    } finally {
      if (previous == null) {
        spark.conf().unset(USER_METADATA_CONF);
      } else {
        spark.conf().set(USER_METADATA_CONF, previous);
      }
    }
    lastRowsRead = inserted.count();
    LOG.info("metrics: merged {} new silver rows (versions {}..{}) into {}", lastRowsRead, from + 1,
        now.silverVersion(), Table.CUSTOMER_ACTIVITY.qualifiedName());
    return Optional.empty();
  }

  /**
   * The new state of the customers in {@code delta} (the state of the new rows): their old state (when any)
   * plus the new rows, per day; the earlier first purchase wins. The old state of those customers is picked by
   * a broadcast semi-join on their ids, so the state is scanned but never shuffled.
   */
  static Dataset<Row> merged(Dataset<Row> delta, Dataset<Row> state) {
    Dataset<Row> affected = state.join(broadcast(delta.select(CUSTOMER_ID)), CUSTOMER_ID, "left_semi");
    String money = Schemas.MONEY.sql();
    String entries = "map_from_entries(transform(%s." + ACTIVITY + ", x -> named_struct('k', x." + DAY
        + ", 'v', named_struct('p', x." + PURCHASES + ", 'n', x." + NET + "))))";
    String zipped = "map_zip_with(" + String.format(entries, "t") + ", " + String.format(entries, "s")
        + ", (k, a, b) -> named_struct('p', coalesce(a.p, 0L) + coalesce(b.p, 0L), 'n', CAST(coalesce(a.n, 0) + "
        + "coalesce(b.n, 0) AS " + money + ")))";
    String activity = "array_sort(transform(map_entries(" + zipped + "), e -> named_struct('" + DAY + "', e.key, '"
        + PURCHASES + "', e.value.p, '" + NET + "', e.value.n)))";
    String newFirst = "(t." + FIRST_PURCHASE + " IS NULL OR (s." + FIRST_PURCHASE + " IS NOT NULL AND s."
        + FIRST_PURCHASE + " < t." + FIRST_PURCHASE + "))";
    return delta.as("s").join(affected.as("t"), col("s." + CUSTOMER_ID).equalTo(col("t." + CUSTOMER_ID)), "left")
        .selectExpr(
            "s." + CUSTOMER_ID + " AS " + CUSTOMER_ID,
            "IF(t." + CUSTOMER_ID + " IS NULL, s." + ACTIVITY + ", " + activity + ") AS " + ACTIVITY,
            "IF(" + newFirst + ", s." + FIRST_PURCHASE + ", t." + FIRST_PURCHASE + ") AS " + FIRST_PURCHASE,
            "IF(" + newFirst + ", s." + FIRST_ATTRIBUTES + ", t." + FIRST_ATTRIBUTES + ") AS " + FIRST_ATTRIBUTES);
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
