package io.retention.app;

import io.retention.pipeline.Failures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** The command line: turns arguments into a command, runs it and returns the exit code. */
@Command(name = "retention", mixinStandardHelpOptions = true, version = "retention 0.1.0",
    description = "Retention analytics on Spark and Delta Lake.",
    subcommands = {
        IngestCommand.class,
        MetricsCommand.class,
        ClvCommand.class,
        ClvEvaluateCommand.class,
        QueryCommand.class,
        SqlCommand.class,
        TrainChurnCommand.class,
        ScoreChurnCommand.class,
        ExportCommand.class,
        BacktestCommand.class,
        ReportCommand.class,
        GenerateCommand.class,
        NightlyCommand.class,
        HousekeepingCommand.class,
        BenchCommand.class,
        StatusCommand.class,
        ForgetCommand.class,
        CatalogCommand.class,
        RatesCommand.class,
    })
public final class Main implements Callable<Integer> {
  public static final int OK = 0;
  public static final int JOB_FAILED = 1;
  public static final int USAGE = 2;
  /** A quality gate failed, or the night is held by one: nothing was published. */
  public static final int GATE_FAILED = 3;
  /** The logger of a failed command's stack trace: conf/log4j2.properties sends it to the log file only. */
  static final String FAILURE_LOGGER = "retention.failure";

  @Spec
  CommandSpec spec;

  /** No command given: the usage on stderr, exit code 2 (a usage error). */
  @Override
  public Integer call() {
    System.err.println("retention: a command is needed");
    spec.commandLine().usage(System.err);
    return USAGE;
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code (tests call this directly). */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new java.io.PrintWriter(System.err, true));
    cl.setErr(new java.io.PrintWriter(System.err, true));
    cl.setParameterExceptionHandler(Main::usageError);
    cl.setExecutionExceptionHandler((ex, line, parsed) -> failure(ex, verbose(parsed)));
    return cl.execute(args);
  }

  private static int usageError(ParameterException ex, String[] args) {
    System.err.println("retention: " + ex.getMessage());
    System.err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
    return USAGE;
  }

  /**
   * A configuration error is one line (exit 2), and so is a job failure the user can act on (a
   * {@link JobFailure} without a cause, exit 1). Any other failure (exit 1) is one line, then the log file that
   * holds its stack trace ({@code --verbose}: the stack trace itself, on stderr). Every job failure is logged.
   */
  static int failure(Exception ex, boolean verbose) {
    if (ex instanceof ConfigException) {
      System.err.println("retention: " + Failures.oneLine(ex.getMessage()));
      return USAGE;
    }
    if (ex instanceof io.retention.quality.GateFailure) {
      String line = "retention: " + Failures.oneLine(ex.getMessage());
      System.err.println(line);
      LoggerFactory.getLogger(FAILURE_LOGGER).error(line);
      return GATE_FAILED;
    }
    String line = "retention: " + (ex instanceof JobFailure ? Failures.oneLine(ex.getMessage())
        : "failed: " + Failures.oneLine(Failures.root(ex)));
    System.err.println(line);
    LoggerFactory.getLogger(FAILURE_LOGGER).error(line, ex);
    if (ex instanceof JobFailure && ex.getCause() == null) {
      return JOB_FAILED;
    }
    if (verbose) {
      ex.printStackTrace(System.err);
    } else {
      Path log = LogFile.current();
      System.err.println(Files.isRegularFile(log)
          ? "retention: the stack trace is in " + log + " (--verbose prints it here)"
          : "retention: --verbose prints the stack trace");
    }
    return JOB_FAILED;
  }

  /** {@code --verbose} given to the command (or any command above it). */
  private static boolean verbose(ParseResult parsed) {
    for (ParseResult r = parsed; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
