package io.retention.lake;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One nightly assembled from ops.runs: its outcome (ok, failed at a stage with its message, or incomplete) and
 * per stage its status, times and rows.
 *
 * <p>Which rows belong to the night:
 * <ul>
 *   <li>every row with the night's run id ({@code nightly-<uuid>}): the ledger rows {@code nightly:<stage>}
 *       ({@link StageLedger}) and any stage row recorded under that id;</li>
 *   <li>when the night has no stage row of its own (stages that record their rows under their own run ids),
 *       the rows of other, non-nightly runs that start or end within {@link #GAP} of the night's rows, chained
 *       (ingest before the first ledger row, the stage inside each ledger row, train-churn between two);
 *       the nightly holds the warehouse lock, so no other writer runs in between.</li>
 * </ul>
 * The night is {@code ok} once a {@code report} (or {@code housekeeping}) row is there and nothing failed,
 * {@code failed} at its first failed stage, else {@code incomplete} (still running, or killed).
 */
public record NightRun(String runId, String status, Instant startedAt, Instant finishedAt, String failedStage,
    String message, List<Stage> stages) {
  public static final String OK = "ok";
  public static final String FAILED = "failed";
  public static final String INCOMPLETE = "incomplete";
  /** The longest pause between two stages of one nightly (the ledger checks and as-of lookup between them). */
  static final Duration GAP = Duration.ofMinutes(2);
  private static final Set<String> LAST_STAGES = Set.of("report", "housekeeping");
  private static final Pattern COMPUTED_BY = Pattern.compile(".*computed_by=(\\S+).*");

  /** One stage of the night: its own row and its ledger row merged. */
  public record Stage(String name, String status, Instant startedAt, Instant finishedAt, long rowsIn, long rowsOut,
      long rowsQuarantined, long rowsDuplicate, String runId, String note) {
    public long durationMs() {
      return Duration.between(startedAt, finishedAt).toMillis();
    }
  }

  public NightRun {
    stages = List.copyOf(stages);
  }

  public long durationMs() {
    return Duration.between(startedAt, finishedAt).toMillis();
  }

  /** Assembles the night {@code runId} from {@code around}: its rows and those of the hours around it. */
  public static NightRun of(String runId, List<StageRun> around) {
    List<StageRun> rows = members(runId, around);
    Map<String, Stage> stages = new LinkedHashMap<>();
    for (StageRun r : rows) {
      boolean ledger = r.stage().startsWith(StageLedger.PREFIX);
      String name = ledger ? r.stage().substring(StageLedger.PREFIX.length()) : r.stage();
      stages.merge(name, stage(name, r, ledger), NightRun::merge);
    }
    Instant start = rows.stream().map(StageRun::startedAt).min(Comparator.naturalOrder()).orElseThrow();
    Instant end = rows.stream().map(StageRun::finishedAt).max(Comparator.naturalOrder()).orElseThrow();
    Stage failed = stages.values().stream().filter(s -> StageRun.FAILED.equals(s.status())).findFirst().orElse(null);
    if (failed != null) {
      return new NightRun(runId, FAILED, start, end, failed.name(), failed.note(), List.copyOf(stages.values()));
    }
    boolean done = stages.values().stream().anyMatch(s -> LAST_STAGES.contains(s.name()));
    return new NightRun(runId, done ? OK : INCOMPLETE, start, end, null, null, List.copyOf(stages.values()));
  }

  /** The night's own rows plus, when it has no stage row of its own, the other runs chained to them in time. */
  private static List<StageRun> members(String runId, List<StageRun> around) {
    List<StageRun> sorted = around.stream().sorted(Comparator.comparing(StageRun::startedAt)).toList();
    List<StageRun> own = sorted.stream().filter(r -> runId.equals(r.runId())).toList();
    if (own.isEmpty()) {
      throw new IllegalArgumentException("no ops.runs row of " + runId);
    }
    Set<StageRun> members = new HashSet<>(own);
    if (own.stream().allMatch(r -> r.stage().startsWith(StageLedger.PREFIX))) {
      chain(runId, sorted, members);
    }
    return sorted.stream().filter(members::contains).toList();
  }

  /**
   * Adds to {@code members} every non-nightly row that starts or ends within {@link #GAP} of them, repeatedly,
   * between the previous nightly's last row and the next nightly's first.
   */
  private static void chain(String runId, List<StageRun> sorted, Set<StageRun> members) {
    Instant start = members.stream().map(StageRun::startedAt).min(Comparator.naturalOrder()).orElseThrow();
    Instant end = members.stream().map(StageRun::finishedAt).max(Comparator.naturalOrder()).orElseThrow();
    Instant first = start;
    Instant last = end;
    Instant after = sorted.stream().filter(r -> otherNightly(r, runId) && !r.finishedAt().isAfter(first))
        .map(StageRun::finishedAt).max(Comparator.naturalOrder()).orElse(Instant.MIN);
    Instant before = sorted.stream().filter(r -> otherNightly(r, runId) && !r.startedAt().isBefore(last))
        .map(StageRun::startedAt).min(Comparator.naturalOrder()).orElse(Instant.MAX);
    boolean grown = true;
    while (grown) {
      grown = false;
      for (StageRun r : sorted) {
        if (!members.contains(r) && !isNightly(r) && r.startedAt().isAfter(after) && r.startedAt().isBefore(before)
            && !r.finishedAt().isBefore(start.minus(GAP)) && !r.startedAt().isAfter(end.plus(GAP))) {
          members.add(r);
          start = min(start, r.startedAt());
          end = max(end, r.finishedAt());
          grown = true;
        }
      }
    }
  }

  private static boolean isNightly(StageRun r) {
    return r.runId() != null && r.runId().startsWith(RunHistory.NIGHTLY_RUN_PREFIX);
  }

  private static boolean otherNightly(StageRun r, String runId) {
    return isNightly(r) && !runId.equals(r.runId());
  }

  private static Stage stage(String name, StageRun r, boolean ledger) {
    String note = null;
    if (StageRun.FAILED.equals(r.status())) {
      note = r.message();
    } else if (ledger && StageRun.SKIPPED.equals(r.status()) && r.message() != null) {
      Matcher m = COMPUTED_BY.matcher(r.message());
      note = m.matches() ? "unchanged since " + shortId(m.group(1)) : "unchanged";
    }
    return ledger ? new Stage(name, r.status(), r.startedAt(), r.finishedAt(), 0, 0, 0, 0, r.runId(), note)
        : new Stage(name, r.status(), r.startedAt(), r.finishedAt(), r.rowsIn(), r.rowsOut(), r.rowsQuarantined(),
            r.rowsDuplicate(), r.runId(), note);
  }

  /** A stage's own row and its ledger row: failed wins, then skipped; rows from the stage's own row. */
  private static Stage merge(Stage a, Stage b) {
    Stage worse = rank(b.status()) > rank(a.status()) ? b : a;
    Stage counted = b.rowsIn() + b.rowsOut() > 0 ? b : a;
    return new Stage(a.name(), worse.status(), min(a.startedAt(), b.startedAt()), max(a.finishedAt(), b.finishedAt()),
        counted.rowsIn(), counted.rowsOut(), counted.rowsQuarantined(), counted.rowsDuplicate(), counted.runId(),
        worse.note() != null ? worse.note() : a.note() != null ? a.note() : b.note());
  }

  private static int rank(String status) {
    return StageRun.FAILED.equals(status) ? 2 : StageRun.SKIPPED.equals(status) ? 1 : 0;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /**
   * A run id short enough for a 100-column line: the prefix and the first 8 characters after it
   * ({@code nightly-2b7c41d0}, {@code ingest-6bf9d4fe}); a bare UUID keeps its first 8.
   */
  public static String shortId(String runId) {
    if (runId == null) {
      return "-";
    }
    int dash = runId.indexOf('-');
    boolean prefixed = dash > 0 && !runId.substring(0, dash).matches("[0-9a-f]+");
    String head = prefixed ? runId.substring(0, dash + 1) : "";
    String rest = prefixed ? runId.substring(dash + 1) : runId;
    return head + rest.substring(0, Math.min(8, rest.length()));
  }
}
