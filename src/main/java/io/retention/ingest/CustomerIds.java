package io.retention.ingest;

import static io.retention.schema.Columns.CUSTOMER_ID;
import static io.retention.schema.Columns.FIELDS;
import static io.retention.schema.Columns.RAW_RECORD;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.when;

import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The customer id of a record as ingest reads it from the record's source fields: the profile's customer column,
 * normalised by {@link Ids} (NFC, trimmed), {@code 17850.0} → {@code 17850} for profiles that say so. Ingest's
 * validation, the erasure of a customer's bronze records and the suppression of re-landed ones all use this one
 * rule, so they agree on whose record it is.
 */
public final class CustomerIds {
  private static final Pattern DECIMAL_ZERO = Pattern.compile("\\d+\\.0+");
  private static final String TOKEN_DELIMITERS = "[\\s,;|\"'{}\\[\\]:]+";

  private CustomerIds() {}

  /** An id as ingest stores it (NFC, trimmed); how the ids of a {@code forget} file are read too. */
  public static String normalise(String id) {
    return id == null ? null : Ids.normalise(id);
  }

  /** The customer id of the source value {@code raw} under {@code profile}, null when absent or empty. */
  public static String of(SourceProfile profile, String raw) {
    String n = raw == null ? null : Ids.normalise(raw);
    if (n == null || n.isEmpty()) {
      return null;
    }
    if (profile.customerIdStripDecimalZero() && DECIMAL_ZERO.matcher(n).matches()) {
      return n.substring(0, n.indexOf('.'));
    }
    return n;
  }

  /** The customer id of a record whose source fields were parsed: {@link #of(SourceProfile, String)} of its field. */
  static String of(SourceProfile profile, Map<String, String> fields) {
    return of(profile, fields.get(sourceColumn(profile)));
  }

  /** The source column that holds the customer id under {@code profile}. */
  private static String sourceColumn(SourceProfile profile) {
    String column = profile.column(CUSTOMER_ID);
    return column == null ? CUSTOMER_ID : column;
  }

  /**
   * The ids a bronze or extracted record may belong to, as an array column:
   * <ul>
   *   <li>its {@code customer_id} as ingest read it, when set ({@code hasCustomerId}: the frame has the column;
   *       bronze rows written before it existed do not);</li>
   *   <li>else, for a record whose source fields are kept ({@code fields}: a record that failed validation, or any
   *       parsed bronze row written before {@code customer_id} existed), the id {@link #of(SourceProfile, String)}
   *       reads from its customer field (none when the field is absent or empty);</li>
   *   <li>else (a record that could not be parsed at all: bytes that are not UTF-8, an unbalanced quote, a JSON
   *       syntax error), the tokens of its raw text, split at CSV, JSON and white-space delimiters, so such a
   *       record of an erased customer is found by an exact token, never by a substring ({@code 7} does not match
   *       {@code 17} or {@code 7.50}; it does match a token {@code 7} of an unparsed record, which then is erased
   *       too: it cannot be told whose it is).</li>
   * </ul>
   */
  public static Column candidates(SourceProfile profile, boolean hasCustomerId) {
    UDF1<String, String> f = raw -> of(profile, raw);
    Column fromFields = when(col(FIELDS).isNull(),
        filter(split(col(RAW_RECORD), TOKEN_DELIMITERS), t -> length(t).gt(0)))
        .otherwise(array(functions.udf(f, DataTypes.StringType).apply(col(FIELDS).getItem(sourceColumn(profile)))));
    return hasCustomerId ? when(col(CUSTOMER_ID).isNotNull(), array(col(CUSTOMER_ID))).otherwise(fromFields)
        : fromFields;
  }
}
