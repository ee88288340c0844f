package io.retention.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.retention.lake.DeltaTables;
import io.retention.lake.StampedIndex;
import io.retention.lake.Table;
import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * ops.night_quality: what the gates measured and decided per night, and which held nights an operator accepted.
 * The ingest runs a check covers are those recorded in ops.ingested_files / ops.rejected_files that no earlier
 * check covered, so a run of {@code ingest} on its own, or a nightly killed between ingest and its gates, is
 * checked by the next nightly before anything is published. Everything read here is small (one row per file or
 * per night) except the per-run aggregates of silver, which filter on the runs' ids. An instance is a view for one
 * stage run: it reads each ops table once and sees its own appends, not another instance's.
 */
public final class QualityLog {
  /** The outcome of an acceptance row. */
  public static final String ACCEPTED = "accepted";

  /** The gates' index file, relative to the warehouse. */
  static final String CLEAR_INDEX = "_ledger/gates.tsv";
  private static final String CLEAR = "clear";

  private final DeltaTables tables;
  private Map<String, Books> ledger;
  private List<Row> rows;

  public QualityLog(DeltaTables tables) {
    this.tables = tables;
  }

  /** A recorded check: its ingest runs, when, its outcome and its tripped gates' messages. */
  public record Check(String runId, List<String> ingestRunIds, Instant evaluatedAt, long records,
      double quarantineRate, long newCustomers, String outcome, List<GateResult> gates, String acceptedBy,
      Instant acceptedAt) {

    /** The messages of the gates that tripped. */
    public List<String> tripped() {
      return gates.stream().filter(GateResult::tripped).map(g -> g.gate() + ": " + g.message()).toList();
    }
  }

  /** One run's rows of the file ledgers, summed: files read and set aside, and the books. */
  private record Books(Instant first, long files, long records, long accepted, long quarantined, long duplicates,
      long setAside) {
    Books plus(Books o) {
      return new Books(first.isBefore(o.first) ? first : o.first, files + o.files, records + o.records,
          accepted + o.accepted, quarantined + o.quarantined, duplicates + o.duplicates, setAside + o.setAside);
    }
  }

  /** Per ingest run: its files' books from ops.ingested_files and ops.rejected_files (one small read each). */
  private Map<String, Books> ledger() {
    if (ledger == null) {
      ledger = new HashMap<>();
      if (tables.exists(Table.INGESTED_FILES)) {
        for (Row r : tables.read(Table.INGESTED_FILES).groupBy(Columns.INGEST_RUN_ID).agg(
            min(Columns.INGESTED_AT), count(lit(1)), sum(Columns.ROWS_IN), sum(Columns.ROWS_OUT),
            sum(Columns.ROWS_QUARANTINED), sum(Columns.ROWS_DUPLICATE)).collectAsList()) {
          ledger.merge(r.getString(0), new Books(r.getTimestamp(1).toInstant(), r.getLong(2), orZero(r, 3),
              orZero(r, 4), orZero(r, 5), orZero(r, 6), 0), Books::plus);
        }
      }
      if (tables.exists(Table.REJECTED_FILES)) {
        for (Row r : tables.read(Table.REJECTED_FILES).groupBy(Columns.INGEST_RUN_ID)
            .agg(min(Columns.REJECTED_AT), count(lit(1))).collectAsList()) {
          ledger.merge(r.getString(0), new Books(r.getTimestamp(1).toInstant(), 0, 0, 0, 0, 0, r.getLong(2)),
              Books::plus);
        }
      }
    }
    return ledger;
  }

  private static long orZero(Row r, int i) {
    return r.isNullAt(i) ? 0 : r.getLong(i);
  }

  /** The ingest runs recorded in the file ledgers that no check covered yet, in the order they were ingested. */
  public List<String> unchecked() {
    Set<String> checked = new HashSet<>();
    for (Check c : checks()) {
      checked.addAll(c.ingestRunIds());
    }
    return ledger().entrySet().stream().filter(e -> !checked.contains(e.getKey()))
        .sorted(java.util.Map.Entry.comparingByValue(java.util.Comparator.comparing(Books::first)))
        .map(java.util.Map.Entry::getKey).toList();
  }

  /**
   * The measures of the given ingest runs: books from the file ledgers, quarantine per reason from
   * silver.quarantine, refunds, revenue per currency and new customers from their silver rows (a customer is
   * new when the per-customer state, which the nightly refreshes after the gates, does not hold them yet).
   */
  public NightQuality measure(List<String> runIds) {
    Object[] ids = runIds.toArray();
    Books b = new Books(Instant.MAX, 0, 0, 0, 0, 0, 0);
    for (String id : runIds) {
      Books one = ledger().get(id);
      if (one != null) {
        b = b.plus(one);
      }
    }
    Map<String, Long> reasons = new HashMap<>();
    if (b.quarantined() > 0 && tables.exists(Table.QUARANTINE)) {
      for (Row r : tables.read(Table.QUARANTINE).where(col(Columns.INGEST_RUN_ID).isin(ids))
          .groupBy(Columns.REASON).count().collectAsList()) {
        reasons.put(r.getString(0), r.getLong(1));
      }
    }
    long refunds = 0;
    long newCustomers = 0;
    Map<String, Double> revenue = new HashMap<>();
    if (b.accepted() > 0 && tables.exists(Table.PURCHASES)) {
      Dataset<Row> rows = tables.read(Table.PURCHASES).where(col(Columns.INGEST_RUN_ID).isin(ids));
      Dataset<Row> customers = rows.select(Columns.CUSTOMER_ID).distinct();
      if (tables.exists(Table.CUSTOMER_ACTIVITY)) {
        Dataset<Row> known = tables.read(Table.CUSTOMER_ACTIVITY).select(Columns.CUSTOMER_ID);
        customers = customers.join(known, customers.col(Columns.CUSTOMER_ID).equalTo(known.col(Columns.CUSTOMER_ID)),
            "left_anti");
      }
      newCustomers = customers.count();
      for (Row r : rows.groupBy(Columns.CURRENCY).agg(
          sum(when(col(Columns.KIND).equalTo(Columns.KIND_PURCHASE), col(Columns.AMOUNT))).cast("double"),
          sum(when(col(Columns.KIND).equalTo(Columns.KIND_REFUND), 1).otherwise(0))).collectAsList()) {
        if (!r.isNullAt(1)) {
          revenue.put(r.getString(0), r.getDouble(1));
        }
        refunds += r.getLong(2);
      }
    }
    return new NightQuality(runIds, b.files(), b.records(), b.accepted(), b.quarantined(), b.duplicates(),
        b.setAside(), newCustomers, refunds, reasons, revenue);
  }

  /** The measures of the last {@code n} checks with data (records read), newest first. */
  public List<NightQuality> history(int n) {
    List<NightQuality> out = new ArrayList<>();
    List<Row> all = rows();
    for (int i = all.size() - 1; i >= 0 && out.size() < n; i--) {
      Row r = all.get(i);
      if (!ACCEPTED.equals(r.getString(r.fieldIndex(Columns.OUTCOME))) && r.getLong(r.fieldIndex("records")) > 0) {
        out.add(measures(r));
      }
    }
    return out;
  }

  /**
   * True when the gates' index ({@value #CLEAR_INDEX}) says that, as of the latest commits of the file ledgers and
   * ops.night_quality, no ingest run waited for a check and no night was held: then {@link #unchecked} and
   * {@link #held} are empty without reading a table (a listing of three Delta logs, no Spark job).
   */
  public boolean knownClear() {
    return clearIndex().read().filter(l -> l.equals(List.of(CLEAR))).isPresent();
  }

  /**
   * Records that no ingest run waits for a check and no night is held (call it under the warehouse lock right
   * after a check found that, or after recording a check that did not fail).
   */
  public void markClear() {
    clearIndex().write(List.of(CLEAR));
  }

  private StampedIndex clearIndex() {
    return new StampedIndex(tables, CLEAR_INDEX, "retention-gates-v1",
        List.of(Table.INGESTED_FILES, Table.REJECTED_FILES, Table.NIGHT_QUALITY));
  }

  /** Every check and acceptance, oldest first. */
  public List<Check> checks() {
    return rows().stream().map(QualityLog::check).toList();
  }

  /** The rows of ops.night_quality, oldest first (one per night: small; read once, again after an append). */
  private List<Row> rows() {
    if (rows == null) {
      rows = tables.exists(Table.NIGHT_QUALITY)
          ? tables.read(Table.NIGHT_QUALITY).orderBy(Columns.EVALUATED_AT).collectAsList() : List.of();
    }
    return rows;
  }

  /** Checks that failed and were not accepted since, oldest first: while there is one, the night is held. */
  public List<Check> held() {
    List<Check> all = checks();
    Set<List<String>> accepted = new HashSet<>();
    all.stream().filter(c -> ACCEPTED.equals(c.outcome())).forEach(c -> accepted.add(c.ingestRunIds()));
    return all.stream().filter(c -> GateResult.FAIL.equals(c.outcome()) && !accepted.contains(c.ingestRunIds()))
        .toList();
  }

  /** Appends one check's row. */
  public void record(String runId, NightQuality q, List<GateResult> results, String outcome, Instant at) {
    append(List.of(row(runId, q, results, outcome, at, null, null)));
  }

  /** Appends one acceptance row per held check (one commit): its measures and gates, who and when. */
  public void accept(String runId, List<Check> held, String who, Instant at) {
    if (held.isEmpty()) {
      return;
    }
    Set<List<String>> keys = new HashSet<>();
    held.forEach(c -> keys.add(c.ingestRunIds()));
    List<Row> rows = new ArrayList<>();
    for (Row r : rows()) {
      if (GateResult.FAIL.equals(r.getString(r.fieldIndex(Columns.OUTCOME))) && keys.remove(CollectionConverters.asJava(r.<String>getSeq(r.fieldIndex(Columns.INGEST_RUN_IDS))))) {
        NightQuality q = measures(r);
        rows.add(row(runId, q, gates(r), ACCEPTED, at, who, at));
      }
    }
    append(rows);
  }

  private void append(List<Row> rows) {
    tables.createIfNotExists(Table.NIGHT_QUALITY, Schemas.NIGHT_QUALITY);
    tables.append(Table.NIGHT_QUALITY, tables.spark().createDataFrame(rows, Schemas.NIGHT_QUALITY));
    this.rows = null; // read again when asked
  }

  private static Row row(String runId, NightQuality q, List<GateResult> results, String outcome, Instant at,
      String acceptedBy, Instant acceptedAt) {
    List<Row> gates = results.stream().map(g -> RowFactory.create(g.gate(), g.metric(), g.value(), g.threshold(),
        g.median(), g.action(), g.outcome(), g.message())).toList();
    return RowFactory.create(runId, CollectionConverters.asScala(q.ingestRunIds()).toSeq(), Timestamp.from(at),
        q.files(), q.records(), q.accepted(), q.quarantined(), q.duplicates(), q.filesSetAside(), q.newCustomers(),
        q.refunds(), q.quarantineRate(), q.refundShare(),
        CollectionConverters.asScala(q.quarantinedByReason()), CollectionConverters.asScala(q.revenue()),
        CollectionConverters.asScala(gates).toSeq(), outcome, acceptedBy,
        acceptedAt == null ? null : Timestamp.from(acceptedAt));
  }

  private static NightQuality measures(Row r) {
    return new NightQuality(CollectionConverters.asJava(r.<String>getSeq(r.fieldIndex(Columns.INGEST_RUN_IDS))),
        r.getLong(r.fieldIndex("files")), r.getLong(r.fieldIndex("records")), r.getLong(r.fieldIndex("accepted")),
        r.getLong(r.fieldIndex("quarantined")), r.getLong(r.fieldIndex("duplicates")),
        r.getLong(r.fieldIndex("files_set_aside")), r.getLong(r.fieldIndex("new_customers")),
        r.getLong(r.fieldIndex("refunds")),
        CollectionConverters.asJava(r.<String, Long>getMap(r.fieldIndex("quarantined_by_reason"))),
        CollectionConverters.asJava(r.<String, Double>getMap(r.fieldIndex("revenue"))));
  }

  private static List<GateResult> gates(Row r) {
    List<GateResult> out = new ArrayList<>();
    for (Row g : CollectionConverters.asJava(r.<Row>getSeq(r.fieldIndex(Columns.GATES)))) {
      out.add(new GateResult(g.getString(0), g.getString(1), g.getDouble(2), g.isNullAt(3) ? null : g.getDouble(3),
          g.isNullAt(4) ? null : g.getDouble(4), g.getString(5), g.getString(6), g.getString(7)));
    }
    return out;
  }

  private static Check check(Row r) {
    Timestamp acc = r.getTimestamp(r.fieldIndex(Columns.ACCEPTED_AT));
    return new Check(r.getString(r.fieldIndex(Columns.RUN_ID)),
        List.copyOf(CollectionConverters.asJava(r.<String>getSeq(r.fieldIndex(Columns.INGEST_RUN_IDS)))),
        r.getTimestamp(r.fieldIndex(Columns.EVALUATED_AT)).toInstant(), r.getLong(r.fieldIndex("records")),
        r.getDouble(r.fieldIndex("quarantine_rate")), r.getLong(r.fieldIndex("new_customers")),
        r.getString(r.fieldIndex(Columns.OUTCOME)), gates(r), r.getString(r.fieldIndex(Columns.ACCEPTED_BY)),
        acc == null ? null : acc.toInstant());
  }
}
