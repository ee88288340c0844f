package io.retention.ingest;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;

/**
 * Wall time of ingest's passes, summed over the run's batches: each pass is one driver action (Spark is lazy, so
 * a pass holds the work its action triggers) and names the Spark jobs it starts, so the run log, ops.runs and the
 * benchmark say where ingest spends its time.
 */
final class PassClock {
  static final String PREPARE = "prepare";
  static final String EXTRACT = "extract";
  static final String CLASSIFY = "classify";
  static final String BRONZE = "bronze";
  static final String QUARANTINE = "quarantine";
  static final String SILVER = "silver";
  static final String LEDGER = "ledger";

  private final Map<String, Long> millis = new LinkedHashMap<>();
  private final SparkContext sc;
  private String batch = "";

  PassClock(SparkContext sc) {
    this.sc = sc;
  }

  /** The batch the next passes belong to (shown in the Spark jobs' descriptions). */
  void batch(String description) {
    this.batch = description;
  }

  <T> T time(String pass, Supplier<T> work) {
    long start = System.nanoTime();
    String previous = sc.getLocalProperty("spark.job.description");
    sc.setJobDescription("ingest " + pass + ": " + batch);
    try {
      return work.get();
    } finally {
      sc.setJobDescription(previous);
      millis.merge(pass, (System.nanoTime() - start) / 1_000_000, Long::sum);
    }
  }

  void time(String pass, Runnable work) {
    time(pass, () -> {
      work.run();
      return null;
    });
  }

  /** Milliseconds per pass, in the order the passes first ran. */
  Map<String, Long> millis() {
    return new LinkedHashMap<>(millis);
  }

  /** "extract 12.3 s, classify 4.5 s, …". */
  static String describe(Map<String, Long> millis) {
    StringBuilder b = new StringBuilder();
    millis.forEach((pass, ms) -> b.append(b.isEmpty() ? "" : ", ")
        .append(String.format(Locale.ROOT, "%s %.1f s", pass, ms / 1000.0)));
    return b.toString();
  }
}
