package io.retention.app;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.map_entries;
import static org.assertj.core.api.Assertions.assertThat;

import io.retention.lake.Table;
import io.retention.testing.ChildJvm;
import io.retention.testing.SharedSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster check, end to end: {@code jobs/cluster-up} starts a real Spark standalone master and worker
 * (127.0.0.1, free ports, a temporary cluster folder); {@code jobs/retention nightly --master spark://…} submits
 * the thin -cluster jar through SparkSubmit; its tables must equal those of a local {@code nightly} on the same
 * input (run at the same time, in another JVM); {@code jobs/cluster-down} always runs and must leave no process.
 *
 * <p>Input: the bundled samples (3,241 records, 600 customers) with the daily files concatenated per month, which
 * keeps every record and bad row but ingests 26 files instead of 733. Both runs use 2 shuffle partitions.
 */
class ClusterIT {
  private static final String[] SAME = {"--set", "shufflePartitions=2"};
  private static Path clusterDir;
  private static Path work;
  private static Map<String, String> clusterEnv;
  private static int masterPort;
  private static ChildJvm.Outcome up;
  private static ChildJvm.Outcome upAgain;
  private static ChildJvm.Outcome local;
  private static ChildJvm.Outcome onCluster;
  private static final long START = System.nanoTime();

  @BeforeAll
  static void upAndRunBoth() throws IOException {
    work = SharedSpark.tempDir("cluster-it");
    clusterDir = work.resolve("cluster");
    Path landing = monthlyLanding(work.resolve("landing"));
    int[] ports = freePorts(4);
    masterPort = ports[0];
    clusterEnv = Map.of("RETENTION_CLUSTER_DIR", clusterDir.toString(),
        "RETENTION_CLUSTER_MASTER_PORT", String.valueOf(ports[0]),
        "RETENTION_CLUSTER_MASTER_UI_PORT", String.valueOf(ports[1]),
        "RETENTION_CLUSTER_WORKER_PORT", String.valueOf(ports[2]),
        "RETENTION_CLUSTER_WORKER_UI_PORT", String.valueOf(ports[3]),
        "RETENTION_CLUSTER_CORES", "2", "RETENTION_CLUSTER_MEMORY", "2g");

    // the local reference run, in its own JVM, while the cluster starts and runs
    CompletableFuture<ChildJvm.Outcome> reference = CompletableFuture.supplyAsync(
        () -> nightly(Map.of("RETENTION_JAVA_OPTS", "-Xmx1g"), landing, "local"));
    up = ChildJvm.script(clusterEnv, 5, "jobs/cluster-up");
    log("cluster-up", up);
    upAgain = ChildJvm.script(clusterEnv, 5, "jobs/cluster-up");
    if (up.exitCode() == 0) {
      onCluster = nightly(Map.of("RETENTION_JAVA_OPTS", "-Xmx1g",
          "RETENTION_SUBMIT_OPTS", "--executor-memory 1g --conf spark.ui.enabled=false"), landing, "cluster",
          "--master", up.stdout().trim());
      log("nightly on the cluster", onCluster);
    }
    local = reference.join();
    log("local nightly", local);
  }

  @AfterAll
  static void downAndNothingLeft() throws IOException {
    List<Long> daemons = pids();
    ChildJvm.Outcome down = ChildJvm.script(clusterEnv, 2, "jobs/cluster-down");
    log("cluster-down", down);
    ChildJvm.Outcome downAgain = ChildJvm.script(clusterEnv, 1, "jobs/cluster-down");
    System.err.printf("ClusterIT: %.1f s in all%n", (System.nanoTime() - START) / 1e9);
    assertThat(down.exitCode()).as(down.stderr()).isZero();
    assertThat(down.stderr()).contains("cluster: stopped worker (pid ").contains("cluster: stopped master (pid ");
    for (long pid : daemons) {
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("pid %d after cluster-down", pid).isEmpty();
    }
    assertThat(processesMentioning(clusterDir.toString())).as("processes left from " + clusterDir).isEmpty();
    assertThat(downAgain.exitCode()).isZero();
    assertThat(downAgain.stderr()).contains("cluster: not running");
  }

  @Test
  void clusterUpStartsOnLoopbackAndIsIdempotent() throws IOException {
    assertThat(up.exitCode()).as(up.stderr()).isZero();
    assertThat(up.stdout().trim()).isEqualTo("spark://127.0.0.1:" + masterPort);
    assertThat(up.stderr()).contains("cluster: running: master spark://127.0.0.1:" + masterPort)
        .contains("worker 2 cores / 2g");
    assertThat(upAgain.exitCode()).as(upAgain.stderr()).isZero();
    assertThat(upAgain.stderr()).startsWith("cluster: already running: master spark://127.0.0.1:" + masterPort);
    assertThat(upAgain.stdout().trim()).isEqualTo(up.stdout().trim());
    assertThat(Files.readString(clusterDir.resolve("logs/master.log")))
        .contains("Starting Spark master at spark://127.0.0.1:" + masterPort);
    assertThat(Files.readString(clusterDir.resolve("logs/worker.log")))
        .contains("Successfully registered with master spark://127.0.0.1:" + masterPort);
  }

  @Test
  void nightlyRunsOnTheClusterFromTheThinJar() throws IOException {
    assertThat(onCluster).as("cluster-up failed: " + up.stderr()).isNotNull();
    assertThat(onCluster.exitCode()).as(onCluster.stderr()).isZero();
    assertThat(onCluster.stderr()).contains("3241 records = 3196 accepted + 42 quarantined + 3 duplicates (balanced)")
        .contains("nightly: all stages ok");
    // the worker started executors for the application, and they fetched the thin jar from the driver
    try (Stream<Path> files = Files.walk(clusterDir.resolve("work"))) {
      assertThat(files.map(p -> p.getFileName().toString())).contains("retention-0.1.0-cluster.jar", "stderr");
    }
  }

  @Test
  void clusterTablesEqualTheLocalRun() {
    assertThat(local.exitCode()).as(local.stderr()).isZero();
    assertThat(onCluster).isNotNull();
    assertThat(onCluster.exitCode()).as(onCluster.stderr()).isZero();
    String expected = work.resolve("wh-local").toString();
    String actual = work.resolve("wh-cluster").toString();
    assertSameTables(expected, actual);
  }

  /** Every table both runs write, whole: exact where the values are, doubles within 1e-9 (sorted by key). */
  static void assertSameTables(String expected, String actual) {
    exact(expected, actual, Table.PURCHASES, "ingest_run_id");
    exact(expected, actual, Table.QUARANTINE, "ingest_run_id");
    exact(expected, actual, Table.PURCHASE_EVENTS, "ingest_run_id", "ingested_at");
    approx(expected, actual, Table.CUSTOMERS, List.of("customer_id"));
    approx(expected, actual, Table.COHORT_RETENTION, List.of("cohort", "period_index"));
    approx(expected, actual, Table.RETENTION_KPIS, List.of("period_start"));
    approx(expected, actual, Table.PURCHASE_GAPS, List.of("cohort", "transition"));
    approx(expected, actual, Table.CLV_MODEL, List.of("model"), "fitted_at", "run_id");
    approx(expected, actual, Table.CUSTOMER_CLV, List.of("customer_id"));
    approx(expected, actual, Table.CHURN_FEATURES, List.of("customer_id"));
    approx(expected, actual, Table.CHURN_SCORES, List.of("customer_id"), "model_version");
  }

  private static void exact(String expected, String actual, Table t, String... drop) {
    try {
      SharedSpark.assertSameRows(read(expected, t, drop), read(actual, t, drop));
    } catch (AssertionError e) {
      throw new AssertionError(t.qualifiedName() + " differs: " + e.getMessage(), e);
    }
  }

  private static void approx(String expected, String actual, Table t, List<String> keys, String... drop) {
    Column[] order = keys.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    Dataset<Row> e = read(expected, t, drop).orderBy(order);
    Dataset<Row> a = read(actual, t, drop).orderBy(order);
    try {
      assertThat(a.count()).as("rows").isEqualTo(e.count()).isPositive();
      SharedSpark.assertApproxRows(e, a, 1e-9);
    } catch (AssertionError err) {
      throw new AssertionError(t.qualifiedName() + " differs: " + err.getMessage(), err);
    }
  }

  /** The table without its run-dependent columns; maps as sorted entry arrays (set operations reject maps). */
  private static Dataset<Row> read(String warehouse, Table t, String... drop) {
    Dataset<Row> df = SharedSpark.get().read().format("delta").load(t.path(warehouse)).drop(drop);
    for (StructField f : df.schema().fields()) {
      if (f.dataType() instanceof MapType) {
        df = df.withColumn(f.name(), array_sort(map_entries(col(f.name()))));
      }
    }
    return df;
  }

  private static ChildJvm.Outcome nightly(Map<String, String> env, Path landing, String name, String... more) {
    List<String> args = new ArrayList<>(List.of("nightly", "--input", landing.toString(),
        "--warehouse", work.resolve("wh-" + name).toString(),
        "--set", "export.dir=" + work.resolve("exports-" + name),
        "--set", "report.dir=" + work.resolve("reports-" + name)));
    args.addAll(Arrays.asList(SAME));
    args.addAll(Arrays.asList(more));
    return ChildJvm.script(env, 20, "jobs/retention", args.toArray(String[]::new));
  }

  /** data-samples/landing with the daily files of each month concatenated (one header), bad-row files as is. */
  private static Path monthlyLanding(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path samples = ChildJvm.projectDir().resolve("data-samples/landing");
    Map<String, List<Path>> months = new TreeMap<>();
    try (Stream<Path> files = Files.list(samples)) {
      for (Path f : files.sorted().toList()) {
        String n = f.getFileName().toString();
        if (n.matches("\\d{4}-\\d{2}-\\d{2}\\.csv")) {
          months.computeIfAbsent(n.substring(0, 7), k -> new ArrayList<>()).add(f);
        } else {
          Files.copy(f, dir.resolve(n));
        }
      }
    }
    for (Map.Entry<String, List<Path>> m : months.entrySet()) {
      StringBuilder sb = new StringBuilder();
      for (Path day : m.getValue()) {
        List<String> lines = Files.readAllLines(day, StandardCharsets.UTF_8);
        if (sb.isEmpty()) {
          sb.append(lines.get(0)).append('\n');
        }
        lines.stream().skip(1).forEach(l -> sb.append(l).append('\n'));
      }
      Files.writeString(dir.resolve(m.getKey() + ".csv"), sb, StandardCharsets.UTF_8);
    }
    return dir;
  }

  private static int[] freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }

  private static List<Long> pids() throws IOException {
    List<Long> out = new ArrayList<>();
    for (String name : List.of("master.pid", "worker.pid")) {
      Path f = clusterDir.resolve(name);
      if (Files.exists(f)) {
        out.add(Long.parseLong(Files.readString(f).trim()));
      }
    }
    return out;
  }

  /** Live processes whose command line mentions {@code text} (the cluster folder: daemons and executors). */
  static List<String> processesMentioning(String text) {
    Map<String, String> found = new HashMap<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
        try {
          String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
          if (cmd.contains(text)) {
            found.put(p.getFileName().toString(), cmd.length() > 200 ? cmd.substring(0, 200) : cmd);
          }
        } catch (IOException | UncheckedIOException gone) {
          // the process ended while we looked
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList();
  }

  private static void log(String what, ChildJvm.Outcome o) {
    System.err.printf("ClusterIT: %s exit %d at %.1f s%n", what, o.exitCode(), (System.nanoTime() - START) / 1e9);
  }
}
