package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.lake.WarehouseLock;
import io.retention.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A second nightly on a warehouse whose lock is held exits at once with exit code 1 and one clear line, before
 * any Spark work (the lock is taken before the SparkSession starts, so this test needs no Spark).
 */
class NightlyLockTest {
  @Test
  void aSecondNightlyExitsAtOnceWhileTheWarehouseIsLocked() {
    String wh = SharedSpark.tempDir("nightly-locked").toString();
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int code;
    long started = System.nanoTime();
    try (WarehouseLock held = WarehouseLock.acquire(wh, "nightly")) {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      code = Main.execute("nightly", "--warehouse", wh, "--input", "data-samples/landing");
    } finally {
      System.setErr(saved);
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    String err = captured.toString(StandardCharsets.UTF_8);
    assertThat(code).as(err).isEqualTo(Main.JOB_FAILED);
    assertThat(err.lines().toList()).containsExactly("retention: warehouse " + wh + " is busy: another run holds "
        + "its lock (nightly pid " + ProcessHandle.current().pid() + "); try again when it has finished");
    assertThat(millis).as("exits at once, without starting Spark").isLessThan(5_000);
  }
}
