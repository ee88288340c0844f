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

  /** The source value of the customer id in a bronze or extracted record (its {@code fields} map). */
  public static Column sourceValue(SourceProfile profile) {
    String column = profile.column(CUSTOMER_ID);
    return col(FIELDS).getItem(column == null ? CUSTOMER_ID : column);
  }

  /**
   * The ids a bronze or extracted record may belong to, as an array column: its customer id ({@link #of(SourceProfile)})
   * when its fields were parsed; for a record whose fields could not be parsed at all (bytes that are not UTF-8, an
   * unbalanced quote, a JSON syntax error: {@code fields} is null), the tokens of its raw text, split at CSV, JSON
   * and white-space delimiters, so such a record of an erased customer is found by an exact token, never by a
   * substring ({@code 7} does not match {@code 17} or {@code 7.50}; it does match a token {@code 7} of an
   * unparsed record, which then is erased too: it cannot be told whose it is).
   */
  public static Column candidates(SourceProfile profile) {
    return when(col(FIELDS).isNull(), filter(split(col(RAW_RECORD), TOKEN_DELIMITERS), t -> length(t).gt(0)))
        .otherwise(array(of(profile)));
  }

  /** The customer id of each bronze or extracted record (from its {@code fields}), as a column. */
  public static Column of(SourceProfile profile) {
    UDF1<String, String> f = raw -> of(profile, raw);
    return functions.udf(f, DataTypes.StringType).apply(sourceValue(profile));
  }
}
