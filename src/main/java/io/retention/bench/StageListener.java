package io.retention.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart;
import scala.jdk.javaapi.CollectionConverters;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.executor.TaskMetrics;

/**
 * Records every completed Spark stage with the benchmark step that was running ({@link #step(String)}), its
 * wall time, input rows and shuffle bytes, so the report can say which Spark stages a slow step spends its
 * time in. Only these small summaries are kept (one per Spark stage).
 */
public final class StageListener extends SparkListener {
  /** One completed Spark stage. */
  public record SparkStage(String step, int stageId, String name, long millis, int tasks, long inputRecords,
      long shuffleReadBytes, long shuffleWriteBytes, long spillBytes) {}

  private final List<SparkStage> stages = new ArrayList<>();
  private final Map<Long, String> executions = new HashMap<>();
  private final Map<Integer, String> stageQuery = new HashMap<>();
  private volatile String step = "-";

  public void step(String name) {
    step = name;
  }

  /** Remembers each SQL execution's description (the action's call site, e.g. "save at DeltaTables.java:75"). */
  @Override
  public synchronized void onOtherEvent(SparkListenerEvent event) {
    if (event instanceof SparkListenerSQLExecutionStart e) {
      executions.put(e.executionId(), e.description());
    }
  }

  /** Names the job's stages after its SQL execution (AQE stages otherwise carry a CompletableFuture call site). */
  @Override
  public synchronized void onJobStart(SparkListenerJobStart event) {
    String id = event.properties() == null ? null : event.properties().getProperty("spark.sql.execution.id");
    String desc = id == null ? null : executions.get(Long.parseLong(id));
    if (desc != null) {
      for (Object stageId : CollectionConverters.asJava(event.stageIds())) {
        stageQuery.put((Integer) stageId, "sql " + id + ": " + desc);
      }
    }
  }

  @Override
  public synchronized void onStageCompleted(SparkListenerStageCompleted event) {
    StageInfo info = event.stageInfo();
    long start = info.submissionTime().isDefined() ? (Long) info.submissionTime().get() : 0L;
    long end = info.completionTime().isDefined() ? (Long) info.completionTime().get() : start;
    TaskMetrics m = info.taskMetrics();
    String full = stageQuery.getOrDefault(info.stageId(), info.name());
    String name = full.length() > 70 ? full.substring(0, 70) : full;
    stages.add(new SparkStage(step, info.stageId(), name, end - start, info.numTasks(),
        m == null ? 0 : m.inputMetrics().recordsRead(),
        m == null ? 0 : m.shuffleReadMetrics().remoteBytesRead() + m.shuffleReadMetrics().localBytesRead(),
        m == null ? 0 : m.shuffleWriteMetrics().bytesWritten(),
        m == null ? 0 : m.memoryBytesSpilled() + m.diskBytesSpilled()));
  }

  /** The {@code n} slowest Spark stages of a step, slowest first. */
  public synchronized List<SparkStage> slowest(String stepName, int n) {
    return stages.stream().filter(s -> s.step().equals(stepName))
        .sorted(Comparator.comparingLong(SparkStage::millis).reversed()).limit(n).toList();
  }

  /** Total stage time and count of a step. */
  public synchronized long[] totals(String stepName) {
    long ms = 0;
    long n = 0;
    for (SparkStage s : stages) {
      if (s.step().equals(stepName)) {
        ms += s.millis();
        n++;
      }
    }
    return new long[] {ms, n};
  }
}
