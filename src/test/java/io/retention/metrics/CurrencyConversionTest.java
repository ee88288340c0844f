package io.retention.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.currency.CurrencyRates;
import io.retention.currency.RatesFile;
import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.Columns;
import io.retention.schema.MetricsColumns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Currency conversion in the hub (gold.customer_activity): orders in EUR (the reporting currency), GBP and USD,
 * rates with two valid_from dates each. Expected values are computed by hand:
 *
 * <pre>
 * rates to EUR   GBP from 2024-01-01 1.10, from 2024-03-01 1.20;  USD from 2024-01-01 0.90, from 2024-03-01 0.85
 * a 2024-01-10  EUR 100.00                     = 100.00
 * a 2024-02-15  GBP 10.15 x 1.10 = 11.165 -> 11.16 (half-even; half-up would give 11.17), twice = 22.32
 *               (rounding the day's sum 22.33 instead of each order would give 22.33)
 * b 2024-02-29  GBP 50.00 x 1.10               =  55.00 (the day before the second rate)
 * b 2024-03-01  GBP 50.00 x 1.20               =  60.00 (valid_from = order date: the new rate)
 * c 2024-01-20  USD 20.00 x 0.90               =  18.00
 * c 2024-03-15  USD 33.33 x 0.85 = 28.3305 -> 28.33; refund USD -10.00 x 0.85 = -8.50: net 19.83, gross 28.33
 * </pre>
 */
class CurrencyConversionTest {
  static final String RATES = "currency,valid_from,rate\nGBP,2024-01-01,1.10\nGBP,2024-03-01,1.20\n"
      + "USD,2024-01-01,0.90\nUSD,2024-03-01,0.85\n";
  private static int seq;

  static Row order(String customer, String date, String amount, String currency, String kind) {
    seq++;
    return RowFactory.create("cur-" + seq, customer, Timestamp.from(Instant.parse(date + "T12:00:00Z")),
        Date.valueOf(date), new BigDecimal(amount), currency, 1L, kind, CollectionConverters.asScala(Map.of()),
        "h" + seq, "fixture.csv", (long) seq, "run-1");
  }

  static Row purchase(String customer, String date, String amount, String currency) {
    return order(customer, date, amount, currency, Columns.KIND_PURCHASE);
  }

  static List<Row> orders() {
    return new ArrayList<>(List.of(
        purchase("a", "2024-01-10", "100.00", "EUR"),
        purchase("a", "2024-02-15", "10.15", "GBP"),
        purchase("a", "2024-02-15", "10.15", "GBP"),
        purchase("b", "2024-02-29", "50.00", "GBP"),
        purchase("b", "2024-03-01", "50.00", "GBP"),
        purchase("c", "2024-01-20", "20.00", "USD"),
        purchase("c", "2024-03-15", "33.33", "USD"),
        order("c", "2024-03-15", "-10.00", "USD", Columns.KIND_REFUND)));
  }

  /** A warehouse whose silver holds {@code rows} (change data feed on, as ingest leaves it). */
  static DeltaTables silver(String name, List<Row> rows) {
    SparkSession spark = SharedSpark.get();
    DeltaTables t = new DeltaTables(spark, SharedSpark.tempDir(name).toString());
    t.createIfNotExists(Table.PURCHASES, Schemas.PURCHASES);
    t.ensureProperty(Table.PURCHASES, "delta.enableChangeDataFeed", "true");
    append(t, rows);
    return t;
  }

  static void append(DeltaTables t, List<Row> rows) {
    t.delta(Table.PURCHASES).as("t").merge(t.spark().createDataFrame(rows, Schemas.PURCHASES).as("s"),
        "t.order_id = s.order_id").whenNotMatched().insertAll().execute();
  }

  static RatesFile rates(String name, String csv) throws Exception {
    Path f = SharedSpark.tempDir(name).resolve("rates.csv");
    Files.writeString(f, csv, StandardCharsets.UTF_8);
    return RatesFile.read(f, "EUR");
  }

  /** customer -> "day purchases net gross; ..." of the hub. */
  static Map<String, String> hub(DeltaTables t) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : t.read(Table.CUSTOMER_ACTIVITY).selectExpr("customer_id",
        "concat_ws('; ', transform(activity, x -> concat_ws(' ', x.day, x.purchases, x.net, x.gross)))")
        .collectAsList()) {
      out.put(r.getString(0), r.getString(1));
    }
    return out;
  }

  @Test
  void theHubHoldsEachOrderConvertedAtTheRateOfItsDateRoundedHalfEvenAndGoldTablesFollow() throws Exception {
    DeltaTables t = silver("currency-hub", orders());
    new CurrencyRates(t, "EUR").load(rates("currency-rates-1", RATES));

    CustomerState.Refresh r = new CustomerState(t).refresh(false);

    assertThat(r.mode()).isEqualTo(CustomerState.Mode.FULL);
    assertThat(hub(t)).isEqualTo(Map.of(
        "a", "2024-01-10 1 100.00 100.00; 2024-02-15 2 22.32 22.32",
        "b", "2024-02-29 1 55.00 55.00; 2024-03-01 1 60.00 60.00",
        "c", "2024-01-20 1 18.00 18.00; 2024-03-15 1 19.83 28.33"));

    new MetricsStage(t, Fixtures.options(Grain.MONTH, "2024-03-31"), "currency-metrics").run();
    Map<String, String> revenue = new TreeMap<>();
    t.read(Table.CUSTOMERS).collectAsList().forEach(c -> revenue.put(c.getAs(Columns.CUSTOMER_ID),
        c.<BigDecimal>getAs(MetricsColumns.NET_REVENUE).toPlainString()));
    assertThat(revenue).isEqualTo(Map.of("a", "122.32", "b", "115.00", "c", "37.83"));
    Map<String, String> kpis = new TreeMap<>();
    t.read(Table.RETENTION_KPIS).collectAsList().forEach(k -> kpis.put(k.getAs(MetricsColumns.PERIOD_START)
        .toString(), k.<BigDecimal>getAs(MetricsColumns.NET_REVENUE).toPlainString()));
    assertThat(kpis).isEqualTo(Map.of("2024-01-01", "118.00", "2024-02-01", "77.32", "2024-03-01", "79.83"));
    // silver keeps the original amounts and currencies (per-currency breakdowns)
    assertThat(t.read(Table.PURCHASES).filter("currency = 'GBP'").selectExpr("sum(amount)").first()
        .<BigDecimal>getAs(0)).isEqualByComparingTo("120.30");
  }

  @Test
  void changedRatesRebuildTheHubAndNewOrdersAreConvertedIncrementally() throws Exception {
    DeltaTables t = silver("currency-change", orders());
    CurrencyRates rates = new CurrencyRates(t, "EUR");
    rates.load(rates("currency-rates-2", RATES));
    assertThat(new CustomerState(t).refresh(false).mode()).isEqualTo(CustomerState.Mode.FULL);
    assertThat(new CustomerState(t).refresh(false).mode()).isEqualTo(CustomerState.Mode.UNCHANGED);

    append(t, List.of(purchase("b", "2024-03-20", "10.00", "GBP"))); // 10.00 x 1.20 = 12.00
    CustomerState.Refresh inc = new CustomerState(t).refresh(false);
    assertThat(inc.mode()).isEqualTo(CustomerState.Mode.INCREMENTAL);
    assertThat(hub(t).get("b")).isEqualTo("2024-02-29 1 55.00 55.00; 2024-03-01 1 60.00 60.00; "
        + "2024-03-20 1 12.00 12.00");

    // GBP's first rate corrected to 1.30: 10.15 x 1.30 = 13.195 -> 13.20 (half-even, the 9 rounds up), twice 26.40;
    // 50.00 x 1.30 = 65.00; the March GBP orders and USD are unchanged
    rates.load(rates("currency-rates-3", RATES.replace("GBP,2024-01-01,1.10", "GBP,2024-01-01,1.30")));
    CustomerState.Refresh rebuilt = new CustomerState(t).refresh(false);

    assertThat(rebuilt.mode()).isEqualTo(CustomerState.Mode.FULL);
    assertThat(rebuilt.reason()).startsWith("ops.currency_rates or the reporting currency changed since the state");
    assertThat(hub(t)).isEqualTo(Map.of(
        "a", "2024-01-10 1 100.00 100.00; 2024-02-15 2 26.40 26.40",
        "b", "2024-02-29 1 65.00 65.00; 2024-03-01 1 60.00 60.00; 2024-03-20 1 12.00 12.00",
        "c", "2024-01-20 1 18.00 18.00; 2024-03-15 1 19.83 28.33"));
    assertThat(new CustomerState(t).refresh(false).mode()).isEqualTo(CustomerState.Mode.UNCHANGED);
  }

  @Test
  void anOrderWithoutARateFailsTheRunNamingTheCurrencyAndTheEarliestDate() throws Exception {
    List<Row> rows = orders();
    rows.add(purchase("d", "2024-02-01", "5.00", "JPY"));
    rows.add(purchase("d", "2023-12-31", "5.00", "GBP"));
    DeltaTables t = silver("currency-missing", rows);
    new CurrencyRates(t, "EUR").load(rates("currency-rates-4", RATES));

    assertThatThrownBy(() -> new CustomerState(t).refresh(false)).isInstanceOf(CurrencyRates.MissingRate.class)
        .hasMessage("no GBP rate on or before 2023-12-31 in ops.currency_rates (reporting currency EUR): load rates "
            + "with `retention rates --file FILE` and run again");
    assertThat(t.exists(Table.CUSTOMER_ACTIVITY)).as("nothing summed, nothing written").isFalse();

    // a missing rate among new rows of an incremental run fails the same way (no fallback to a rebuild)
    DeltaTables inc = silver("currency-missing-inc", orders());
    new CurrencyRates(inc, "EUR").load(rates("currency-rates-5", RATES));
    new CustomerState(inc).refresh(false);
    long version = inc.version(Table.CUSTOMER_ACTIVITY);
    append(inc, List.of(purchase("e", "2024-03-02", "7.00", "CHF")));
    assertThatThrownBy(() -> new CustomerState(inc).refresh(false)).isInstanceOf(CurrencyRates.MissingRate.class)
        .hasMessageStartingWith("no CHF rate on or before 2024-03-02 in ops.currency_rates");
    assertThat(inc.version(Table.CUSTOMER_ACTIVITY)).isEqualTo(version);
  }

  @Test
  void withoutRatesOnlyTheReportingCurrencyIsAccepted() {
    List<Row> eur = List.of(purchase("a", "2024-01-10", "100.05", "EUR"), purchase("a", "2024-02-10", "0.01", "EUR"));
    DeltaTables t = silver("currency-none", eur);
    assertThat(new CustomerState(t).refresh(false).mode()).isEqualTo(CustomerState.Mode.FULL);
    assertThat(hub(t)).isEqualTo(Map.of("a", "2024-01-10 1 100.05 100.05; 2024-02-10 1 0.01 0.01"));

    DeltaTables gbp = silver("currency-none-gbp", List.of(purchase("a", "2024-01-10", "1.00", "GBP")));
    assertThatThrownBy(() -> new CustomerState(gbp).refresh(false)).isInstanceOf(CurrencyRates.MissingRate.class)
        .hasMessageStartingWith("no GBP rate on or before 2024-01-10 in ops.currency_rates");
  }
}
