package io.retention.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.ingest.RecordSplitter.RawRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One named fixture per quarantine reason, through the real per-file parser and validation. */
class ValidationTest {
  static final String HEADER = "order_id,customer_id,order_ts,amount,currency,quantity,kind,channel";
  static final ValidationRules RULES = new ValidationRules("UTC", "EUR", List.of("EUR", "GBP", "USD"), 1_000_000,
      Instant.parse("2026-01-02T00:00:00Z"), false);

  private static RecordExtractor.FileParse.Result parse(String header, String line) {
    SourceProfile p = SourceProfile.load("canonical", "conf/sources");
    var fp = new RecordExtractor.FileParse(p, "csv", new Validation(p, RULES));
    fp.isHeader(new RawRecord(1, 1, header, false));
    return fp.parse(new RawRecord(2, 1, line, false));
  }

  private static String reasonOf(String line) {
    RecordExtractor.FileParse.Result r = parse(HEADER, line);
    return r.reason() == null ? "ok" : r.reason().code();
  }

  @Test
  void everyReasonHasAFixture() {
    Map<String, String> fixtures = Map.ofEntries(
        Map.entry("missingOrderId", ",c3,2024-03-01T10:00:00Z,1.00,EUR,1,purchase,web"),
        Map.entry("missingCustomerId", "B2, ,2024-03-01T10:00:00Z,1.00,EUR,1,purchase,web"),
        Map.entry("unparsableTimestamp", "B3,c3,yesterday,1.00,EUR,1,purchase,web"),
        Map.entry("futureTimestamp", "B4,c3,2026-01-03T00:00:01Z,1.00,EUR,1,purchase,web"),
        Map.entry("nonNumericAmount", "B5,c3,2024-03-01T10:00:00Z,12abc,EUR,1,purchase,web"),
        Map.entry("nanAmount", "B5,c3,2024-03-01T10:00:00Z,NaN,EUR,1,purchase,web"),
        Map.entry("infiniteAmount", "B6,c3,2024-03-01T10:00:00Z,-Infinity,EUR,1,refund,web"),
        Map.entry("outOfRangeAmount", "B7,c3,2024-03-01T10:00:00Z,1000000.01,EUR,1,purchase,web"),
        Map.entry("badQuantity", "B8,c3,2024-03-01T10:00:00Z,1.00,EUR,1.5,purchase,web"),
        Map.entry("currency", "B9,c3,2024-03-01T10:00:00Z,1.00,JPY,1,purchase,web"),
        Map.entry("kind", "B10,c3,2024-03-01T10:00:00Z,1.00,EUR,1,gift,web"),
        Map.entry("negativePurchase", "B11,c3,2024-03-01T10:00:00Z,-1.00,EUR,1,purchase,web"),
        Map.entry("columnCount", "B12,c3,2024-03-01T10:00:00Z,1.00,EUR,1"),
        Map.entry("malformed", "B13,c3,\"2024-03-01T10:00:00Z,1.00,EUR,1,purchase,web"));
    Map<String, String> expected = Map.ofEntries(
        Map.entry("missingOrderId", "missing_order_id"), Map.entry("missingCustomerId", "missing_customer_id"),
        Map.entry("unparsableTimestamp", "invalid_timestamp"), Map.entry("futureTimestamp", "future_timestamp"),
        Map.entry("nonNumericAmount", "invalid_amount"), Map.entry("nanAmount", "invalid_amount"),
        Map.entry("infiniteAmount", "invalid_amount"), Map.entry("outOfRangeAmount", "amount_out_of_range"),
        Map.entry("badQuantity", "invalid_quantity"), Map.entry("currency", "currency_not_allowed"),
        Map.entry("kind", "invalid_kind"), Map.entry("negativePurchase", "invalid_amount"),
        Map.entry("columnCount", "wrong_column_count"), Map.entry("malformed", "malformed_record"));
    fixtures.forEach((name, line) -> assertThat(reasonOf(line)).as(name).isEqualTo(expected.get(name)));
  }

  @Test
  void messagesNameTheBadValue() {
    assertThat(parse(HEADER, "B9,c3,2024-03-01T10:00:00Z,1.00,jpy,1,purchase,web").detail())
        .isEqualTo("currency 'JPY' is not one of [EUR, GBP, USD]");
    assertThat(parse(HEADER, "B7,c3,2024-03-01T10:00:00Z,2000000,EUR,1,purchase,web").detail())
        .isEqualTo("|amount| 2000000 exceeds 1000000");
    assertThat(parse("order_id,customer_id,order_ts,currency", "x,y,z,EUR").detail())
        .isEqualTo("the header has no column amount (it has: order_id, customer_id, order_ts, currency)");
    assertThat(parse("order_id,customer_id,order_ts,currency", "x,y,z,EUR").reason())
        .isEqualTo(Reason.MISSING_COLUMN);
  }

  @Test
  void typesAcceptedLinesWithDefaultsOffsetsAndRefundSign() {
    Validation.Line l = parse(HEADER, "A2,c1,2024-03-01T01:30:00+02:00,5.5,,2,,\"shop, Berlin\"").line();
    assertThat(l.ts()).isEqualTo(Instant.parse("2024-02-29T23:30:00Z"));
    assertThat(l.orderDate()).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(l.amount()).isEqualByComparingTo(new BigDecimal("5.50"));
    assertThat(l.currency()).isEqualTo("EUR");
    assertThat(l.kind()).isEqualTo("purchase");
    assertThat(l.quantity()).isEqualTo(2);
    assertThat(l.attributes()).isEqualTo(Map.of("channel", "shop, Berlin"));
    Validation.Line refund = parse(HEADER, "A3,c2,2024-03-02 09:00,4.00,GBP,1,refund,web").line();
    assertThat(refund.amount()).isEqualByComparingTo(new BigDecimal("-4.00"));
    assertThat(refund.ts()).isEqualTo(Instant.parse("2024-03-02T09:00:00Z"));
    assertThat(parse(HEADER, "A4,c2,2024-03-03T09:00:00Z,0,USD,1,,web").line().amount().signum()).isZero();
  }

  @Test
  void onlineRetailLinesUseUkTimeAndStripDecimalCustomerIds() {
    SourceProfile p = SourceProfile.load("online-retail", "conf/sources");
    var fp = new RecordExtractor.FileParse(p, "csv", new Validation(p, RULES));
    fp.isHeader(new RawRecord(1, 1, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
        false));
    Validation.Line l = fp.parse(new RawRecord(2, 1,
        "C536379,D,Discount,-3,2011-06-01 08:26:00,27.50,14527.0,United Kingdom", false)).line();
    assertThat(l.customerId()).isEqualTo("14527");
    assertThat(l.ts()).isEqualTo(Instant.parse("2011-06-01T07:26:00Z"));
    assertThat(l.amount()).isEqualByComparingTo(new BigDecimal("-82.50"));
    assertThat(l.kind()).isEqualTo("refund");
    assertThat(l.attributes()).isEqualTo(Map.of("Country", "United Kingdom"));
  }
}
