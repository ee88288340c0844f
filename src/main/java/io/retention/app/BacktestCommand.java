package io.retention.app;

import io.retention.churn.ChurnBacktest;
import io.retention.churn.ChurnScorer;
import io.retention.churn.ChurnTrainer;
import io.retention.churn.ModelRegistry;
import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.metrics.CustomerState;
import io.retention.pipeline.Failures;
import io.retention.pipeline.RunRow;
import io.retention.pipeline.StageContext;
import io.retention.pipeline.StageResult;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code backtest}: evaluates past score dates whose outcome window has closed (d + H &le; as-of) into
 * gold.churn_backtest ({@link ChurnBacktest}); with {@code --backfill FROM TO --every N} it first scores past
 * dates point in time, so a fresh warehouse gets a history to evaluate.
 */
@Command(name = "backtest",
    footer = "Example: jobs/retention backtest --backfill 2025-06-01 2025-08-01 --every 30",
    mixinStandardHelpOptions = true,
    description = "Evaluate past churn scores and at-risk lists against what customers did next: observed churn "
        + "per band and decile, list precision/recall, treatment-vs-control uplift; writes gold.churn_backtest.")
public final class BacktestCommand extends StageCommand<BacktestCommand.Backtested> {
  @Option(names = "--as-of", paramLabel = "DATE",
      description = "Evaluate score dates d with d + horizon <= DATE. Default: the latest purchase day.")
  String asOf;

  @Option(names = "--all", description = "Re-evaluate every closed score date, also those already evaluated.")
  boolean all;

  @Option(names = "--backfill", arity = "2", paramLabel = "DATE",
      description = "FROM TO: first score the dates FROM, FROM + N, ... <= TO point in time (a model trained as "
          + "train-churn --cutoff d - horizon would on day d, features at d); dates with scores are kept.")
  List<String> backfill;

  @Option(names = "--every", paramLabel = "N", description = "Days between backfilled score dates (default 30).")
  int every = 30;

  /** Set by nightly: evaluate only the score date that just closed (as-of - horizon). */
  boolean closedOnly;

  private LocalDate asOfFlag;
  private LocalDate from;
  private LocalDate to;

  /** Registry folder of the point-in-time models of --backfill (kept apart: never the newest model of score-churn). */
  public static final String BACKFILL_MODELS = "models/churn_backfill";

  /** What a run did. */
  record Backtested(LocalDate asOf, List<ChurnBacktest.Evaluated> evaluated, List<LocalDate> scored,
      List<String> skipped) implements StageResult {
    long customers() {
      return evaluated.stream().mapToLong(ChurnBacktest.Evaluated::customers).sum();
    }

    @Override
    public RunRow runRow() {
      Map<String, Long> counts = new LinkedHashMap<>();
      counts.put("score_dates", (long) evaluated.size());
      counts.put("backfilled", (long) scored.size());
      return RunRow.of(customers(), evaluated.stream().mapToLong(ChurnBacktest.Evaluated::rows).sum(), counts,
          "as_of " + asOf + "; evaluated " + evaluated.stream().map(e -> e.scoreDate().toString()).toList()
              + (skipped.isEmpty() ? "" : "; " + String.join("; ", skipped)));
    }

    @Override
    public String summary() {
      return evaluated.size() + " score dates evaluated (" + customers() + " customers), " + scored.size()
          + " dates backfilled" + (evaluated.isEmpty() && !skipped.isEmpty() ? ": " + skipped.get(0) : "");
    }
  }

  @Override
  protected void validate(JobConfig config) {
    asOfFlag = Flags.date("--as-of", asOf);
    if (every < 1) {
      throw new ConfigException("--every must be at least 1, cannot be: " + every);
    }
    if (backfill != null) {
      from = Flags.date("--backfill FROM", backfill.get(0));
      to = Flags.date("--backfill TO", backfill.get(1));
      if (to.isBefore(from)) {
        throw new ConfigException("--backfill TO must not be before FROM, cannot be: " + from + " " + to);
      }
    }
  }

  @Override
  protected String stage() {
    return "backtest";
  }

  @Override
  protected String lockHolder() {
    return stage();
  }

  @Override
  protected String fingerprint(JobConfig config, StageContext ctx) {
    return "asOf=" + ctx.asOf() + " horizon=" + config.churn().horizonDays() + " closedOnly=" + closedOnly;
  }

  /** The score date that closes at {@code asOf} (asOf - horizon). */
  static LocalDate closing(JobConfig config, LocalDate asOf) {
    return asOf.minusDays(config.churn().horizonDays());
  }

  /** Why the nightly step has nothing to do at {@code asOf} (no scores of asOf - horizon), or empty. */
  Optional<String> nothingDue(JobConfig config, DeltaTables tables, LocalDate asOf) {
    LocalDate d = closing(config, asOf);
    return ChurnBacktest.scored(tables, d) ? Optional.empty()
        : Optional.of("no churn scores for " + d + " (as-of " + asOf + " - " + config.churn().horizonDays()
            + " days)");
  }

  @Override
  protected Backtested runStage(JobConfig config, StageContext ctx) {
    DeltaTables tables = ctx.tables();
    if (!tables.exists(Table.PURCHASES)) {
      throw new IllegalStateException("backtest: " + Table.PURCHASES.qualifiedName() + " does not exist: "
          + "run ingest first");
    }
    LocalDate at = asOfFlag != null ? asOfFlag : ctx.asOfOrDefault(stage());
    int h = config.churn().horizonDays();
    new CustomerState(tables).refresh(false); // the hub up to date (a no-op right after the night's hub step)
    List<LocalDate> scored = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    if (backfill != null) {
      backfill(config, ctx, at, scored, skipped);
    }
    List<LocalDate> due;
    if (closedOnly) { // the nightly's step: only the date that closes tonight
      Optional<String> idle = nothingDue(config, tables, at);
      idle.ifPresent(skipped::add);
      due = idle.isPresent() ? List.of() : List.of(closing(config, at));
    } else {
      due = ChurnBacktest.due(tables, at, h, all || backfill != null);
    }
    if (backfill != null) {
      due = due.stream().filter(scored::contains).toList(); // --backfill evaluates the dates it covers
    }
    List<ChurnBacktest.Evaluated> evaluated = new ArrayList<>();
    for (LocalDate d : due) {
      ctx.err().println("backtest: evaluating score date " + d + " (outcomes in (" + d + ", " + d.plusDays(h)
          + "])");
      evaluated.add(ChurnBacktest.run(tables, d, h));
    }
    return new Backtested(at, evaluated, scored, skipped);
  }

  /**
   * Scores FROM, FROM + N, ... &le; TO (and &le; the as-of date) point in time: per date d a model trained as
   * {@code train-churn --cutoff d-H} would be on day d (fitted on features at d - 2H with labels in (d - 2H, d - H],
   * selected and calibrated on labels in (d - H, d]: nothing after d is read), kept under
   * {@value #BACKFILL_MODELS}/pit-&lt;d&gt;, then {@code score-churn --as-of d} with it. Dates that already have
   * scores keep them; a date without enough history to train is skipped with its reason.
   */
  private void backfill(JobConfig config, StageContext ctx, LocalDate at, List<LocalDate> scored,
      List<String> skipped) {
    DeltaTables tables = ctx.tables();
    ModelRegistry registry = new ModelRegistry(new Path(new Path(config.warehouse()), BACKFILL_MODELS),
        tables.spark().sessionState().newHadoopConf());
    int h = config.churn().horizonDays();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(every)) {
      if (d.isAfter(at)) {
        skipped.add(d + " after the as-of date " + at);
        ctx.err().println("backtest: " + skipped.get(skipped.size() - 1) + ": not scored");
        continue;
      }
      if (ChurnBacktest.scored(tables, d)) {
        ctx.err().println("backtest: " + d + " already has churn scores: kept");
        scored.add(d);
        continue;
      }
      String version = "pit-" + d;
      try {
        if (!complete(registry, version)) {
          ctx.err().println("backtest: training the point-in-time model for " + d + " (cutoff " + d.minusDays(h)
              + ")");
          ChurnTrainer.Options o = new TrainChurnCommand().options(config, d.minusDays(h));
          ChurnTrainer.Result r = ChurnTrainer.fromState(tables.read(Table.CUSTOMER_ACTIVITY),
              o.categoricals().isEmpty() ? null : tables.read(Table.PURCHASES), o);
          registry.save(version, r.model(), ChurnTrainer.metadata(version, r, o, Instant.now()));
        }
        ScoreChurnCommand s = new ScoreChurnCommand();
        s.asOf = d.toString();
        s.modelVersion = version;
        ChurnScorer.Result r = new ChurnScorer(tables, registry, s.options(config)).run();
        ctx.err().println("backtest: " + r.customers() + " customers scored at " + d + " with " + version);
        scored.add(d);
      } catch (IllegalStateException e) {
        skipped.add(d + " not scored: " + Failures.oneLine(e.getMessage()));
        ctx.err().println("backtest: " + skipped.get(skipped.size() - 1));
      }
    }
  }

  /** Whether the registry holds {@code version} completely written (its marker). */
  private static boolean complete(ModelRegistry registry, String version) {
    try {
      registry.metadata(version);
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  @Override
  protected void print(Backtested b, StageContext ctx) {
    ctx.err().printf("backtest: as-of %s, %s%n", b.asOf(), b.summary());
    for (ChurnBacktest.Evaluated e : b.evaluated()) {
      ctx.err().printf("  %s: %d customers%s -> %s%n", e.scoreDate(), e.customers(),
          e.withList() ? ", with its at-risk list" : "", Table.CHURN_BACKTEST.qualifiedName());
    }
    if (b.evaluated().isEmpty()) {
      ctx.err().println("  nothing due: no score date d with d + horizon <= " + b.asOf() + " left to evaluate");
    }
  }
}
