package io.retention.app;

import io.retention.export.AtRiskExport;
import io.retention.pipeline.RunRow;
import io.retention.pipeline.StageContext;
import io.retention.pipeline.StageResult;
import io.retention.report.HtmlReport;
import io.retention.report.ReportData;
import io.retention.report.ReportModel;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code report}: the HTML page with PNG charts, written to {@code <out>/<as-of>/index.html}. */
@Command(name = "report",
    footer = "Example: jobs/retention report --as-of 2025-12-31",
    mixinStandardHelpOptions = true,
    description = "Write the HTML retention report (index.html + PNG charts) for a date.")
public final class ReportCommand extends StageCommand<ReportCommand.Reported> {
  @Option(names = "--as-of", paramLabel = "DATE",
      description = "Last day of data (YYYY-MM-DD). Default: the latest purchase order_date in silver.purchases.")
  String asOf;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Folder of the reports; the report goes to <DIR>/<date>/. Default: reports (retention.report.dir).")
  String out;

  @Option(names = "--pseudonymise", description = "Show HMAC-SHA256 pseudonyms (keyed from $"
      + ExportCommand.HMAC_KEY_ENV + ", as the export) instead of customer ids. Also on with export.pseudonymise.")
  boolean pseudonymise;

  private LocalDate asOfDate;
  private byte[] pseudonymKey;

  @Override
  protected void validate(JobConfig config) {
    asOfDate = Flags.date("--as-of", asOf);
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

  /** The written report as a stage result. */
  record Reported(ReportModel model, Path dir) implements StageResult {
    @Override
    public RunRow runRow() {
      return RunRow.of(0, 1, Map.of("cohorts", (long) model.cohorts().size(), "kpi_periods",
          (long) model.kpis().size()), dir.resolve("index.html").toString());
    }

    @Override
    public String summary() {
      return "as of " + model.asOf() + " -> " + dir.resolve("index.html");
    }
  }

  @Override
  protected String stage() {
    return "report";
  }

  @Override
  protected Reported runStage(JobConfig config, StageContext ctx) throws Exception {
    LocalDate day = asOfDate != null ? asOfDate : ctx.asOfOrDefault(stage());
    // the at-risk table is the head of the export of that date: the export's own options, ids pseudonymised
    // by the report's key
    AtRiskExport.Options list = new ExportCommand().options(config, day, System.getenv(ExportCommand.HMAC_KEY_ENV));
    ReportModel model = new ReportData(ctx.tables())
        .load(new ReportData.Options(day, config.activeWindowDays(), pseudonymKey, list));
    return new Reported(model, HtmlReport.write(model, outDir(config), dataOptions(config)));
  }

  /**
   * The options that make a command the report suggests read this report's warehouse: none for the default
   * ./warehouse, else {@code --warehouse DIR} (single-quoted for the shell when it needs it).
   */
  static String dataOptions(JobConfig config) {
    String wh = config.warehouse();
    if (wh.equals(JobConfig.absolute("warehouse"))) {
      return "";
    }
    return " --warehouse " + (wh.matches("[A-Za-z0-9_./:@+=,-]+") ? wh : "'" + wh.replace("'", "'\\''") + "'");
  }

  @Override
  protected String fingerprint(JobConfig config, StageContext ctx) {
    return (asOfDate != null ? asOfDate : ctx.asOf()) + " " + outDir(config) + " window="
        + config.activeWindowDays() + " pseudonyms=" + (pseudonymKey != null);
  }

  @Override
  protected void print(Reported r, StageContext ctx) {
    ReportModel model = r.model();
    err.printf("report: as of %s (grain %s)%n", model.asOf(), model.grain());
    err.printf("  sections: cohorts %s, kpis %s, gaps %s, clv %s, clv evaluation %s, churn %s, churn model %s%n",
        state(!model.cohorts().isEmpty()), state(!model.kpis().isEmpty()), state(model.gaps() != null),
        state(model.clv() != null), state(!model.calibration().isEmpty()), state(model.churn() != null),
        state(model.churnModel() != null));
    if (pseudonymKey != null) {
      err.println("  at-risk ids pseudonymised (HMAC-SHA256, key from $" + ExportCommand.HMAC_KEY_ENV + ")");
    }
    err.println("  written: " + r.dir().resolve("index.html"));
  }

  private static String state(boolean present) {
    return present ? "yes" : "not computed yet";
  }
}
