package io.retention.ingest;

import static io.retention.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import io.retention.schema.Schemas;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Pure transform from extracted records to the ingest decisions: derives order ids, sums order lines (profiles
 * with aggregateLines), hashes each order's content, and decides per order: insert (new), accepted (already
 * written by an earlier attempt of this same run), duplicate (same id and content as an earlier row of the
 * batch or of silver), or conflicting_duplicate (same id, other content → quarantine). Every record gets an
 * {@code outcome}. Where one record is one order, only the contested ids (read twice in the batch, or in silver:
 * a narrow aggregate of the ids) go through the window by order id, and every other record is an insert with no
 * shuffle of the records; otherwise (derived ids, aggregated profiles, too many contested ids) the window runs
 * over all of them. Silver's keys are looked up only for the batch's ids (a semi join; none on a first load).
 * Nothing reaches the driver but the count of contested ids.
 */
public final class OrderClassifier {
  public static final String OUTCOME = "outcome";
  public static final String ACCEPTED = "accepted";
  public static final String QUARANTINED = "quarantined";
  public static final String DUPLICATE = "duplicate";
  static final String RECORD_COUNT = "record_count";
  private static final String INSERT = "insert";
  private static final String DECISION = "decision";

  /**
   * Every record with its outcome, and the orders to insert into silver (schema {@link Schemas#PURCHASES});
   * {@code cheap}: both are derived from the caller's records by a broadcast lookup alone (no shuffle of the
   * records), so recomputing them costs less than caching them.
   */
  public record Classified(Dataset<Row> records, Dataset<Row> inserts, boolean cheap, List<Dataset<Row>> cached) {
    /** Drops the small tables the classification cached. */
    public void release() {
      cached.forEach(Dataset::unpersist);
    }
  }

  private OrderClassifier() {}

  /**
   * @param silverKeys silver's (order_id, content_hash, ingest_run_id), or null when silver has no rows yet (a
   *     first load: nothing to look up)
   * @param contestedMax the most contested order ids (see {@link #contested}) judged apart from the others; a
   *     batch with more is judged by one window over all its records
   * @param broadcastIds the batch's ids are few enough to be sent to every task that scans silver's ids (no
   *     shuffle of silver)
   */
  public static Classified classify(Dataset<Row> records, Dataset<Row> silverKeys, SourceProfile profile,
      ValidationRules rules, String runId, long contestedMax, boolean broadcastIds) {
    Dataset<Row> bad = records.filter(col(REASON).isNotNull())
        .withColumn(OUTCOME, lit(QUARANTINED));
    Dataset<Row> good = withOrderIds(records.filter(col(REASON).isNull()), profile, rules);
    if (profile.aggregateLines()) {
      return summedLines(bad, good, silverKeys, runId);
    }
    // one record = one order: the judged records carry what silver needs
    Dataset<Row> orders = withContentHash(good.withColumn(RECORD_COUNT, lit(1L))
        .withColumn(AMOUNT, col(ExtractedSchema.AMOUNT_EXACT).cast(Schemas.MONEY)));
    if (contestedMax > 0 && profile.deriveOrderId().isEmpty()) { // derived ids come from a window already
      Dataset<Row> contested = contested(good, silverKeys, broadcastIds).cache();
      long n = contested.count();
      if (n <= contestedMax) {
        // only the records of contested ids need the window and silver's rows; every other record is new
        Dataset<Row> decided = n == 0 ? noDecisions(orders.sparkSession())
            : decide(orders.join(broadcast(contested), ORDER_ID, "left_semi"), silverKeys, runId)
            .select(col(SOURCE_FILE), col(LINE_NUMBER), col(DECISION), col("decision_detail")).cache();
        Dataset<Row> judged = bad.unionByName(withOutcome(orders.join(broadcast(decided),
            asSeq(SOURCE_FILE, LINE_NUMBER), "left").withColumn(DECISION, coalesce(col(DECISION), lit(INSERT)))),
            true);
        return new Classified(judged, insertsFrom(judged, runId), true, List.of(contested, decided));
      }
      contested.unpersist();
    }
    Dataset<Row> judged = bad.unionByName(withOutcome(decide(orders, silverKeys, runId)), true);
    return new Classified(judged, insertsFrom(judged, runId), false, List.of());
  }

  /**
   * The batch's order ids that need judging: read more than once in the batch, or already in silver. Narrow (ids
   * only) and usually a handful, so the records of all other ids are inserts without a shuffle.
   */
  static Dataset<Row> contested(Dataset<Row> good, Dataset<Row> silverKeys, boolean broadcastIds) {
    Dataset<Row> ids = good.select(ORDER_ID);
    Dataset<Row> repeated = ids.groupBy(ORDER_ID).count().filter(col("count").gt(1)).select(ORDER_ID);
    return silverKeys == null ? repeated
        : repeated.union(silverKeys.select(ORDER_ID).join(broadcastIds ? broadcast(ids) : ids, ORDER_ID,
            "left_semi")).distinct();
  }

  /** No decision for any record: every record of the batch is an insert. */
  private static Dataset<Row> noDecisions(org.apache.spark.sql.SparkSession spark) {
    return spark.createDataFrame(List.of(), new StructType().add(SOURCE_FILE, DataTypes.StringType)
        .add(LINE_NUMBER, DataTypes.LongType).add(DECISION, DataTypes.StringType)
        .add("decision_detail", DataTypes.StringType));
  }

  /** Profiles whose orders are the sum of their lines: orders decided, then each line gets its order's outcome. */
  private static Classified summedLines(Dataset<Row> bad, Dataset<Row> good, Dataset<Row> silverKeys,
      String runId) {
    // per order: far fewer rows than lines; read by the line join and the inserts
    Dataset<Row> decided = decide(withContentHash(sumLines(good)), silverKeys, runId).cache();
    Dataset<Row> lineOutcomes = good.join(decided.select(col(ORDER_ID), col(DECISION), col("decision_detail")),
        ORDER_ID);
    return new Classified(bad.unionByName(withOutcome(lineOutcomes).select(asCols(bad.columns()))),
        insertsFrom(decided, runId), false, List.of(decided));
  }

  private static scala.collection.immutable.Seq<String> asSeq(String... names) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(names)).toList();
  }

  /** The records' outcome, reason and detail from the decision. */
  private static Dataset<Row> withOutcome(Dataset<Row> decided) {
    return decided
        .withColumn(OUTCOME, when(col(DECISION).isin(INSERT, ACCEPTED), lit(ACCEPTED))
            .when(col(DECISION).equalTo(DUPLICATE), lit(DUPLICATE)).otherwise(lit(QUARANTINED)))
        .withColumn(REASON, when(col(OUTCOME).equalTo(QUARANTINED), lit(Reason.CONFLICTING_DUPLICATE.code())))
        .withColumn(DETAIL, col("decision_detail"))
        .drop("decision_detail");
  }

  /** The orders decided "insert", in silver's schema. */
  private static Dataset<Row> insertsFrom(Dataset<Row> decided, String runId) {
    return decided.filter(col(DECISION).equalTo(INSERT))
        .withColumn(INGEST_RUN_ID, lit(runId))
        .select(Schemas.PURCHASES.fieldNames()[0], rest(Schemas.PURCHASES.fieldNames()));
  }

  /** CDNOW-style derived ids (customer-yyyymmdd-k in file order) and the optional profile namespace. */
  static Dataset<Row> withOrderIds(Dataset<Row> good, SourceProfile profile, ValidationRules rules) {
    Dataset<Row> out = good;
    if (SourceProfile.DERIVE_CUSTOMER_DATE_SEQUENCE.equals(profile.deriveOrderId())) {
      WindowSpec w = Window.partitionBy(col(SOURCE_FILE), col(CUSTOMER_ID), col(ORDER_DATE))
          .orderBy(col(LINE_NUMBER));
      out = out.withColumn(ORDER_ID, concat_ws("-", col(CUSTOMER_ID), date_format(col(ORDER_DATE), "yyyyMMdd"),
          row_number().over(w).cast("string")));
    }
    if (rules.namespaceOrderIds()) {
      out = out.withColumn(ORDER_ID, concat(lit(profile.name() + ":"), col(ORDER_ID)));
    }
    return out;
  }

  /** One order per order id: amounts and quantities summed, earliest timestamp, first line's place. */
  static Dataset<Row> sumLines(Dataset<Row> lines) {
    Column first = struct(col(SOURCE_FILE), col(LINE_NUMBER));
    return lines.groupBy(col(ORDER_ID)).agg(
            min(col(CUSTOMER_ID)).as(CUSTOMER_ID),
            min(col(ORDER_TS)).as(ORDER_TS),
            min(col(ORDER_DATE)).as(ORDER_DATE),
            sum(col(ExtractedSchema.AMOUNT_EXACT)).as(ExtractedSchema.AMOUNT_EXACT),
            min(col(CURRENCY)).as(CURRENCY),
            sum(col(QUANTITY)).as(QUANTITY),
            min_by(col(ATTRIBUTES), first).as(ATTRIBUTES),
            min(first).as("first_line"),
            sum(col(LINE_COUNT)).cast("int").as(LINE_COUNT),
            count(lit(1)).as(RECORD_COUNT))
        .withColumn(SOURCE_FILE, col("first_line." + SOURCE_FILE))
        .withColumn(LINE_NUMBER, col("first_line." + LINE_NUMBER))
        .withColumn(AMOUNT, col(ExtractedSchema.AMOUNT_EXACT).cast(Schemas.MONEY))
        .withColumn(KIND, when(col(AMOUNT).lt(0), lit(KIND_REFUND)).otherwise(lit(KIND_PURCHASE)))
        .drop("first_line");
  }

  /**
   * SHA-256 of everything that makes an order what it is (not where or when it was read). The attributes are
   * sorted by key with {@code sort_array}, which Spark compiles, not {@code array_sort}, which it interprets (a
   * map's keys are distinct, so both give the same order).
   */
  static Dataset<Row> withContentHash(Dataset<Row> orders) {
    Column attrs = to_json(map_from_entries(sort_array(map_entries(coalesce(col(ATTRIBUTES),
        map().cast(Schemas.STRING_MAP))))));
    return orders.withColumn(CONTENT_HASH, sha2(concat_ws("\u0001", col(CUSTOMER_ID),
        unix_micros(col(ORDER_TS)).cast("string"), col(AMOUNT).cast("string"), col(CURRENCY),
        col(QUANTITY).cast("string"), col(KIND), attrs), 256));
  }

  private static Dataset<Row> decide(Dataset<Row> orders, Dataset<Row> silverKeys, String runId) {
    WindowSpec w = Window.partitionBy(col(ORDER_ID)).orderBy(col(SOURCE_FILE), col(LINE_NUMBER));
    Dataset<Row> ranked = orders
        .withColumn("rn", row_number().over(w))
        .withColumn("first_hash", first(col(CONTENT_HASH)).over(w))
        .withColumn("first_at", first(concat_ws(":", col(SOURCE_FILE), col(LINE_NUMBER))).over(w));
    Dataset<Row> joined;
    if (silverKeys == null) {
      joined = ranked.withColumn("s_id", lit(null).cast("string")).withColumn("s_hash", lit(null).cast("string"))
          .withColumn("s_run", lit(null).cast("string"));
    } else {
      // Only silver's rows for this batch's ids: a night's small batch is broadcast into the scan of silver, so
      // the long history is read (order_id column first) but never shuffled.
      Dataset<Row> s = silverKeys.join(orders.select(ORDER_ID), ORDER_ID, "left_semi")
          .select(col(ORDER_ID).as("s_id"), col(CONTENT_HASH).as("s_hash"), col(INGEST_RUN_ID).as("s_run"));
      joined = ranked.join(s, ranked.col(ORDER_ID).equalTo(s.col("s_id")), "left");
    }
    // silver first: it holds the content of the id's first occurrence (earlier runs and batches), so a record
    // is judged the same whether or not the earlier occurrences were ingested in the same batch
    Column inSilver = col("s_hash").isNotNull();
    Column decision = when(inSilver.and(col("rn").equalTo(1)).and(col("s_hash").equalTo(col(CONTENT_HASH)))
            .and(col("s_run").equalTo(lit(runId))), lit(ACCEPTED))
        .when(inSilver.and(col("s_hash").equalTo(col(CONTENT_HASH))), lit(DUPLICATE))
        .when(inSilver, lit(Reason.CONFLICTING_DUPLICATE.code()))
        .when(col("rn").gt(1).and(col(CONTENT_HASH).equalTo(col("first_hash"))), lit(DUPLICATE))
        .when(col("rn").gt(1), lit(Reason.CONFLICTING_DUPLICATE.code()))
        .otherwise(lit(INSERT));
    Column detail = when(inSilver.and(col("s_hash").notEqual(col(CONTENT_HASH))),
            concat(lit("order id "), col(ORDER_ID), lit(" is already in silver.purchases (ingest run "),
                col("s_run"), lit(") with different content")))
        .when(col("rn").gt(1).and(col(CONTENT_HASH).notEqual(col("first_hash"))),
            concat(lit("order id " ), col(ORDER_ID), lit(" already read at "), col("first_at"),
                lit(" with different content")));
    return joined.withColumn(DECISION, decision).withColumn("decision_detail", detail)
        .drop("rn", "first_hash", "first_at", "s_id", "s_hash", "s_run");
  }

  private static String[] rest(String[] a) {
    String[] r = new String[a.length - 1];
    System.arraycopy(a, 1, r, 0, r.length);
    return r;
  }

  private static Column[] asCols(String[] names) {
    Column[] c = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      c[i] = col(names[i]);
    }
    return c;
  }
}
