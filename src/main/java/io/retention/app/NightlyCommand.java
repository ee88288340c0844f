package io.retention.app;

import io.retention.churn.ModelRegistry;
import io.retention.ingest.IngestStage;
import io.retention.lake.DeltaTables;
import io.retention.lake.FaultInjection;
import io.retention.lake.Housekeeping;
import io.retention.lake.RunLog;
import io.retention.lake.StageLedger;
import io.retention.lake.StageRun;
import io.retention.lake.Table;
import io.retention.metrics.CustomerState;
import io.retention.pipeline.AsOfDate;
import io.retention.pipeline.Failures;
import io.retention.pipeline.StageContext;
import io.retention.pipeline.StageRunner;
import io.retention.quality.QualityGates;
import io.retention.quality.QualityLog;
import java.lang.management.ManagementFactory;
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
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nightly}: every stage in order, in one Spark session, under the warehouse lock: ingest (only files
 * not yet ingested) → gates (the quality gates on what ingest added; a failing one stops the night with exit code
 * 3 and holds later nights until {@code --accept-gates}) → hub (gold.customer_activity brought up to date; its watermark gives the default as-of
 * date) → metrics → clv → train-churn (when no model, a model older than churn.maxModelAgeDays, or --retrain)
 * → score-churn → export → backtest (the score date that closes tonight, as-of − horizon, when it has scores;
 * else it evaluates nothing and says why) → report. Each stage is the same {@link StageCommand} a user runs alone, run through
 * the one stage runner with the night's context (run id, pinned date); {@link #night} lists them. The first
 * failing stage stops the run with a non-zero exit naming it.
 *
 * <p>Idempotent for a date: the as-of date is resolved once after ingest and pinned for every stage. A stage
 * whose options, input and output table versions and output files are all as its last nightly run left them
 * is skipped ("unchanged since run X"), so a second nightly on the same data commits nothing to the data
 * tables and rewrites no file; {@code --force} recomputes. Every stage's table versions go to ops.runs through
 * {@link StageLedger}. A run killed at any point recomputes on restart what it had not recorded as complete.
 */
@Command(name = "nightly",
    footer = "Example: jobs/retention nightly --date 2025-12-31",
    mixinStandardHelpOptions = true,
    description = "Run every stage: ingest new files, metrics, clv, churn (retrain as configured), export, report.")
public final class NightlyCommand extends SparkCommand {
  /** Tables ingest writes: every later stage depends on them. */
  static final Set<Table> INGEST_TABLES = EnumSet.of(Table.PURCHASE_EVENTS, Table.PURCHASES, Table.QUARANTINE,
      Table.INGESTED_FILES);

  @Option(names = "--date", paramLabel = "DATE",
      description = "As-of date (YYYY-MM-DD) of every stage. Default: the latest purchase order_date.")
  String date;

  @Option(names = "--input", paramLabel = "PATH",
      description = "Landing folder. Default: data-samples/landing (retention.input).")
  String input;

  @Option(names = "--profile", paramLabel = "NAME",
      description = "Source profile. Default: canonical (retention.profile).")
  String profile;

  @Option(names = "--housekeeping", description = "Also OPTIMIZE and VACUUM (168 h) every table at the end.")
  boolean housekeeping;

  @Option(names = "--retrain", description = "Retrain the churn model even when a recent one exists.")
  boolean retrain;

  @Option(names = "--accept-gates", description = "Accept the night held by a failed quality gate (recorded in "
      + "ops.night_quality with who and when) and go on.")
  boolean acceptGates;

  @Option(names = "--force", description = "Recompute every stage, even those whose inputs are unchanged since "
      + "the last nightly.")
  boolean force;

  @Option(names = "--catalog", description = "Also register every table in the Hive metastore at the end, as "
      + "`catalog` does (also retention.catalog.nightly).")
  boolean catalog;

  /** The hub refresh's stage name in ops.runs. */
  static final String HUB = "hub";
  /** The quality gates' stage name in ops.runs (also of a night refused because an earlier one is held). */
  static final String GATES = "gates";
  static final String ACCEPT_GATES = "accept-gates";

  private final IngestCommand ingest = new IngestCommand();
  private final MetricsCommand metrics = new MetricsCommand();
  private final ClvCommand clv = new ClvCommand();
  private final TrainChurnCommand train = new TrainChurnCommand();
  private final ScoreChurnCommand score = new ScoreChurnCommand();
  private final ExportCommand export = new ExportCommand();
  private final BacktestCommand backtest = nightlyBacktest();
  private final ReportCommand report = new ReportCommand();
  private final CatalogCommand registration = new CatalogCommand();
  /** Loads retention.currency.ratesFile when due; null when no rates file is configured. */
  private RatesCommand rates;
  private LocalDate pinned;

  /** The state of one nightly run: its id, ledger, summary lines and the tables upstream of the next stage. */
  private record Night(String runId, StageLedger ledger, List<String> lines, Set<Table> upstream) {}

  /**
   * One stage of the night after ingest: the command that runs it, what decides whether its last result still
   * holds ({@link StageCommand#fingerprint}) and the local folder of its output files (null: none).
   */
  private record Step(StageCommand<?> command, Path outputs) {}

  @Override
  protected String lockHolder() {
    return "nightly";
  }

  @Override
  protected boolean metastore(JobConfig config) {
    return catalog || config.catalog().nightly();
  }

  @Override
  protected void validate(JobConfig config) {
    if (metastore(config)) {
      registration.validate(config);
    }
    FaultInjection.installCommitHook();
    pinned = Flags.date("--date", date);
    ingest.input = input;
    ingest.profile = profile;
    for (StageCommand<?> c : List.of(ingest, metrics, clv, train, score, export, backtest, report)) {
      c.validate(config);
    }
    if (config.currency().ratesFile() != null) {
      rates = new RatesCommand();
      rates.validate(config);
    }
  }

  /**
   * The skippable stages of the night after ingest and the hub, in order, with their output folders; train-churn
   * runs between clv and score-churn when a model is due ({@link #run}).
   */
  private List<Step> night(JobConfig config, LocalDate asOf, StageContext ctx) {
    return List.of(
        new Step(metrics, null),
        new Step(clv, null),
        new Step(score, null),
        new Step(export, localFolder(export.resolvedOptions(config, ctx).outDir(), "at_risk", asOf.toString())),
        new Step(backtest, null),
        new Step(report, report.outDir(config).resolve(asOf.toString())));
  }

  @Override
  protected int run(JobConfig config, SparkSession spark) throws Exception {
    DeltaTables tables = new DeltaTables(spark, config.warehouse());
    RunLog runs = RunLog.deferred(tables);
    Night night = new Night("nightly-" + UUID.randomUUID(), new StageLedger(tables, runs), new ArrayList<>(),
        EnumSet.copyOf(INGEST_TABLES));
    StageContext ctx = new StageContext(tables, night.runId(), pinned, err, FaultInjection::point, runs);
    try {
      stages(night, ctx, config);
    } catch (Exception | Error e) {
      try {
        runs.flush(); // the failed stage's row and those before it
      } catch (RuntimeException logFailure) {
        e.addSuppressed(logFailure);
      }
      throw e;
    }
    runs.flush();
    night.ledger().saveIndex();
    err.println();
    err.printf(Locale.ROOT, "nightly: all stages ok in %.1f s since the JVM started (warehouse %s, run %s)%n",
        (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0,
        config.warehouse(), night.runId());
    night.lines().forEach(l -> err.println("  " + l));
    return Main.OK;
  }

  /**
   * The night's stages in order. Their ops.runs rows are committed together ({@link RunLog#deferred}): right
   * after each stage that wrote something (so a night killed later still knows what it computed), else once at
   * the end — a night with nothing new makes one commit.
   */
  private void stages(Night night, StageContext ctx, JobConfig config) throws Exception {
    heldNights(night, ctx);
    IngestStage.Result ingested = run(night, ctx, config, ingest);
    if (ingested.filesFound() > ingested.filesSkipped()) {
      ctx.runs().flush();
    }
    gate(night, ctx, config);
    loadRates(night, ctx, config);
    LocalDate asOf = AsOfDate.pinnedOr(pinned, refreshHub(night, ctx).latestPurchase());
    if (asOf == null) {
      throw new JobFailure("nightly: " + Table.PURCHASES.qualifiedName() + " holds no purchase after ingest: "
          + "nothing to compute");
    }
    StageContext day = ctx.withAsOf(asOf);
    err.println("nightly: as-of date " + asOf + (force ? " (--force: every stage recomputes)" : ""));
    List<Step> steps = night(config, asOf, day);
    cached(night, day, config, steps.get(0));
    cached(night, day, config, steps.get(1));
    Optional<String> why = retrain ? Optional.of("--retrain")
        : ModelRegistry.under(config.warehouse()).retrainReason(config.churn().maxModelAgeDays(), Instant.now());
    if (why.isPresent()) {
      err.println("nightly: retraining the churn model: " + why.get());
      run(night, day, config, train);
      day.runs().flush();
    }
    for (Step s : steps.subList(2, steps.size())) {
      if (s.command() == report) {
        // the report reads every table, also those no nightly stage writes (gold.clv_evaluation)
        night.upstream().addAll(EnumSet.complementOf(EnumSet.of(Table.RUNS)));
      }
      cached(night, day, config, s);
    }
    if (housekeeping) {
      HousekeepingCommand h = HousekeepingCommand.retaining(Housekeeping.MIN_RETAIN_HOURS);
      h.validate(config);
      run(night, day, config, h);
    }
    if (metastore(config)) {
      run(night, day, config, registration);
    }
  }

  /**
   * A night held by a failed gate stops here, before ingest, until an operator accepts it
   * ({@code --accept-gates}): the acceptance is recorded and the night goes on.
   */
  private void heldNights(Night night, StageContext ctx) throws Exception {
    QualityLog log = new QualityLog(ctx.tables());
    List<QualityLog.Check> held = log.knownClear() ? List.of() : log.held();
    if (held.isEmpty()) {
      if (acceptGates) {
        err.println("nightly: --accept-gates: no night is held");
      }
      return;
    }
    Instant start = Instant.now();
    if (!acceptGates) {
      StageRunner.<QualityGates.Accepted>run(ctx, GATES, () -> {
        throw QualityGates.held(held);
      });
    }
    String who = System.getProperty("user.name", "unknown");
    StageRunner.run(ctx, ACCEPT_GATES, () -> QualityGates.accept(ctx, held, who));
    ctx.runs().flush();
    done(night, ctx, ACCEPT_GATES, start);
  }

  /**
   * The quality gates on what ingest added since the last check: a failing gate stops the night here with
   * exit code 3, before the hub, metrics and everything that publishes.
   */
  private void gate(Night night, StageContext ctx, JobConfig config) throws Exception {
    Instant start = Instant.now();
    QualityGates.Checked checked = StageRunner.run(ctx, GATES, () -> new QualityGates(ctx, config.gates()).run());
    if (checked.night() != null) {
      ctx.runs().flush();
    }
    done(night, ctx, GATES, start);
  }

  /**
   * Loads retention.currency.ratesFile into ops.currency_rates when the table is missing or the file changed
   * since it was loaded from it (the hub then rebuilds with the new rates); nothing otherwise.
   */
  private void loadRates(Night night, StageContext ctx, JobConfig config) {
    Optional<String> why = rates == null ? Optional.empty() : rates.dueIn(ctx);
    if (why.isPresent()) {
      err.println("nightly: loading " + config.currency().ratesFile() + ": " + why.get());
      run(night, ctx, config, rates);
    }
  }

  /**
   * The hub refresh: brings gold.customer_activity up to date with what ingest added (nothing to do, and no
   * scan of silver, when ingest added nothing). Its watermark carries the latest purchase day, the night's
   * default as-of date.
   */
  private CustomerState.Refresh refreshHub(Night night, StageContext ctx) {
    Instant start = Instant.now();
    CustomerState.Refresh r;
    try {
      r = StageRunner.run(ctx, HUB, () -> new CustomerState(ctx.tables()).refresh(false));
    } catch (io.retention.currency.CurrencyRates.MissingRate e) {
      throw new JobFailure("nightly: stage " + HUB + " failed: " + Failures.oneLine(e.getMessage()));
    } catch (Exception e) {
      throw new JobFailure("nightly: stage " + HUB + " failed: " + Failures.oneLine(Failures.root(e)), e);
    }
    if (r.mode() != CustomerState.Mode.UNCHANGED) {
      ctx.runs().flush();
    }
    done(night, ctx, HUB, start);
    night.upstream().add(Table.CUSTOMER_ACTIVITY);
    return r;
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

  /**
   * Runs the step's stage unless its last nightly ledger entry shows the same fingerprint, the same versions of
   * every table it and the stages before it read or wrote, and the same output files; records the outcome.
   */
  private void cached(Night night, StageContext ctx, JobConfig config, Step step) {
    StageCommand<?> command = step.command();
    String stage = command.stage();
    Instant started = Instant.now();
    String fingerprint = StageLedger.sha256(stage + "|" + codeVersion() + "|" + command.fingerprint(config, ctx));
    StageLedger ledger = night.ledger();
    Optional<StageLedger.Entry> last = force ? Optional.empty() : ledger.last(stage);
    if (last.isPresent()) {
      StageLedger.Entry was = last.get();
      Set<Table> check = EnumSet.copyOf(night.upstream());
      check.addAll(was.versions().keySet());
      StageLedger.Entry now = new StageLedger.Entry(fingerprint, ledger.versions(check), hashOf(step.outputs()),
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
    run(night, ctx, config, command);
    Map<Table, Long> after = ledger.versionsOfAll();
    Set<Table> touched = EnumSet.copyOf(night.upstream());
    touched.addAll(after.keySet().stream().filter(t -> !after.get(t).equals(before.get(t)))
        .collect(Collectors.toSet()));
    Map<Table, Long> versions = after.entrySet().stream().filter(e -> touched.contains(e.getKey()))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    ledger.record(night.runId(), stage, StageRun.OK, started,
        new StageLedger.Entry(fingerprint, versions, hashOf(step.outputs()), night.runId()), null);
    ctx.runs().flush();
    night.upstream().addAll(touched);
  }

  /** The backtest step of the night: only the score date that closes at the night's as-of date. */
  private static BacktestCommand nightlyBacktest() {
    BacktestCommand b = new BacktestCommand();
    b.closedOnly = true;
    return b;
  }

  private static String hashOf(Path outputs) {
    return outputs == null ? "-" : StageLedger.hashFiles(outputs);
  }

  private static String codeVersion() {
    String v = NightlyCommand.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * Runs one stage through the runner and prints its summary; a failure becomes a JobFailure naming it. The
   * fault point {@code nightly.after-<stage>} lies between the stage's work and the nightly's record of it.
   */
  private <R extends io.retention.pipeline.StageResult> R run(Night night, StageContext ctx, JobConfig config,
      StageCommand<R> command) {
    Instant start = Instant.now();
    String name = command.stage();
    R r;
    try {
      r = command.execute(config, ctx);
      command.print(r, ctx);
    } catch (Exception e) {
      throw new JobFailure("nightly: stage " + name + " failed: "
          + Failures.oneLine(e instanceof JobFailure || e instanceof ConfigException ? e.getMessage()
              : Failures.root(e)), e);
    }
    done(night, ctx, name, start);
    return r;
  }

  /**
   * After a stage's work: the fault point {@code nightly.after-<stage>} (between the work and the nightly's
   * record of it), then the stage's line of the night's summary.
   */
  private static void done(Night night, StageContext ctx, String name, Instant start) {
    ctx.fault("nightly.after-" + name);
    night.lines().add(String.format(Locale.ROOT, "%-12s ok  %6.1f s", name,
        Duration.between(start, Instant.now()).toMillis() / 1000.0));
  }
}
