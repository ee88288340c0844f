package io.retention.app;

import io.retention.churn.ModelRegistry;
import io.retention.export.AtRiskExport;
import io.retention.ingest.ProfileException;
import io.retention.ingest.SourceProfile;
import io.retention.lake.DeltaTables;
import io.retention.lake.FaultInjection;
import io.retention.lake.Housekeeping;
import io.retention.lake.LatestPurchase;
import io.retention.lake.StageLedger;
import io.retention.lake.StageRun;
import io.retention.lake.Table;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nightly}: every stage in order, in one Spark session, under the warehouse lock: ingest (only files
 * not yet ingested) → metrics → clv → train-churn (when no model, a model older than churn.maxModelAgeDays,
 * or --retrain) → score-churn → export → report. The first failing stage stops the run with a non-zero exit
 * naming it.
 *
 * <p>Idempotent for a date: the as-of date is resolved once after ingest and pinned for every stage. A stage
 * whose options, input and output table versions and output files are all as its last nightly run left them
 * is skipped ("unchanged since run X"), so a second nightly on the same data commits nothing to the data
 * tables and rewrites no file; {@code --force} recomputes. Every stage's table versions go to ops.runs through
 * {@link StageLedger}. A run killed at any point recomputes on restart what it had not recorded as complete.
 */
@Command(name = "nightly", mixinStandardHelpOptions = true,
    description = "Run every stage: ingest new files, metrics, clv, churn (retrain as configured), export, report.")
public final class NightlyCommand extends SparkCommand {
  /** Tables ingest writes: every later stage depends on them. */
  static final Set<Table> INGEST_TABLES = EnumSet.of(Table.PURCHASE_EVENTS, Table.PURCHASES, Table.QUARANTINE,
      Table.INGESTED_FILES);

  @Option(names = "--date", paramLabel = "DATE",
      description = "As-of date (yyyy-mm-dd) of every stage. Default: the latest purchase order_date.")
  String date;

  @Option(names = "--input", paramLabel = "PATH", description = "Landing folder. Default: retention.input.")
  String input;

  @Option(names = "--profile", paramLabel = "NAME", description = "Source profile. Default: retention.profile.")
  String profile;

  @Option(names = "--housekeeping", description = "Also OPTIMIZE and VACUUM (168 h) every table at the end.")
  boolean housekeeping;

  @Option(names = "--retrain", description = "Retrain the churn model even when a recent one exists.")
  boolean retrain;

  @Option(names = "--force", description = "Recompute every stage, even those whose inputs are unchanged since "
      + "the last nightly.")
  boolean force;

  private SourceProfile sourceProfile;
  private final MetricsCommand metrics = new MetricsCommand();
  private final ClvCommand clv = new ClvCommand();
  private final TrainChurnCommand train = new TrainChurnCommand();
  private final ScoreChurnCommand score = new ScoreChurnCommand();
  private final ExportCommand export = new ExportCommand();
  private final ReportCommand report = new ReportCommand();

  /** The state of one nightly run: its id, ledger, summary lines and the tables upstream of the next stage. */
  private record Night(String runId, StageLedger ledger, List<String> lines, Set<Table> upstream) {}

  @Override
  protected String lockHolder() {
    return "nightly";
  }

  @Override
  protected void validate(JobConfig config) {
    FaultInjection.installCommitHook();
    try {
      sourceProfile = SourceProfile.load(profile == null ? config.profile() : profile, config.profilesDir());
    } catch (ProfileException e) {
      throw new ConfigException(e.getMessage());
    }
    train.validate(config);
    pin(config, date);
  }

  /** Sets the as-of date of every dated stage (null = each stage's default) and re-validates their options. */
  private void pin(JobConfig config, String day) {
    metrics.asOf = day;
    clv.calibrationEnd = day;
    score.asOf = day;
    export.asOf = day;
    report.asOf = day;
    metrics.validate(config);
    clv.validate(config);
    score.validate(config);
    export.validate(config);
    report.validate(config);
  }

  @Override
  protected int run(JobConfig config, SparkSession spark) {
    DeltaTables tables = new DeltaTables(spark, config.warehouse());
    String landing = input == null ? config.input() : input;
    Night night = new Night("nightly-" + UUID.randomUUID(), new StageLedger(tables), new ArrayList<>(),
        EnumSet.copyOf(INGEST_TABLES));
    step("ingest", night, () -> IngestCommand.ingest(config, tables, sourceProfile, landing, err));
    LocalDate asOf = date != null ? LocalDate.parse(date) : latestPurchase(tables);
    if (asOf != null) {
      pin(config, asOf.toString());
      err.println("nightly: as-of date " + asOf + (force ? " (--force: every stage recomputes)" : ""));
    }
    cached(night, "metrics", String.valueOf(metrics.options()), null, () -> metrics.run(config, spark));
    cached(night, "clv", String.valueOf(clv.options(config)), null, () -> clv.run(config, spark));
    Optional<String> why = retrain ? Optional.of("--retrain")
        : ModelRegistry.under(config.warehouse()).retrainReason(config.churn().maxModelAgeDays(), Instant.now());
    if (why.isPresent()) {
      err.println("nightly: retraining the churn model: " + why.get());
      step("train-churn", night, () -> train.run(config, spark));
    }
    String model = ModelRegistry.under(config.warehouse()).latest().orElse("-");
    cached(night, "score-churn", score.options(config) + " registry=" + model, null,
        () -> score.run(config, spark));
    if (asOf != null) {
      AtRiskExport.Options o = export.options(config, asOf, System.getenv(ExportCommand.HMAC_KEY_ENV));
      cached(night, "export", exportFingerprint(o), localFolder(o.outDir(), "at_risk", asOf.toString()),
          () -> export.run(config, spark));
      // the report reads every table, also those no nightly stage writes (gold.clv_evaluation)
      night.upstream().addAll(EnumSet.complementOf(EnumSet.of(Table.RUNS)));
      cached(night, "report", asOf + " " + report.outDir(config) + " window=" + config.activeWindowDays(),
          report.outDir(config).resolve(asOf.toString()), () -> report.run(config, spark));
    } else {
      step("export", night, () -> export.run(config, spark));
      step("report", night, () -> report.run(config, spark));
    }
    if (housekeeping) {
      step("housekeeping", night, () -> new Housekeeping(tables,
          new Housekeeping.Options(Housekeeping.MIN_RETAIN_HOURS)).run());
    }
    err.println();
    err.println("nightly: all stages ok (warehouse " + config.warehouse() + ", run " + night.runId() + ")");
    night.lines().forEach(l -> err.println("  " + l));
    return Main.OK;
  }

  private static LocalDate latestPurchase(DeltaTables tables) {
    return tables.exists(Table.PURCHASES) ? LatestPurchase.day(tables.read(Table.PURCHASES)).orElse(null) : null;
  }

  /**
   * The local folder {@code dir/more…} whose files the ledger hashes, or null for a remote URI (hdfs://, s3a://):
   * then only the table versions and options decide whether the export is unchanged.
   */
  private static java.nio.file.Path localFolder(String dir, String... more) {
    java.net.URI uri = java.net.URI.create(dir.replace('\\', '/'));
    if (uri.getScheme() != null && !"file".equals(uri.getScheme())) {
      return null;
    }
    java.nio.file.Path p = uri.getScheme() == null ? java.nio.file.Path.of(dir) : java.nio.file.Path.of(uri);
    return p.toAbsolutePath().resolve(java.nio.file.Path.of("", more));
  }

  /** Everything that decides the export's content and place (the HMAC key only as a hash). */
  private static String exportFingerprint(AtRiskExport.Options o) {
    return o.asOf() + " " + o.outDir() + " top=" + o.top() + " minRisk=" + o.minRisk()
        + " key=" + (o.hmacKey() == null ? "-" : StageLedger.sha256(new String(o.hmacKey(),
            java.nio.charset.StandardCharsets.UTF_8))) + " " + o.rules() + " " + o.policy() + " " + o.control();
  }

  /**
   * Runs {@code stage} unless its last nightly ledger entry shows the same options, the same versions of every
   * table it and the stages before it read or wrote, and the same output files; records the outcome.
   */
  private void cached(Night night, String stage, String options, Path outputs, Callable<?> body) {
    Instant started = Instant.now();
    String fingerprint = StageLedger.sha256(stage + "|" + codeVersion() + "|" + options);
    StageLedger ledger = night.ledger();
    Optional<StageLedger.Entry> last = force ? Optional.empty() : ledger.last(stage);
    if (last.isPresent()) {
      StageLedger.Entry was = last.get();
      Set<Table> check = EnumSet.copyOf(night.upstream());
      check.addAll(was.versions().keySet());
      StageLedger.Entry now = new StageLedger.Entry(fingerprint, ledger.versions(check), hashOf(outputs),
          was.computedBy());
      if (was.sameState(now)) {
        ledger.record(night.runId(), stage, StageRun.SKIPPED, started, now, "unchanged");
        night.upstream().addAll(check);
        err.printf(Locale.ROOT, "%n== nightly: %s unchanged since run %s: skipped (--force recomputes)%n", stage,
            was.computedBy());
        night.lines().add(String.format(Locale.ROOT, "%-12s skipped (unchanged since run %s)", stage,
            was.computedBy()));
        return;
      }
    }
    Map<Table, Long> before = ledger.versionsOfAll();
    step(stage, night, body);
    Map<Table, Long> after = ledger.versionsOfAll();
    Set<Table> touched = EnumSet.copyOf(night.upstream());
    touched.addAll(after.keySet().stream().filter(t -> !after.get(t).equals(before.get(t)))
        .collect(Collectors.toSet()));
    Map<Table, Long> versions = after.entrySet().stream().filter(e -> touched.contains(e.getKey()))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    ledger.record(night.runId(), stage, StageRun.OK, started,
        new StageLedger.Entry(fingerprint, versions, hashOf(outputs), night.runId()), null);
    night.upstream().addAll(touched);
  }

  private static String hashOf(Path outputs) {
    return outputs == null ? "-" : StageLedger.hashFiles(outputs);
  }

  private static String codeVersion() {
    String v = NightlyCommand.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * Runs one stage; a failure becomes a JobFailure naming it. The fault-injection point
   * {@code nightly.after-<stage>} lies between the stage's work and the nightly's record of it.
   */
  private void step(String name, Night night, Callable<?> body) {
    Instant start = Instant.now();
    err.printf(Locale.ROOT, "%n== nightly: %s%n", name);
    try {
      body.call();
    } catch (Exception e) {
      throw new JobFailure("nightly: stage " + name + " failed: "
          + Main.oneLine(e instanceof JobFailure || e instanceof ConfigException ? e.getMessage()
              : Main.rootMessage(e)), e);
    }
    FaultInjection.point("nightly.after-" + name);
    night.lines().add(String.format(Locale.ROOT, "%-12s ok  %6.1f s", name,
        Duration.between(start, Instant.now()).toMillis() / 1000.0));
  }
}
