package io.retention.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.app.ConfigException;
import io.retention.app.GenerateCommand;
import io.retention.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code generate}'s options are checked before Spark starts: one line naming the option, exit code 2. */
class GenerateCommandTest {
  private final List<Exception> thrown = new ArrayList<>();

  private int run(String... args) {
    CommandLine cl = new CommandLine(new GenerateCommand());
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      thrown.add(ex);
      return ex instanceof ConfigException ? 2 : 1;
    });
    return cl.execute(args);
  }

  private String failure(String... args) {
    assertThat(run(args)).isEqualTo(2);
    assertThat(thrown).hasSize(1).first().isInstanceOf(ConfigException.class);
    return thrown.get(0).getMessage();
  }

  @Test
  void badValuesFailWithOneLineNamingTheOption() throws IOException {
    String out = SharedSpark.tempDir("gen-cmd").resolve("new").toString();
    assertThat(failure("--orders", "0", "--customers", "10", "--out", out))
        .isEqualTo("--orders must be at least 1, cannot be: 0");
  }

  @Test
  void badStartDate() {
    String out = SharedSpark.tempDir("gen-cmd").resolve("new").toString();
    assertThat(failure("--orders", "10", "--customers", "5", "--start", "2024-02-30", "--out", out))
        .isEqualTo("--start must be a date such as 2024-01-01, cannot be: 2024-02-30");
  }

  @Test
  void unreachableOrdersAreRejectedBeforeSpark() {
    String out = SharedSpark.tempDir("gen-cmd").resolve("new").toString();
    assertThat(failure("--orders", "1000", "--customers", "10", "--days", "30", "--out", out))
        .startsWith("--orders 1000 needs 100.0 orders per customer");
  }

  @Test
  void refusesAFolderThatIsNotEmpty() throws IOException {
    Path out = SharedSpark.tempDir("gen-cmd");
    Files.writeString(out.resolve("2024-01-01.csv"), "x\n");
    assertThat(failure("--orders", "10", "--customers", "5", "--out", out.toString()))
        .isEqualTo("--out must be a new or empty folder, cannot be: " + out);
  }
}
