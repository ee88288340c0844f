package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The command line without Spark: usage errors and exit codes. */
class MainTest {
  @Test
  void noCommandPrintsTheUsageAndExitsTwo() {
    Captured c = Captured.stderrOf(() -> Main.execute());
    assertThat(c.code()).isEqualTo(Main.USAGE);
    assertThat(c.stderr()).startsWith("retention: a command is needed").contains("Usage: retention")
        .contains("nightly").contains("status");
  }

  @Test
  void helpAndVersionExitZero() {
    assertThat(Captured.stderrOf(() -> Main.execute("--help")).code()).isZero();
    assertThat(Captured.stderrOf(() -> Main.execute("--version")).code()).isZero();
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    Captured c = Captured.stderrOf(() -> Main.execute("nightlly"));
    assertThat(c.code()).isEqualTo(Main.USAGE);
    assertThat(c.stderr()).contains("retention: Unmatched argument at index 0: 'nightlly'");
  }

  /** Exit code and stderr of one {@link Main#execute} call. */
  record Captured(int code, String stderr) {
    interface Run {
      int run();
    }

    static synchronized Captured stderrOf(Run r) {
      PrintStream old = System.err;
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
      try {
        int code = r.run();
        return new Captured(code, buf.toString(StandardCharsets.UTF_8));
      } finally {
        System.setErr(old);
      }
    }
  }
}
