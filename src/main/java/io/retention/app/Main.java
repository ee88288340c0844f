package io.retention.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

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
        ReportCommand.class,
        GenerateCommand.class,
        NightlyCommand.class,
        HousekeepingCommand.class,
        BenchCommand.class,
        StatusCommand.class,
    })
public final class Main implements Runnable {
  public static final int OK = 0;
  public static final int JOB_FAILED = 1;
  public static final int USAGE = 2;

  @Override
  public void run() {
    new CommandLine(this).usage(System.err);
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
    cl.setExecutionExceptionHandler((ex, line, parsed) -> failure(ex));
    return cl.execute(args);
  }

  private static int usageError(ParameterException ex, String[] args) {
    System.err.println("retention: " + ex.getMessage());
    System.err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
    return USAGE;
  }

  private static int failure(Exception ex) {
    if (ex instanceof ConfigException) {
      System.err.println("retention: " + ex.getMessage());
      return USAGE;
    }
    if (ex instanceof JobFailure) {
      System.err.println("retention: " + ex.getMessage());
      return JOB_FAILED;
    }
    System.err.println("retention: failed: " + oneLine(rootMessage(ex)));
    org.slf4j.LoggerFactory.getLogger(Main.class).debug("stack trace", ex);
    return JOB_FAILED;
  }

  static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    String m = c.getMessage();
    return c.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /** Collapses a multi-line message (Spark's parse errors) to one line. */
  public static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
