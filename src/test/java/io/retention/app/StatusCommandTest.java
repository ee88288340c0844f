package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retention.lake.DeltaTables;
import io.retention.lake.NightRun;
import io.retention.lake.RunLog;
import io.retention.lake.StageRun;
import io.retention.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code status} on a hand-built ops.runs: an ok night, then a night that failed at clv. */
class StatusCommandTest {
  private static final String OK_NIGHT = "nightly-aaaa1111-2222-3333-4444-555566667777";
  private static final String FAILED_NIGHT = "nightly-bbbb1111-2222-3333-4444-555566667777";
  private static final String CLV_ERROR = "BG/NBD fit did not converge after 200 iterations (r=0.24, "
      + "alpha=4.41, a=0.79, b=2.43): check the calibration data in silver.purchases";

  /** A row of ops.runs from {@code from} to {@code to} (ISO instants). */
  private static StageRun row(String runId, String stage, String status, String from, String to, long in,
      long out, String message) {
    return new StageRun(runId, stage, status, Instant.parse(from), Instant.parse(to), in, out, 0, 0, Map.of(),
        message);
  }

  private static String ledger(String computedBy) {
    return "fingerprint=" + "f".repeat(64) + " outputs=" + "0".repeat(64) + " computed_by=" + computedBy;
  }

  /**
   * The rows a nightly writes today: every stage records its own row under its own run id, and the nightly adds
   * a ledger row nightly:stage (ok or skipped) under its id around it; report writes no row of its own.
   */
  static List<StageRun> okNight() {
    return List.of(
        row("ingest-0123456789abcdef", "ingest", "ok", "2026-12-04T02:30:00Z", "2026-12-04T02:31:33.200Z",
            3241, 3196, "3241 records = 3196 accepted + 42 quarantined + 3 duplicates (balanced)"),
        row(OK_NIGHT, "nightly:metrics", "ok", "2026-12-04T02:31:40Z", "2026-12-04T02:31:52Z", 0, 0,
            ledger(OK_NIGHT)),
        row("metrics-9f8e7d6c-0000-0000-0000-000000000000", "metrics", "ok", "2026-12-04T02:31:41Z",
            "2026-12-04T02:31:51Z", 3196, 600, null),
        row(OK_NIGHT, "nightly:clv", "skipped", "2026-12-04T02:31:52Z", "2026-12-04T02:31:53Z", 0, 0,
            ledger("nightly-99998888-2222-3333-4444-555566667777") + " unchanged"),
        row("5e4d3c2b-0000-0000-0000-000000000000", "train-churn", "ok", "2026-12-04T02:31:54Z",
            "2026-12-04T02:34:18Z", 3000, 1000, null),
        row(OK_NIGHT, "nightly:report", "ok", "2026-12-04T02:34:20Z", "2026-12-04T02:35:20Z", 0, 0,
            ledger(OK_NIGHT)));
  }

  /** The next night: ingest and metrics ran, clv failed (its own failed row; no ledger row follows). */
  static List<StageRun> failedNight() {
    return List.of(
        row("ingest-fedcba9876543210", "ingest", "ok", "2026-12-05T02:30:00Z", "2026-12-05T02:30:20Z", 120, 118,
            null),
        row(FAILED_NIGHT, "nightly:metrics", "ok", "2026-12-05T02:30:30Z", "2026-12-05T02:30:42.500Z", 0, 0,
            ledger(FAILED_NIGHT)),
        row("metrics-11112222-0000-0000-0000-000000000000", "metrics", "ok", "2026-12-05T02:30:31Z",
            "2026-12-05T02:30:42Z", 118, 601, null),
        row("3f2a1b0c-0000-0000-0000-000000000000", "clv", "failed", "2026-12-05T02:30:43Z",
            "2026-12-05T02:30:46.100Z", 0, 0, CLV_ERROR));
  }

  private static StatusCommand command(String... args) {
    StatusCommand cmd = new StatusCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd;
  }

  private static String run(StatusCommand cmd) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    cmd.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    JobConfig config = cmd.common.load();
    cmd.validate(config);
    assertThat(cmd.run(config, SharedSpark.get())).isZero();
    return buf.toString(StandardCharsets.UTF_8);
  }

  private static String bothNights;

  /** One warehouse with both nights, written once (one commit) for the tests that read it. */
  private static synchronized String warehouseWithBothNights() {
    if (bothNights != null) {
      return bothNights;
    }
    String wh = SharedSpark.tempDir("status").resolve("wh").toString();
    List<StageRun> rows = new ArrayList<>(okNight());
    rows.addAll(failedNight());
    // a standalone metrics run hours before the failed night is not part of it
    rows.add(row("metrics-77778888-0000-0000-0000-000000000000", "metrics", "ok", "2026-12-04T22:00:00Z",
        "2026-12-04T22:00:30Z", 118, 600, null));
    new RunLog(new DeltaTables(SharedSpark.get(), wh)).recordAll(rows);
    bothNights = wh;
    return wh;
  }

  @Test
  void theLastNightFailedAtClvWithItsMessage() {
    String wh = warehouseWithBothNights();
    String text = run(command("--warehouse", wh));
    assertThat(text.lines().toList()).containsExactly(
        "last nightly nightly-bbbb1111 on 2026-12-05T02:30:00Z: failed at stage clv: BG/NBD fit did not",
        "  converge after 200 iterations (r=0.24, alpha=4.41, a=0.79, b=2.43): check the calibration data in",
        "  silver.purchases",
        "  stage        status         time   rows in  rows out  note",
        "  ingest       ok           20.0 s       120       118",
        "  metrics      ok           12.5 s       118       601",
        "  clv          failed        3.1 s         -         -  see above");
  }

  @Test
  void runsListsTheLatestStageRunsInOneHundredColumns() {
    String wh = warehouseWithBothNights();
    List<String> lines = run(command("--warehouse", wh, "--runs", "3")).lines().toList();
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(100));
    assertThat(lines.subList(lines.indexOf("") + 1, lines.size())).containsExactly(
        "latest stage runs, newest first (times in UTC):",
        "started          stage                status        time   rows in  rows out  run",
        "2026-12-05 02:30 clv                  failed       3.1 s         0         0  3f2a1b0c",
        "    BG/NBD fit did not converge after 200 iterations (r=0.24, alpha=4.41, a=0.79, b=2.43): check th…",
        "2026-12-05 02:30 metrics              ok          11.0 s       118       601  metrics-11112222",
        "2026-12-05 02:30 nightly:metrics      ok          12.5 s         0         0  nightly-bbbb1111");
    // the old option name still works
    assertThat(run(command("--warehouse", wh, "--last", "3"))).isEqualTo(String.join("\n", lines) + "\n");
  }

  @Test
  void jsonIsOneObjectWithTheNightAndItsStages() throws Exception {
    String wh = warehouseWithBothNights();
    String out = run(command("--warehouse", wh, "--json"));
    assertThat(out.lines()).hasSize(1);
    JsonNode j = new ObjectMapper().readTree(out);
    assertThat(j.get("warehouse").asText()).isEqualTo(wh);
    JsonNode n = j.get("last_nightly");
    assertThat(n.get("run_id").asText()).isEqualTo(FAILED_NIGHT);
    assertThat(n.get("status").asText()).isEqualTo("failed");
    assertThat(n.get("failed_stage").asText()).isEqualTo("clv");
    assertThat(n.get("message").asText()).isEqualTo(CLV_ERROR);
    assertThat(n.get("started_at").asText()).isEqualTo("2026-12-05T02:30:00Z");
    assertThat(n.get("finished_at").asText()).isEqualTo("2026-12-05T02:30:46.100Z");
    assertThat(n.get("stages").findValuesAsText("stage")).containsExactly("ingest", "metrics", "clv");
    assertThat(n.get("stages").get(1).get("rows_out").asLong()).isEqualTo(601);
    assertThat(n.get("stages").get(1).get("duration_ms").asLong()).isEqualTo(12_500);
    assertThat(j.get("failed_since")).isEmpty();
    assertThat(j.get("runs")).isEmpty();
  }

  @Test
  void anOkNightIsOneLineThenItsStages() {
    NightRun night = NightRun.of(OK_NIGHT, okNight());
    List<String> lines = new StatusReport("wh", ZoneId.of("Europe/Berlin"), night, List.of(), List.of()).lines();
    assertThat(lines).containsExactly(
        "last nightly nightly-aaaa1111 on 2026-12-04T03:30:00+01:00: ok (5 min 20 s)",
        "  stage        status         time   rows in  rows out  note",
        "  ingest       ok           93.2 s      3241      3196",
        "  metrics      ok           12.0 s      3196       600",
        "  clv          skipped       1.0 s         -         -  unchanged since nightly-99998888",
        "  train-churn  ok       2 min 24 s      3000      1000",
        "  report       ok           60.0 s         -         -");
  }

  @Test
  void aNightWhoseStagesRecordUnderItsOwnIdFailsAtTheFailedRow() {
    String id = "nightly-cccc1111-2222-3333-4444-555566667777";
    NightRun night = NightRun.of(id, List.of(
        row(id, "ingest", "ok", "2026-12-06T02:30:00Z", "2026-12-06T02:30:10Z", 5, 5, null),
        row(id, "nightly:ingest", "ok", "2026-12-06T02:30:00Z", "2026-12-06T02:30:11Z", 0, 0, ledger(id)),
        row("ingest-0000000000000000", "ingest", "ok", "2026-12-06T02:30:01Z", "2026-12-06T02:30:02Z", 9, 9, null),
        row(id, "nightly:clv", "failed", "2026-12-06T02:30:12Z", "2026-12-06T02:30:15Z", 0, 0, "no purchases")));
    assertThat(night.status()).isEqualTo(NightRun.FAILED);
    assertThat(night.failedStage()).isEqualTo("clv");
    assertThat(night.message()).isEqualTo("no purchases");
    assertThat(night.stages()).extracting(NightRun.Stage::name, NightRun.Stage::rowsOut)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("ingest", 5L),
            org.assertj.core.groups.Tuple.tuple("clv", 0L));
  }

  @Test
  void failedRunsAfterTheLastNightAreListed() {
    StageRun later = row("ingest-0000000000000000", "ingest", "failed", "2026-12-06T02:30:00Z",
        "2026-12-06T02:30:05Z", 0, 0, "cannot read /data/landing: Permission denied");
    List<String> lines = new StatusReport("wh", ZoneId.of("UTC"), NightRun.of(OK_NIGHT, okNight()),
        List.of(later), List.of()).lines();
    assertThat(lines.subList(lines.size() - 2, lines.size())).containsExactly(
        "failed since: ingest on 2026-12-06T02:30:00Z (run ingest-00000000): cannot read /data/landing:",
        "  Permission denied");
  }

  @Test
  void aHeldNightSaysWhichGateAndHowToGoOn() throws Exception {
    io.retention.quality.GateResult fail = new io.retention.quality.GateResult("quarantine_rate", "quarantine_rate",
        0.6, 0.2, null, "fail", "fail", "quarantine_rate 0.6 > 0.2");
    io.retention.quality.GateResult pass = new io.retention.quality.GateResult("files_set_aside", "files_set_aside",
        0, 0.0, null, "warn", "pass", "files_set_aside 0; trips when > 0");
    io.retention.quality.QualityLog.Check check = new io.retention.quality.QualityLog.Check(OK_NIGHT,
        List.of("ingest-1"), java.time.Instant.parse("2026-12-06T02:31:00Z"), 10, 0.6, 0, "fail",
        List.of(fail, pass), null, null);
    StatusReport held = new StatusReport("wh", ZoneId.of("UTC"), NightRun.of(OK_NIGHT, okNight()), List.of(),
        List.of(), check, true);
    List<String> lines = held.lines();
    assertThat(lines.subList(lines.size() - 2, lines.size())).containsExactly(
        "gates: HELD since 2026-12-06T02:31:00Z: quarantine_rate: quarantine_rate 0.6 > 0.2. Nothing is",
        "  published until nightly --accept-gates");
    com.fasterxml.jackson.databind.JsonNode g = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(held.json()).get("gates");
    assertThat(g.get("held").asBoolean()).isTrue();
    assertThat(g.get("outcome").asText()).isEqualTo("fail");
    assertThat(g.get("tripped").get(0).asText()).isEqualTo("quarantine_rate: quarantine_rate 0.6 > 0.2");

    io.retention.quality.QualityLog.Check ok = new io.retention.quality.QualityLog.Check(OK_NIGHT,
        List.of("ingest-2"), java.time.Instant.parse("2026-12-06T02:31:00Z"), 3241, 0.0139, 12, "pass",
        List.of(pass), null, null);
    assertThat(new StatusReport("wh", ZoneId.of("UTC"), null, List.of(), List.of(), ok, false).lines())
        .contains("gates: pass on 2026-12-06T02:31:00Z (3241 records, 1.39 % quarantined, 12 new customers)");
  }

  @Test
  void withoutRunsItSaysSo(@TempDir Path dir) {
    assertThat(run(command("--warehouse", dir.toString()))).isEqualTo(
        "no nightly recorded under " + dir + " yet" + System.lineSeparator());
  }

  @Test
  void runsMustBePositive() {
    StatusCommand cmd = command("--runs", "0");
    assertThatThrownBy(() -> cmd.validate(cmd.common.load())).isInstanceOf(ConfigException.class)
        .hasMessage("--runs must be at least 1, cannot be: 0");
  }
}
