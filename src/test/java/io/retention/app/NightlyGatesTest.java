package io.retention.app;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.pipeline.StageContext;
import io.retention.quality.GateFailure;
import io.retention.quality.GateResult;
import io.retention.quality.QualityGates;
import io.retention.quality.QualityLog;
import io.retention.schema.Columns;
import io.retention.testing.JobCounter;
import io.retention.testing.SharedSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three nights with 2 % of their records quarantined, then a night with 12 %: below the absolute bound (20 %) but
 * above 3 × the recent median, so the nightly stops at its gates with exit code 3 and publishes nothing; the next
 * nightly stays held (it does not even ingest) until the night is accepted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NightlyGatesTest {
  static SparkSession spark;
  static Path root;
  static Path landing;
  static JobConfig config;
  static DeltaTables tables;
  static GateFailure failed;

  @BeforeAll
  static void threeQuietNights() throws Exception {
    spark = SharedSpark.get();
    root = SharedSpark.tempDir("gates");
    landing = Files.createDirectories(root.resolve("landing"));
    config = JobConfig.load(null, Map.of("shufflePartitions", "2", "export.dir", root.resolve("exports").toString(),
        "report.dir", root.resolve("reports").toString())).withWarehouse(root.resolve("wh").toString());
    tables = new DeltaTables(spark, config.warehouse());
    for (int night = 1; night <= 3; night++) {
      night(night, 1);
      IngestCommand ingest = new IngestCommand();
      ingest.input = landing.toString();
      ingest.validate(config);
      StageContext ctx = StageContext.forCommand(tables, "ingest", null, System.err);
      ingest.execute(config, ctx);
      QualityGates.Checked c = new QualityGates(ctx, config.gates()).run();
      assertThat(c.outcome()).as("night " + night).isEqualTo(GateResult.PASS);
      assertThat(c.night().quarantineRate()).isEqualTo(0.02);
    }
  }

  /** Night {@code n}: 50 orders of 25 customers on 2024-03-0n, {@code bad} of them with an amount of "abc". */
  static void night(int n, int bad) throws IOException {
    StringBuilder csv = new StringBuilder("order_id,customer_id,order_ts,amount,currency,quantity,kind,channel\n");
    for (int i = 0; i < 50; i++) {
      csv.append("N").append(n).append('-').append(i).append(",c").append(i % 25 + (n == 4 ? 100 : 0))
          .append(",2024-03-0").append(n).append("T10:00:00Z,").append(i < bad ? "abc" : "12.50")
          .append(",EUR,1,purchase,web\n");
    }
    Files.writeString(landing.resolve("night-" + n + ".csv"), csv, StandardCharsets.UTF_8);
  }

  static NightlyCommand nightly(String... args) {
    NightlyCommand n = new NightlyCommand();
    new picocli.CommandLine(n).parseArgs(args);
    n.input = landing.toString();
    n.validate(config);
    return n;
  }

  static List<String> stagesOfLastRun() {
    Row last = tables.read(Table.RUNS).where(col(Columns.RUN_ID).startsWith("nightly-"))
        .orderBy(col(Columns.STARTED_AT).desc()).first();
    return tables.read(Table.RUNS).where(col(Columns.RUN_ID).equalTo(last.getString(0)))
        .orderBy(Columns.STARTED_AT).collectAsList().stream().map(r -> r.getString(1) + " " + r.getString(2))
        .toList();
  }

  @Test
  @Order(1)
  void aNightFarAboveTheRecentQuarantineRateFailsItsGateAndPublishesNothing() throws Exception {
    night(4, 6);
    NightlyCommand n = nightly();
    assertThatThrownBy(() -> n.run(config, spark)).isInstanceOfSatisfying(GateFailure.class, e -> failed = e)
        .hasMessageStartingWith("quality gate quarantine_rate_vs_recent failed: quarantine_rate 0.12 > 0.06 "
            + "(median of the last 3 nights: 0.02); nothing was published");
    assertThat(Main.failure(failed, false)).isEqualTo(Main.GATE_FAILED);

    assertThat(stagesOfLastRun()).containsExactly("ingest ok", "gates failed");
    for (Table t : List.of(Table.CUSTOMER_ACTIVITY, Table.CUSTOMERS, Table.COHORT_RETENTION, Table.CUSTOMER_CLV,
        Table.CHURN_SCORES)) {
      assertThat(tables.exists(t)).as(t.qualifiedName()).isFalse();
    }
    assertThat(root.resolve("exports")).doesNotExist();
    assertThat(root.resolve("reports")).doesNotExist();

    List<QualityLog.Check> checks = new QualityLog(tables).checks();
    assertThat(checks).hasSize(4);
    QualityLog.Check last = checks.get(3);
    assertThat(last.outcome()).isEqualTo(GateResult.FAIL);
    assertThat(last.records()).isEqualTo(50);
    assertThat(last.newCustomers()).as("c100..c124 were never seen; the state does not exist yet").isEqualTo(25);
    assertThat(last.tripped()).containsExactly("quarantine_rate_vs_recent: quarantine_rate 0.12 > 0.06 "
        + "(median of the last 3 nights: 0.02)");
  }

  @Test
  @Order(2)
  void theNextNightlyStaysHeldAndIngestsNothingUntilTheNightIsAccepted() throws Exception {
    night(5, 0);
    long ingested = tables.read(Table.INGESTED_FILES).count();
    NightlyCommand n = nightly();
    assertThatThrownBy(() -> n.run(config, spark)).isInstanceOf(GateFailure.class)
        .hasMessageContaining("held: the gates failed on")
        .hasMessageContaining("quarantine_rate_vs_recent: quarantine_rate 0.12 > 0.06")
        .hasMessageEndingWith("nothing is published until an operator runs nightly --accept-gates");
    assertThat(stagesOfLastRun()).containsExactly("gates failed");
    assertThat(tables.read(Table.INGESTED_FILES).count()).as("night-5.csv not ingested").isEqualTo(ingested);

    QualityLog log = new QualityLog(tables);
    List<QualityLog.Check> held = log.held();
    assertThat(held).hasSize(1);
    StageContext ctx = StageContext.forCommand(tables, "nightly", null, System.err);
    QualityGates.accept(ctx, held, "operator-x");
    log = new QualityLog(tables); // a log is a view for one stage run: read again
    assertThat(log.held()).isEmpty();
    QualityLog.Check accepted = log.checks().get(4);
    assertThat(accepted.outcome()).isEqualTo(QualityLog.ACCEPTED);
    assertThat(accepted.acceptedBy()).isEqualTo("operator-x");
    assertThat(accepted.acceptedAt()).isNotNull();
    assertThat(accepted.ingestRunIds()).isEqualTo(held.get(0).ingestRunIds());
    // the accepted night does not count twice among the nights a median is taken over
    assertThat(log.history(14)).hasSize(4);
  }

  @Test
  @Order(3)
  void onceANightIsCheckedTheGatesReadNoTableUntilIngestRecordsAnotherRun() throws Exception {
    StageContext ctx = StageContext.forCommand(tables, "ingest", null, System.err);
    IngestCommand ingest = new IngestCommand();
    ingest.input = landing.toString();
    ingest.validate(config);
    ingest.execute(config, ctx); // night-5.csv, held back in test 2
    assertThat(new QualityLog(tables).knownClear()).isFalse();
    QualityGates.Checked five = new QualityGates(ctx, config.gates()).run();
    assertThat(five.night().records()).isEqualTo(50);
    assertThat(new QualityLog(tables).knownClear()).as("checked, passed, nothing held").isTrue();
    try (JobCounter jobs = JobCounter.start(spark)) {
      QualityGates.Checked idle = new QualityGates(ctx, config.gates()).run();
      assertThat(idle.night()).isNull();
      assertThat(new QualityLog(tables).knownClear()).isTrue();
      assertThat(jobs.drain()).as("Spark jobs of a check with no new ingest run").isZero();
    }
    night(6, 0);
    ingest.execute(config, ctx);
    assertThat(new QualityLog(tables).knownClear()).as("ops.ingested_files has another commit").isFalse();
    assertThat(new QualityGates(ctx, config.gates()).run().night().records()).isEqualTo(50);
  }
}
