package io.retention.ingest;

import static io.retention.schema.Columns.*;
import static org.apache.spark.sql.functions.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * An order's content hash is stored in silver.purchases and compared with every later record of the same id, so
 * it must stay the same across versions: SHA-256 of customer, timestamp in microseconds, amount, currency,
 * quantity, kind and the attributes as JSON sorted by key (UTF-8 byte order), joined by U+0001, NULLs left out.
 * Checked here against that rule computed with {@link MessageDigest}.
 */
class ContentHashTest {
  private static final String SEP = "\u0001";

  private static String sha256(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void hashIsTheDocumentedDigestWithAttributesSortedByKey() throws Exception {
    SparkSession spark = SharedSpark.get();
    // attributes in insertion order z, ～ (U+FF5E), 😀, a: sorted by UTF-8 bytes they are a, z, ～, 😀 (UTF-16
    // order would put 😀 before ～)
    Dataset<Row> orders = spark.range(1).select(lit("c1").as(CUSTOMER_ID),
            to_timestamp(lit("2024-03-01 10:00:00")).as(ORDER_TS),
            lit(new BigDecimal("12.50")).cast(Schemas.MONEY).as(AMOUNT), lit("EUR").as(CURRENCY),
            lit(2L).as(QUANTITY), lit("purchase").as(KIND),
            map(lit("z"), lit("1"), lit("\uFF5E"), lit("2"), lit("\uD83D\uDE00"), lit("3"), lit("a"), lit("4"))
                .as(ATTRIBUTES))
        .union(spark.range(1).select(lit("c2").as(CUSTOMER_ID), to_timestamp(lit("2024-03-02 00:00:00.000001"))
            .as(ORDER_TS), lit(new BigDecimal("-3")).cast(Schemas.MONEY).as(AMOUNT),
            lit(null).cast("string").as(CURRENCY), lit(1L).as(QUANTITY), lit("refund").as(KIND),
            lit(null).cast(Schemas.STRING_MAP).as(ATTRIBUTES)));

    List<Row> hashed = OrderClassifier.withContentHash(orders).orderBy(CUSTOMER_ID)
        .select(CUSTOMER_ID, CONTENT_HASH).collectAsList();

    // the session's time zone is UTC: 2024-03-01T10:00:00Z is 1709287200 seconds after the epoch
    String first = String.join(SEP, "c1", "1709287200000000", "12.50", "EUR", "2", "purchase",
        "{\"a\":\"4\",\"z\":\"1\",\"\uFF5E\":\"2\",\"\uD83D\uDE00\":\"3\"}");
    String second = String.join(SEP, "c2", "1709337600000001", "-3.00", "1", "refund", "{}"); // no currency
    assertThat(hashed).extracting(r -> r.getString(1)).containsExactly(sha256(first), sha256(second));
  }
}
