package io.retention.app;

import io.retention.lake.DeltaTables;
import io.retention.report.HtmlReport;
import io.retention.report.ReportData;
import io.retention.report.ReportModel;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code report}: the HTML page with PNG charts, written to {@code <out>/<as-of>/index.html}. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write the HTML retention report (index.html + PNG charts) for a date.")
public final class ReportCommand extends SparkCommand {
  @Option(names = "--as-of", paramLabel = "DATE",
      description = "Last day of data (yyyy-mm-dd). Default: the latest purchase order_date in silver.purchases.")
  String asOf;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Folder of the reports; the report goes to <DIR>/<date>/. Default: retention.report.dir.")
  String out;

  @Option(names = "--pseudonymise", description = "Show HMAC-SHA256 pseudonyms (keyed from $"
      + ExportCommand.HMAC_KEY_ENV + ", as the export) instead of customer ids. Also on with export.pseudonymise.")
  boolean pseudonymise;

  private LocalDate asOfDate;
  private byte[] pseudonymKey;

  @Override
  protected void validate(JobConfig config) {
    asOfDate = ClvCommand.date("--as-of", asOf);
    pseudonymKey = key(config, System.getenv(ExportCommand.HMAC_KEY_ENV));
    if (out != null && out.isBlank()) {
      throw new ConfigException("--out must name a folder, cannot be blank");
    }
  }

  /** The at-risk ids' HMAC key when --pseudonymise or export.pseudonymise is on ({@code env}: the key), else null. */
  byte[] key(JobConfig config, String env) {
    return ExportCommand.hmacKey(pseudonymise || ExportCommand.pseudonymiseConfigured(config), env);
  }

  /** The reports folder: --out, else retention.report.dir (relative to retention.home when set). */
  Path outDir(JobConfig config) {
    return Path.of(out != null ? out : JobConfig.homeRelative(config.reportDir())).toAbsolutePath().normalize();
  }

  @Override
  protected int run(JobConfig config, SparkSession spark) throws Exception {
    DeltaTables tables = new DeltaTables(spark, config.warehouse());
    ReportModel model;
    try {
      model = new ReportData(tables).load(new ReportData.Options(asOfDate, config.activeWindowDays(), pseudonymKey));
    } catch (IllegalStateException e) {
      throw new JobFailure(e.getMessage(), e);
    }
    Path dir = HtmlReport.write(model, outDir(config));
    err.printf("report: as of %s (grain %s)%n", model.asOf(), model.grain());
    err.printf("  sections: cohorts %s, kpis %s, gaps %s, clv %s, clv evaluation %s, churn %s, churn model %s%n",
        state(!model.cohorts().isEmpty()), state(!model.kpis().isEmpty()), state(model.gaps() != null),
        state(model.clv() != null), state(!model.calibration().isEmpty()), state(model.churn() != null),
        state(model.churnModel() != null));
    if (pseudonymKey != null) {
      err.println("  at-risk ids pseudonymised (HMAC-SHA256, key from $" + ExportCommand.HMAC_KEY_ENV + ")");
    }
    err.println("  written: " + dir.resolve("index.html"));
    return 0;
  }

  private static String state(boolean present) {
    return present ? "yes" : "not computed yet";
  }
}
