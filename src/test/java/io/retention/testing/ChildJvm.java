package io.retention.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the application jar (or the launcher) in a separate process, as a user or a scheduler would. */
public final class ChildJvm {
  /** Exit code and output of a finished process. */
  public record Outcome(int exitCode, String stdout, String stderr) {}

  private ChildJvm() {}

  public static Path projectDir() {
    return Path.of(System.getProperty("retention.project.dir", ".")).toAbsolutePath().normalize();
  }

  /** {@code java <spark flags> [props] -cp <all-in jar> io.retention.app.Main args}. */
  public static Outcome main(List<String> systemProps, String... args) {
    return main(10, systemProps, args);
  }

  /** {@link #main(List, String...)} waiting at most {@code timeoutMinutes} (a whole nightly on a busy machine). */
  public static Outcome main(int timeoutMinutes, List<String> systemProps, String... args) {
    Path dir = projectDir();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions(dir));
    cmd.add("-Xmx2g");
    cmd.add("-Dlog4j2.configurationFile=file:" + dir.resolve("conf/log4j2.properties"));
    cmd.addAll(systemProps);
    cmd.add("-cp");
    cmd.add(dir.resolve("target/retention-0.1.0-all.jar").toString());
    cmd.add("io.retention.app.Main");
    cmd.addAll(Arrays.asList(args));
    return run(cmd, Map.of(), timeoutMinutes);
  }

  /**
   * {@code java <spark flags> -cp <this JVM's class path> mainClass args}: a test's own program (a second Spark
   * application beside the one under test).
   */
  public static Outcome testMain(Class<?> mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions(projectDir()));
    cmd.add("-Xmx1g");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    cmd.addAll(Arrays.asList(args));
    return run(cmd);
  }

  private static List<String> jvmOptions(Path dir) {
    try {
      return Arrays.asList(Files.readString(dir.resolve("target/jvm.options")).trim().split("\\s+"));
    } catch (IOException e) {
      throw new IllegalStateException("target/jvm.options missing: run mvn package first", e);
    }
  }

  /** The real launcher script {@code jobs/retention args}. */
  public static Outcome launcher(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(projectDir().resolve("jobs/retention").toString());
    cmd.addAll(Arrays.asList(args));
    return run(cmd);
  }

  /**
   * A project script, e.g. {@code jobs/cluster-up} or {@code jobs/retention}, with extra environment variables,
   * waiting at most {@code timeoutMinutes}.
   */
  public static Outcome script(Map<String, String> env, int timeoutMinutes, String script, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(projectDir().resolve(script).toString());
    cmd.addAll(Arrays.asList(args));
    return run(cmd, env, timeoutMinutes);
  }

  private static Outcome run(List<String> cmd) {
    return run(cmd, Map.of(), 10);
  }

  private static Outcome run(List<String> cmd, Map<String, String> env, int timeoutMinutes) {
    try {
      Path out = Files.createTempFile("child", ".out");
      Path err = Files.createTempFile("child", ".err");
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(projectDir().toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + cmd);
      }
      return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
