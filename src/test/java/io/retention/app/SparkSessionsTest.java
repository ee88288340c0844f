package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SparkSessionsTest {
  @Test
  void aTestRunIsNoTerminalSoSparksConsoleBarStaysOffAndPlainProgressLinesAreUsed() {
    // Surefire's forked JVM reads and writes pipes, like cron or Airflow
    assertThat(System.console()).isNull();
    assertThat(SparkSessions.stderrIsTerminal()).isFalse();
  }
}
