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

  @Test
  void aJobFailureIsOneLineThenTheLogFileOrWithVerboseTheStackTrace() {
    IllegalStateException boom = new IllegalStateException("boom\n  second line");
    Captured quiet = Captured.stderrOf(() -> Main.failure(new JobFailure("stage clv failed: boom", boom), false));
    assertThat(quiet.code()).isEqualTo(Main.JOB_FAILED);
    assertThat(quiet.stderr().lines()).hasSize(2).first().isEqualTo("retention: stage clv failed: boom");
    assertThat(quiet.stderr()).doesNotContain("\tat ");
    Captured verbose = Captured.stderrOf(() -> Main.failure(boom, true));
    assertThat(verbose.stderr().lines().toList()).first()
        .isEqualTo("retention: failed: IllegalStateException: boom second line");
    assertThat(verbose.stderr()).contains("\tat io.retention.app.MainTest");
  }

  @Test
  void aJobFailureWithoutACauseIsOneLine() {
    Captured c = Captured.stderrOf(() -> Main.failure(new JobFailure("warehouse w is busy"), true));
    assertThat(c.code()).isEqualTo(Main.JOB_FAILED);
    assertThat(c.stderr()).isEqualTo("retention: warehouse w is busy" + System.lineSeparator());
  }

  @Test
  void aConfigurationErrorIsOneLineWithExitTwo() {
    Captured c = Captured.stderrOf(() -> Main.failure(new ConfigException("--top must be at least 1"), true));
    assertThat(c.code()).isEqualTo(Main.USAGE);
    assertThat(c.stderr()).isEqualTo("retention: --top must be at least 1" + System.lineSeparator());
  }

  @Test
  void verboseIsAnOptionOfEveryCommand() {
    picocli.CommandLine cl = new picocli.CommandLine(new Main());
    assertThat(cl.getSubcommands().values())
        .allSatisfy(sub -> assertThat(sub.getCommandSpec().findOption("--verbose")).as(sub.getCommandName())
            .isNotNull());
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
