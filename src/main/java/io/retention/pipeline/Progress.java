package io.retention.pipeline;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.JavaSparkStatusTracker;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * A stage's heartbeat: a daemon thread that {@link StageRunner} runs for the length of a stage and that, once per
 * interval after the stage has been going that long, prints one plain line to the stage's output, e.g.
 * {@code .. metrics: 1 min 10 s, Spark job 14 ("cohort retention"): stage 3/5, tasks 120/200}. The Spark part
 * comes from Spark's status tracker, its name from the job's description (or job group when it is not the
 * stage's own); driver-side work without Spark jobs (model fits, folds, charts) posts its own step through
 * {@link #step}. When Spark's console progress bar is on (a terminal), nothing is printed while a Spark job runs:
 * the bar shows it.
 *
 * <p>The interval is {@value #INTERVAL_PROPERTY} in milliseconds (default 10 000; 0 turns the lines off).
 */
public final class Progress implements AutoCloseable {
  public static final String INTERVAL_PROPERTY = "retention.progress.interval.ms";
  static final String THREAD_PREFIX = "retention-progress-";
  private static final long DEFAULT_INTERVAL_MS = 10_000;
  private static final String JOB_DESCRIPTION = "spark.job.description";
  private static final String JOB_GROUP = "spark.jobGroup.id";

  /** Driver-side work in hand: a label and done / total (total 0 = unknown). */
  record Step(String label, long done, long total) {}

  // one stage runs at a time on the driver, so one step slot is enough; set from any thread
  private static final AtomicReference<Step> STEP = new AtomicReference<>();

  private final SparkContext sc;
  private final String stage;
  private final String groupDescription;
  private final PrintStream out;
  private final long intervalMs;
  private final boolean consoleBar;
  private final long started = System.nanoTime();
  private final Map<Integer, String> jobNames = new ConcurrentHashMap<>();
  private final SparkListener names = new SparkListener() {
    @Override
    public void onJobStart(SparkListenerJobStart start) {
      String name = nameOf(start.properties() == null ? null : start.properties().getProperty(JOB_DESCRIPTION),
          start.properties() == null ? null : start.properties().getProperty(JOB_GROUP));
      if (name != null) {
        jobNames.put(start.jobId(), name);
      }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd end) {
      jobNames.remove(end.jobId());
    }
  };
  private final Thread thread;

  private Progress(SparkContext sc, String stage, String groupDescription, PrintStream out, long intervalMs) {
    this.sc = sc;
    this.stage = stage;
    this.groupDescription = groupDescription;
    this.out = out;
    this.intervalMs = intervalMs;
    this.consoleBar = sc.conf().getBoolean("spark.ui.showConsoleProgress", false);
    this.thread = new Thread(this::loop, THREAD_PREFIX + stage);
    thread.setDaemon(true);
  }

  /**
   * Starts the heartbeat of {@code stage} with the interval of {@link #INTERVAL_PROPERTY}; {@code groupDescription}
   * is the description of the stage's job group, which Spark also gives as the description of every job that
   * sets none of its own (so it names no step).
   */
  public static Progress start(SparkContext sc, String stage, String groupDescription, PrintStream out) {
    Progress p = new Progress(sc, stage, groupDescription, out, intervalMs());
    STEP.set(null);
    if (p.intervalMs > 0) {
      sc.addSparkListener(p.names);
      p.thread.start();
    }
    return p;
  }

  static long intervalMs() {
    String v = System.getProperty(INTERVAL_PROPERTY);
    try {
      return v == null || v.isBlank() ? DEFAULT_INTERVAL_MS : Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return DEFAULT_INTERVAL_MS;
    }
  }

  /** Posts the driver-side step in hand, e.g. {@code step("fitting BG/NBD", 12, 100)}; total 0 when unknown. */
  public static void step(String label, long done, long total) {
    STEP.set(new Step(label, done, total));
  }

  /** The driver-side step is over (Spark jobs, if any, speak for themselves again). */
  public static void endStep() {
    STEP.set(null);
  }

  /** Stops the thread and waits for it, so no line follows the stage's end line. */
  @Override
  public void close() {
    if (thread.isAlive()) {
      thread.interrupt();
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (intervalMs > 0) {
      sc.removeSparkListener(names);
    }
    STEP.set(null);
  }

  private void loop() {
    try {
      while (true) {
        Thread.sleep(intervalMs);
        String line = line();
        if (line != null) {
          out.println(line);
        }
      }
    } catch (InterruptedException e) {
      // the stage is over
    } catch (RuntimeException e) {
      // progress is a courtesy: a status-tracker hiccup must not outlive or disturb the stage
    }
  }

  /** The line for now, or null when Spark's console bar already shows everything there is to show. */
  String line() {
    if (consoleBar && sc.statusTracker().getActiveJobIds().length > 0) {
      return null; // the bar is drawing its line: a line of ours would break it
    }
    StringBuilder b = new StringBuilder(".. ").append(stage).append(": ")
        .append(elapsed(Duration.ofNanos(System.nanoTime() - started)));
    Step s = STEP.get();
    if (s != null) {
      b.append(", ").append(s.label());
      if (s.total() > 0) {
        b.append(' ').append(s.done()).append('/').append(s.total());
      } else if (s.done() > 0) {
        b.append(' ').append(s.done());
      }
    }
    String job = consoleBar ? null : sparkJob();
    if (job != null) {
      b.append(", ").append(job);
    } else if (s == null) {
      b.append(", working on the driver");
    }
    return b.toString();
  }

  /** The newest active Spark job as {@code Spark job 14 ("name"): stage 3/5, tasks 120/200}, or null. */
  private String sparkJob() {
    JavaSparkStatusTracker st = JavaSparkContext.fromSparkContext(sc).statusTracker();
    int[] jobs = st.getActiveJobIds();
    if (jobs.length == 0) {
      return null;
    }
    int jobId = Arrays.stream(jobs).max().getAsInt();
    StringBuilder b = new StringBuilder("Spark job ").append(jobId);
    String name = jobNames.get(jobId);
    if (name != null) {
      b.append(" (\"").append(name).append("\")");
    }
    SparkJobInfo job = st.getJobInfo(jobId);
    if (job == null) {
      return b.toString();
    }
    int[] stages = job.stageIds().clone();
    Arrays.sort(stages);
    int[] active = st.getActiveStageIds();
    for (int i = 0; i < stages.length; i++) {
      int id = stages[i];
      SparkStageInfo info = Arrays.stream(active).anyMatch(a -> a == id) ? st.getStageInfo(id) : null;
      if (info != null) {
        return b.append(String.format(Locale.ROOT, ": stage %d/%d, tasks %d/%d", i + 1, stages.length,
            info.numCompletedTasks(), info.numTasks())).toString();
      }
    }
    return b.append(String.format(Locale.ROOT, ": %d stages", stages.length)).toString();
  }

  private String nameOf(String description, String group) {
    if (description != null && !description.isBlank() && !description.equals(groupDescription)) {
      return description;
    }
    return group != null && !group.equals(stage) ? group : null;
  }

  /** {@code 40 s}, {@code 1 min 10 s}. */
  static String elapsed(Duration d) {
    long s = d.toSeconds();
    return s < 60 ? s + " s" : String.format(Locale.ROOT, "%d min %d s", s / 60, s % 60);
  }
}
