package io.retention.erasure;

import static io.retention.schema.Columns.CUSTOMER_HASH;
import static io.retention.schema.Columns.ERASED_AT;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import io.retention.ingest.CustomerIds;
import io.retention.ingest.SourceProfile;
import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import java.io.Serializable;
import java.nio.file.Files;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The suppression list: the keyed hashes of the customers {@code forget} erased (ops.erasures), each with its
 * latest erasure time. Ingest drops a landed record of such a customer dated before that time (or with no valid
 * date) before anything is stored: it reaches neither bronze nor quarantine and is counted as {@code suppressed}
 * in the books. A record dated after the erasure (the customer came back) is ingested as usual. The list is small
 * (one entry per erased customer) and travels to the executors with the check.
 */
public final class Suppression implements Serializable {
  private static final long serialVersionUID = 1L;
  private final ErasureKey key;
  private final Map<String, Long> erasedAtMillis;

  Suppression(ErasureKey key, Map<String, Long> erasedAtMillis) {
    this.key = key;
    this.erasedAtMillis = Map.copyOf(erasedAtMillis);
  }

  /** Whether the warehouse has an erasure audit at all (a folder check: no Spark job). */
  public static boolean anyErasure(String warehouse) {
    String p = Table.ERASURES.path(warehouse).replaceFirst("^file:", "");
    return !p.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*") && Files.isDirectory(java.nio.file.Path.of(p, "_delta_log"));
  }

  /**
   * The list of the warehouse (empty without ops.erasures). {@code key} may be null only when the list is
   * empty: with erased customers and no key ingest cannot recognise them, and refuses (IllegalArgumentException).
   */
  public static Suppression load(DeltaTables tables, ErasureKey key) {
    Map<String, Long> m = new HashMap<>();
    if (tables.exists(Table.ERASURES)) {
      for (Row r : tables.read(Table.ERASURES).groupBy(col(CUSTOMER_HASH)).agg(max(col(ERASED_AT)))
          .collectAsList()) {
        m.put(r.getString(0), r.getTimestamp(1).getTime());
      }
    }
    if (!m.isEmpty() && key == null) {
      throw new IllegalArgumentException("ingest: the warehouse has erased customers (ops.erasures), so ingest "
          + "needs $" + ErasureKey.ENV + " to suppress their re-landed records");
    }
    return new Suppression(key, m);
  }

  public boolean isEmpty() {
    return erasedAtMillis.isEmpty();
  }

  public int size() {
    return erasedAtMillis.size();
  }

  /** Whether a record of {@code customerId} dated {@code ts} (null: no valid date) is suppressed. */
  public boolean suppressed(String customerId, Timestamp ts) {
    if (customerId == null) {
      return false;
    }
    Long erased = erasedAtMillis.get(key.hash(customerId));
    return erased != null && (ts == null || ts.getTime() < erased);
  }

  /**
   * The check as a column over extracted records: true for a record to suppress. The customer id is the one
   * extraction read, also for records that failed validation, or the tokens of an unparsed record
   * ({@link CustomerIds#candidates}), so records quarantined for another reason are recognised too.
   */
  public Column column(SourceProfile profile, Column orderTs) {
    UDF2<scala.collection.Seq<String>, Timestamp, Boolean> f = (candidates, ts) -> candidates != null
        && scala.jdk.javaapi.CollectionConverters.asJava(candidates).stream().anyMatch(id -> suppressed(id, ts));
    UserDefinedFunction udf = functions.udf(f, DataTypes.BooleanType);
    return udf.apply(CustomerIds.candidates(profile, true), orderTs);
  }
}
