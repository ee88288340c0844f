package io.retention.currency;

import static io.retention.schema.Columns.AMOUNT;
import static io.retention.schema.Columns.CURRENCY;
import static io.retention.schema.Columns.ORDER_DATE;
import static io.retention.schema.Columns.RATE;
import static io.retention.schema.Columns.VALID_FROM;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.when;

import io.retention.lake.DeltaTables;
import io.retention.lake.StampedIndex;
import io.retention.lake.Table;
import io.retention.pipeline.RunRow;
import io.retention.pipeline.StageResult;
import io.retention.schema.Schemas;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * Currency conversion of order amounts to the reporting currency with the rates of ops.currency_rates.
 *
 * <p>The rule: an amount in the reporting currency stays as it is (rate 1, no rate needed); any other amount is
 * multiplied by the rate of its currency with the latest valid_from on or before the order's order_date, and
 * rounded to cents half-even (banker's rounding), per order. An order whose currency has no such rate fails the
 * run ({@link MissingRate}): an amount is never summed unconverted.
 *
 * <p>The reporting currency is the Spark session setting {@value #REPORTING_CONF} (the command line sets it
 * from {@code retention.currency.reporting}; {@value #REPORTING_DEFAULT} when unset), so every refresh of the
 * hub, whichever command runs it, converts to the same currency. The rates table records the reporting currency
 * it was loaded for (table property {@value #REPORTING_PROPERTY}); a table loaded for another one is refused.
 *
 * <p>Cost: the rates table is small; each currency's rates become ranges [valid_from, next valid_from) and are
 * broadcast, so the conversion is a map-side join on currency (no shuffle of the orders).
 */
public final class CurrencyRates {
  public static final String REPORTING_CONF = "spark.retention.currency.reporting";
  /** The index of the table's source file and hash ({@link #loadReason}), relative to the warehouse. */
  static final String INDEX = "_ledger/rates.tsv";
  public static final String REPORTING_DEFAULT = "EUR";
  static final String REPORTING_PROPERTY = "retention.currency.reporting";
  static final String SOURCE_PROPERTY = "retention.currency.source";
  static final String SHA_PROPERTY = "retention.currency.sha256";
  static final String MISSING = " rate on or before ";
  private static final String VALID_TO = "valid_to";
  private static final String R = "_rate_";

  /** An order whose currency has no rate on or before its order date: the message is one line for the user. */
  public static final class MissingRate extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    MissingRate(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * What a load wrote.
   *
   * @param rates rows written (the reporting currency's own lines are not stored)
   * @param currencies distinct currencies
   * @param skipped true when nothing was written (the table already holds this file)
   */
  public record Loaded(String file, long rates, long currencies, String reporting, boolean skipped)
      implements StageResult {
    @Override
    public RunRow runRow() {
      return RunRow.of(rates, skipped ? 0 : rates, Map.of("currencies", currencies),
          (skipped ? "unchanged " : "") + "file=" + file + " reporting=" + reporting);
    }

    @Override
    public String summary() {
      return skipped ? Table.CURRENCY_RATES.qualifiedName() + " already holds " + file + ": nothing to load"
          : String.format(Locale.ROOT, "%d rates of %d currencies to %s from %s into %s", rates, currencies,
              reporting, file, Table.CURRENCY_RATES.qualifiedName());
    }
  }

  private final DeltaTables tables;
  private final String reporting;

  public CurrencyRates(DeltaTables tables) {
    this(tables, reportingCurrency(tables.spark()));
  }

  public CurrencyRates(DeltaTables tables, String reporting) {
    this.tables = tables;
    this.reporting = reporting;
  }

  /** The reporting currency of the session ({@value #REPORTING_CONF}, default {@value #REPORTING_DEFAULT}). */
  public static String reportingCurrency(SparkSession spark) {
    return spark.conf().get(REPORTING_CONF, REPORTING_DEFAULT);
  }

  public String reporting() {
    return reporting;
  }

  /**
   * Replaces ops.currency_rates with the rates of {@code file} (one commit; the table records the file, its
   * SHA-256 and the reporting currency).
   */
  public Loaded load(RatesFile file) {
    Timestamp now = Timestamp.from(Instant.now());
    String source = file.path().toAbsolutePath().normalize().toString();
    List<Row> rows = new ArrayList<>();
    for (RatesFile.Rate r : file.rates()) {
      rows.add(RowFactory.create(r.currency(), Date.valueOf(r.validFrom()), r.rate(), source, now));
    }
    Dataset<Row> ds = tables.spark().createDataFrame(rows, Schemas.CURRENCY_RATES).coalesce(1);
    tables.overwrite(Table.CURRENCY_RATES, ds);
    tables.setProperties(Table.CURRENCY_RATES, Map.of(REPORTING_PROPERTY, reporting, SOURCE_PROPERTY, source,
        SHA_PROPERTY, file.sha256()));
    return new Loaded(source, rows.size(), file.rates().stream().map(RatesFile.Rate::currency).distinct().count(),
        reporting, false);
  }

  /**
   * Why {@code nightly} should load its configured {@code file}: the table is missing, or it was loaded from this
   * same file and the file changed since (a table loaded from another file with {@code rates --file} is left
   * alone). Empty: nothing to load.
   */
  public Optional<String> loadReason(RatesFile file) {
    if (!tables.exists(Table.CURRENCY_RATES)) {
      return Optional.of(Table.CURRENCY_RATES.qualifiedName() + " does not exist yet");
    }
    // the table's source and hash, from its properties or, while it has had no commit since, from the index
    StampedIndex index = new StampedIndex(tables, INDEX, "retention-rates-v1", List.of(Table.CURRENCY_RATES));
    List<String> loaded = index.read().filter(l -> l.size() == 2).orElseGet(() -> {
      Map<String, String> p = tables.properties(Table.CURRENCY_RATES);
      List<String> l = List.of(p.getOrDefault(SOURCE_PROPERTY, ""), p.getOrDefault(SHA_PROPERTY, ""));
      index.write(l);
      return l;
    });
    String source = file.path().toAbsolutePath().normalize().toString();
    if (source.equals(loaded.get(0)) && !file.sha256().equals(loaded.get(1))) {
      return Optional.of(file.path() + " changed since it was loaded");
    }
    return Optional.empty();
  }

  /**
   * The rates' identity for the hub's watermark: the reporting currency and the table's id and version
   * ({@code EUR:none} without a table), so a reload or a change of the reporting currency rebuilds the hub. Also
   * refuses a table loaded for another reporting currency.
   */
  public String token() {
    if (!tables.exists(Table.CURRENCY_RATES)) {
      return reporting + ":none";
    }
    Row d = tables.delta(Table.CURRENCY_RATES).detail().select("id", "properties").first();
    Map<String, String> p = d.isNullAt(1) ? Map.of() : d.getJavaMap(1);
    String loadedFor = p.getOrDefault(REPORTING_PROPERTY, reporting);
    if (!loadedFor.equals(reporting)) {
      throw new IllegalStateException(Table.CURRENCY_RATES.qualifiedName() + " holds rates to " + loadedFor
          + " but the reporting currency is " + reporting + " (retention.currency.reporting): load rates to "
          + reporting + " with `retention rates --file FILE` and run again");
    }
    return reporting + ":" + d.getString(0) + "@" + tables.version(Table.CURRENCY_RATES);
  }

  /**
   * {@code orders} (silver.purchases columns) with {@code amount} in the reporting currency, every other column
   * as it was. Lazy: an order without a rate makes the job that computes it fail (a Spark error whose message
   * holds {@link #MISSING}); {@link #explain} turns that into a {@link MissingRate}.
   */
  public Dataset<Row> convert(Dataset<Row> orders) {
    Column isReporting = col(CURRENCY).equalTo(lit(reporting));
    Column missing = raise_error(concat(lit("no "), col(CURRENCY), lit(MISSING), col(ORDER_DATE).cast("string")));
    List<Column> out = new ArrayList<>();
    if (!tables.exists(Table.CURRENCY_RATES)) {
      for (String c : orders.columns()) {
        out.add(c.equals(AMOUNT) ? when(isReporting, col(AMOUNT)).otherwise(missing).as(AMOUNT) : col(c));
      }
      return orders.select(out.toArray(new Column[0]));
    }
    Dataset<Row> joined = orders.join(broadcast(ranges()), rateMatches(orders), "left");
    Column converted = bround(col(AMOUNT).multiply(col(R + RATE)), 2).cast(Schemas.MONEY);
    for (String c : orders.columns()) {
      out.add(c.equals(AMOUNT) ? when(isReporting, orders.col(AMOUNT))
          .when(col(R + RATE).isNotNull(), converted).otherwise(missing).as(AMOUNT) : orders.col(c));
    }
    return joined.select(out.toArray(new Column[0]));
  }

  /** Each currency's rates as ranges [valid_from, valid_to), valid_to null for the latest. */
  private Dataset<Row> ranges() {
    return tables.read(Table.CURRENCY_RATES)
        .select(col(CURRENCY).as(R + CURRENCY), col(VALID_FROM).as(R + VALID_FROM),
            lead(col(VALID_FROM), 1).over(Window.partitionBy(col(CURRENCY)).orderBy(col(VALID_FROM))).as(R + VALID_TO),
            col(RATE).as(R + RATE));
  }

  private static Column rateMatches(Dataset<Row> orders) {
    Column day = orders.col(ORDER_DATE);
    return orders.col(CURRENCY).equalTo(col(R + CURRENCY)).and(col(R + VALID_FROM).leq(day))
        .and(col(R + VALID_TO).isNull().or(day.lt(col(R + VALID_TO))));
  }

  /**
   * {@code failure} (from a job over {@link #convert}ed {@code orders}) as a {@link MissingRate} naming the
   * earliest order date without a rate (first currency by name on that day), when that is what failed;
   * {@code failure} itself otherwise.
   */
  public RuntimeException explain(RuntimeException failure, Dataset<Row> orders) {
    boolean missingRate = false;
    for (Throwable t = failure; t != null && !missingRate; t = t.getCause() == t ? null : t.getCause()) {
      missingRate = String.valueOf(t.getMessage()).contains(MISSING);
    }
    if (!missingRate) {
      return failure;
    }
    Dataset<Row> withRate = tables.exists(Table.CURRENCY_RATES)
        ? orders.join(broadcast(ranges()), rateMatches(orders), "left").filter(col(R + RATE).isNull())
        : orders;
    List<Row> first = withRate.filter(col(CURRENCY).notEqual(lit(reporting)).or(col(CURRENCY).isNull()))
        .groupBy(orders.col(CURRENCY)).agg(min(orders.col(ORDER_DATE)).as("d"))
        .orderBy(col("d"), col(CURRENCY)).limit(1).collectAsList();
    if (first.isEmpty()) {
      return failure;
    }
    return new MissingRate("no " + first.get(0).getString(0) + MISSING + first.get(0).getDate(1) + " in "
        + Table.CURRENCY_RATES.qualifiedName() + " (reporting currency " + reporting + "): load rates with "
        + "`retention rates --file FILE` and run again", failure);
  }
}
