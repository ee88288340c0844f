package io.retention.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.lake.DeltaTables;
import io.retention.lake.SessionSettings;
import io.retention.lake.Table;
import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import io.retention.testing.JobCounter;
import io.retention.testing.SharedSpark;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The incremental metrics path (gold.customer_activity merged from silver's change data feed) gives the same
 * tables as a full build: generated orders are split into a first batch and a later one that holds new days,
 * new customers and late-arriving rows (order dates before days already processed, some before the customer's
 * first purchase, which moves the cohort and the breakdown value). Every gold metrics table and the state itself
 * are compared whole, for month and week grains and with a breakdown.
 */
class IncrementalMetricsTest {
  static final List<Table> GOLD = List.of(Table.CUSTOMERS, Table.COHORT_RETENTION, Table.COHORT_RETENTION_ALL,
      Table.ROLLING_RETENTION, Table.RETENTION_KPIS, Table.PURCHASE_GAPS);
  static final LocalDate START = LocalDate.of(2024, 1, 1);
  static final int DAYS = 150;
  static final int SPLIT_DAY = 120;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SharedSpark.get();
  }

  /** Orders of 30 customers over 150 days (refunds, same-day orders, three countries), seeded. */
  static List<Row> orders() {
    Random rnd = new Random(7);
    String[] countries = {"DE", "FR", "UK"};
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < 30; c++) {
      int n = 1 + rnd.nextInt(8);
      for (int i = 0; i < n; i++) {
        LocalDate d = START.plusDays(rnd.nextInt(DAYS));
        boolean refund = rnd.nextInt(7) == 0;
        String amount = (refund ? "-" : "") + (1 + rnd.nextInt(300)) + "." + (10 + rnd.nextInt(90));
        String ts = d + "T" + String.format("%02d:%02d:00Z", rnd.nextInt(24), rnd.nextInt(60));
        rows.add(Fixtures.order("c" + c, ts, d.toString(), amount,
            refund ? Columns.KIND_REFUND : Columns.KIND_PURCHASE, Map.of("Country", countries[rnd.nextInt(3)])));
      }
    }
    return rows;
  }

  /** Later batch: every order after the split day, a quarter of the earlier ones (late) and customers c25+. */
  static boolean later(Row r, int index) {
    LocalDate d = r.getDate(3).toLocalDate();
    return !d.isBefore(START.plusDays(SPLIT_DAY)) || index % 4 == 0 || r.getString(1).compareTo("c25") >= 0
        && r.getString(1).length() == 3;
  }

  /** The first batch of {@code all} (in order), or with {@code later} the later one ({@link #later}). */
  static List<Row> batch(List<Row> all, boolean later) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (later(all.get(i), i) == later) {
        out.add(all.get(i));
      }
    }
    return out;
  }

  private static DeltaTables silverWithChangeFeed(String name) {
    DeltaTables t = new DeltaTables(spark, SharedSpark.tempDir(name).toString());
    t.createIfNotExists(Table.PURCHASES, Schemas.PURCHASES);
    t.ensureProperty(Table.PURCHASES, "delta.enableChangeDataFeed", "true");
    return t;
  }

  /** Appends like ingest does: an insert-only MERGE on order_id. */
  private static void ingest(DeltaTables t, List<Row> rows) {
    t.delta(Table.PURCHASES).as("t").merge(Fixtures.purchases(rows).as("s"), "t.order_id = s.order_id")
        .whenNotMatched().insertAll().execute();
  }

  @Test
  void incrementalRunsGiveTheTablesOfAFullBuild() throws Exception {
    List<Row> all = orders();
    List<Row> first = batch(all, false);
    List<Row> second = batch(all, true);
    assertThat(second.stream().anyMatch(r -> r.getDate(3).toLocalDate().isBefore(START.plusDays(SPLIT_DAY))))
        .as("the later batch has late-arriving rows").isTrue();

    DeltaTables full = silverWithChangeFeed("metrics-full");
    ingest(full, all);
    DeltaTables inc = silverWithChangeFeed("metrics-inc");
    ingest(inc, first);
    MetricsStage.Options month = MetricsStage.Options.defaults().withActiveWindowDays(30);
    MetricsStage.Result before = new MetricsStage(inc, month, "inc-1").run();
    assertThat(before.state().mode()).isEqualTo(CustomerState.Mode.FULL);
    ingest(inc, second);

    for (MetricsStage.Options o : List.of(month, month.withGrain(Grain.WEEK), month.withBreakdown("Country"))) {
      MetricsStage.Result f = new MetricsStage(full, o, "full").run();
      MetricsStage.Result i = new MetricsStage(inc, o, "inc").run();
      if (o == month) {
        assertThat(i.state().mode()).isEqualTo(CustomerState.Mode.INCREMENTAL);
        assertThat(i.state().rowsRead()).isEqualTo(second.size());
        assertThat(before.state().latestPurchase()).isEqualTo(latestPurchase(first));
        assertThat(i.state().latestPurchase()).isEqualTo(latestPurchase(all)).isAfter(latestPurchase(first));
      } else {
        assertThat(i.state().mode()).isEqualTo(CustomerState.Mode.UNCHANGED);
      }
      assertThat(i.options().asOf()).isEqualTo(f.options().asOf());
      for (Table t : GOLD) {
        SharedSpark.assertSameRows(full.read(t), inc.read(t));
      }
      SharedSpark.assertSameRows(comparable(full.read(Table.CUSTOMER_ACTIVITY)),
          comparable(inc.read(Table.CUSTOMER_ACTIVITY)));
    }
    long commits = inc.delta(Table.CUSTOMER_ACTIVITY).history().count();
    assertThat(commits).as("full build + one merge").isEqualTo(2);
    // deletion vectors: the merge wrote the affected customers' rows only, it copied no unchanged state row
    Row last = inc.delta(Table.CUSTOMER_ACTIVITY).history(1).first();
    Map<String, String> merge = last.getJavaMap(last.fieldIndex("operationMetrics"));
    assertThat(merge).containsEntry("numTargetRowsCopied", "0").containsKey("numTargetDeletionVectorsAdded");
    assertThat(Long.parseLong(merge.get("numTargetDeletionVectorsAdded"))).isPositive();
    assertThat(new MetricsStage(inc, month, "again").run().state().mode()).isEqualTo(CustomerState.Mode.UNCHANGED);
    assertThat(inc.delta(Table.CUSTOMER_ACTIVITY).history().count()).isEqualTo(commits);
    CustomerState.Refresh forced = new MetricsStage(inc, month, "forced", true).run().state();
    assertThat(forced.mode()).isEqualTo(CustomerState.Mode.FULL);
    assertThat(forced.reason()).isEqualTo("full rebuild asked for");
    assertThat(forced.rowsRead()).isEqualTo(all.size());
    // asked again with nothing committed since: the hub's index answers, no table is opened
    try (JobCounter jobs = JobCounter.start(spark)) {
      CustomerState.Refresh again = new CustomerState(inc).refresh(false);
      assertThat(jobs.drain()).as("Spark jobs of an unchanged check").isZero();
      assertThat(again.mode()).isEqualTo(CustomerState.Mode.UNCHANGED);
      assertThat(again.silverVersion()).isEqualTo(forced.silverVersion());
      assertThat(again.latestPurchase()).isEqualTo(latestPurchase(all));
    }
  }

  @Test
  void withoutAChangeFeedTheStateIsRebuiltWithTheReason() {
    List<Row> all = orders();
    DeltaTables t = new DeltaTables(spark, SharedSpark.tempDir("metrics-nocdf").toString());
    t.createIfNotExists(Table.PURCHASES, Schemas.PURCHASES);
    ingest(t, all.subList(0, 40));
    MetricsStage.Options o = MetricsStage.Options.defaults();
    new MetricsStage(t, o, "1").run();
    ingest(t, all.subList(40, all.size()));
    CustomerState.Refresh r = new MetricsStage(t, o, "2").run().state();
    assertThat(r.mode()).isEqualTo(CustomerState.Mode.FULL);
    assertThat(r.reason()).startsWith("change data feed of silver.purchases unreadable: ");
    assertThat(r.rowsRead()).isEqualTo(all.size());
    DeltaTables ref = silverWithChangeFeed("metrics-nocdf-ref");
    ingest(ref, all);
    new MetricsStage(ref, o, "ref").run();
    for (Table g : GOLD) {
      SharedSpark.assertSameRows(ref.read(g), t.read(g));
    }
  }

  @Test
  void aWatermarkWithoutTheLatestPurchaseDayIsCompletedFromTheStateOnTheNextMerge() {
    List<Row> all = orders();
    List<Row> first = batch(all, false);
    List<Row> second = batch(all, true);
    DeltaTables t = silverWithChangeFeed("metrics-old-watermark");
    ingest(t, first);
    MetricsStage.Options o = MetricsStage.Options.defaults();
    new MetricsStage(t, o, "1").run();
    // a state written before the watermark carried the day: a commit whose watermark has only silver's id/version
    CustomerState.Watermark mark = new CustomerState(t).watermark().orElseThrow();
    assertThat(mark.latestPurchase()).isEqualTo(latestPurchase(first));
    // (the rates it was converted with kept: only the day is missing)
    String old = new CustomerState.Watermark(mark.silverId(), mark.silverVersion(), null, mark.rates()).text();
    assertThat(old).doesNotContain("latest_purchase");
    SessionSettings.with(spark, Map.of("spark.databricks.delta.commitInfo.userMetadata", old),
        () -> t.ensureProperty(Table.CUSTOMER_ACTIVITY, "test.mark", "old"));
    assertThat(new CustomerState(t).watermark().orElseThrow().latestPurchase()).isNull();

    ingest(t, second);
    MetricsStage.Result r = new MetricsStage(t, o, "2").run();
    assertThat(r.state().mode()).isEqualTo(CustomerState.Mode.INCREMENTAL);
    assertThat(r.state().latestPurchase()).isEqualTo(latestPurchase(all));
    assertThat(r.options().asOf()).isEqualTo(latestPurchase(all));
    assertThat(new CustomerState(t).watermark().orElseThrow().latestPurchase()).isEqualTo(latestPurchase(all));
  }

  /** The latest order_date of a purchase among {@code rows}, in plain Java (DESIGN §9's default as-of date). */
  private static LocalDate latestPurchase(List<Row> rows) {
    return rows.stream().filter(r -> Columns.KIND_PURCHASE.equals(r.getString(7)))
        .map(r -> r.getDate(3).toLocalDate()).max(LocalDate::compareTo).orElseThrow();
  }

  /** The state with its map column as a sorted array (maps cannot be compared). */
  private static Dataset<Row> comparable(Dataset<Row> state) {
    return state.selectExpr(Columns.CUSTOMER_ID, CustomerActivity.ACTIVITY, CustomerActivity.FIRST_PURCHASE,
        "array_sort(map_entries(" + CustomerActivity.FIRST_ATTRIBUTES + ")) AS a");
  }
}
