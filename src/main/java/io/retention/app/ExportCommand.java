package io.retention.app;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.retention.clv.CustomerLifetimeValue;
import io.retention.export.AtRiskExport;
import io.retention.export.AtRiskLists;
import io.retention.export.ControlGroup;
import io.retention.export.CrmColumns;
import io.retention.export.ExportWriter;
import io.retention.export.ListPolicy;
import io.retention.lake.DeltaTables;
import io.retention.lake.StageLedger;
import io.retention.lake.Table;
import io.retention.pipeline.RunRow;
import io.retention.pipeline.StageContext;
import io.retention.pipeline.StageResult;
import io.retention.schema.ChurnColumns;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code export}: the CRM at-risk list of one score date as an atomic, owner-only CSV with a manifest. */
@Command(name = "export",
    footer = "Example: jobs/retention export --as-of 2025-12-31 --top 200",
    mixinStandardHelpOptions = true,
    description = "Write exports/at_risk/<date>/ for the CRM: customers worth contacting, ranked by expected "
        + "value saved, with a control group.")
public final class ExportCommand extends StageCommand<ExportCommand.Exported> {
  /** The environment variable holding the pseudonymisation key (never a config file). */
  public static final String HMAC_KEY_ENV = "RETENTION_EXPORT_HMAC_KEY";

  @Option(names = "--as-of", paramLabel = "DATE", description = "Score date. Default: the latest purchase day.")
  String asOf;

  @Option(names = "--out", paramLabel = "DIR", description = "Export folder. Default: exports (retention.export.dir).")
  String out;

  @Option(names = "--top", paramLabel = "N", description = "Keep the N rows of highest expected value saved "
      + "(default 500, retention.export.top).")
  Integer top;

  @Option(names = "--min-risk", paramLabel = "X", description = "Keep rows with churn_risk >= X instead of a top N.")
  Double minRisk;

  @Option(names = "--pseudonymise", description = "Replace customer ids by HMAC-SHA256 pseudonyms keyed from "
      + "$" + HMAC_KEY_ENV + " (also on with export.pseudonymise = true).")
  boolean pseudonymise;

  private AtRiskExport.Options options;

  @Override
  protected void validate(JobConfig config) {
    options = options(config, LocalDate.EPOCH, System.getenv(HMAC_KEY_ENV));
  }

  /** The export options; {@code fallbackAsOf} when --as-of is absent, {@code key} the environment's key. */
  public AtRiskExport.Options options(JobConfig config, LocalDate fallbackAsOf, String key) {
    if (top != null && minRisk != null) {
      throw new ConfigException("--top and --min-risk exclude each other, cannot be: both");
    }
    if (top != null && top < 1) {
      throw new ConfigException("--top must be at least 1, cannot be: " + top);
    }
    if (minRisk != null && !(minRisk >= 0 && minRisk <= 1)) {
      throw new ConfigException("--min-risk must be in [0, 1], cannot be: " + minRisk);
    }
    byte[] hmac = hmacKey(pseudonymise || pseudonymiseConfigured(config), key);
    LocalDate d = Flags.date("--as-of", asOf);
    Integer n = minRisk == null ? (top == null ? Integer.valueOf(config.export().top()) : top) : null;
    JobConfig.ExportSettings e = config.export();
    return new AtRiskExport.Options(d == null ? fallbackAsOf : d, out == null ? e.dir() : out,
        n, minRisk, hmac, rules(config), new ListPolicy(e.minBand(), e.minValueSaved(), e.saveRate()),
        new ControlGroup(e.controlShare(), ControlGroup.keyOf(System.getenv(ControlGroup.KEY_ENV)),
            e.controlPeriod()), config.segments().actions(), e.matchKey());
  }

  /** The pseudonymisation key when {@code on} ({@code key} = $RETENTION_EXPORT_HMAC_KEY), else null. */
  public static byte[] hmacKey(boolean on, String key) {
    if (!on) {
      return null;
    }
    if (key == null || key.getBytes(StandardCharsets.UTF_8).length < 16) {
      throw new ConfigException("--pseudonymise needs $" + HMAC_KEY_ENV + " set to a key of at least 16 bytes");
    }
    return key.getBytes(StandardCharsets.UTF_8);
  }

  /** export.pseudonymise. */
  public static boolean pseudonymiseConfigured(JobConfig config) {
    return config.export().pseudonymise();
  }

  /** export.actions.* (checked by the configuration). */
  static AtRiskExport.Rules rules(JobConfig config) {
    return new AtRiskExport.Rules(config.export().vipMinClv(), config.export().winBackMinRisk());
  }

  /** The written export as a stage result: scored customers in, rows exported out. */
  record Exported(ExportWriter.Written written, AtRiskExport.Options options) implements StageResult {
    @Override
    public RunRow runRow() {
      return RunRow.of(written.rows(), written.rows(), Map.of(), written.file() + " sha256 " + written.sha256());
    }

    @Override
    public String summary() {
      return written.rows() + " rows -> " + written.file();
    }
  }

  @Override
  protected String stage() {
    return "export";
  }

  /** The options with the as-of date resolved (flag, else the context's pinned date, else the default). */
  AtRiskExport.Options resolvedOptions(JobConfig config, StageContext ctx) {
    return asOf != null ? options : options(config, ctx.asOfOrDefault(stage()), System.getenv(HMAC_KEY_ENV));
  }

  @Override
  protected Exported runStage(JobConfig config, StageContext ctx) {
    DeltaTables tables = ctx.tables();
    if (!tables.exists(Table.CHURN_SCORES)) {
      throw new IllegalStateException("export: " + Table.CHURN_SCORES.qualifiedName()
          + " does not exist: run score-churn first");
    }
    AtRiskExport.Options o = resolvedOptions(config, ctx);
    Dataset<Row> scores = tables.read(Table.CHURN_SCORES);
    Row any = scores.where(col(ChurnColumns.SCORE_DATE).equalTo(lit(Date.valueOf(o.asOf()))))
        .select(ChurnColumns.MODEL_VERSION).limit(1).collectAsList().stream().findFirst().orElse(null);
    if (any == null) {
      throw new IllegalStateException("export: no churn scores for " + o.asOf() + " in "
          + Table.CHURN_SCORES.qualifiedName() + ": run score-churn --as-of " + o.asOf() + " first");
    }
    if (!tables.exists(Table.CUSTOMER_CLV)) {
      err.println("export: WARNING gold.customer_clv does not exist (run clv): predicted CLV and value at risk "
          + "are empty");
    }
    Dataset<Row> clv = tables.readOrEmpty(Table.CUSTOMER_CLV, CustomerLifetimeValue.schema());
    JobConfig.ExportSettings e = config.export();
    // Held once: the file, its row count and the members table read the same list (one join, one sort, one
    // computation of the segments over every customer instead of three).
    Dataset<Row> ranked = AtRiskExport.ranked(scores, clv, crm(config, tables, o), o)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      ExportWriter.Written w = ExportWriter.write(AtRiskExport.file(ranked, o), o.outDir(), o.asOf(),
          any.getString(0), new ExportWriter.Format(e.bom(), e.groupRead(), o.matchKey()));
      AtRiskLists.write(tables, AtRiskExport.members(ranked, o), o.asOf()); // who was on the file, for the backtest
      return new Exported(w, o);
    } finally {
      ranked.unpersist();
    }
  }

  /** Each customer's RFM segment at the score date and, when configured, its match key (null: no state yet). */
  private Dataset<Row> crm(JobConfig config, DeltaTables tables, AtRiskExport.Options o) {
    if (!tables.exists(Table.CUSTOMER_ACTIVITY)) {
      err.println("export: WARNING gold.customer_activity does not exist (run metrics): segment is empty");
      return null;
    }
    return CrmColumns.at(tables, o.asOf(), config.activeWindowDays(), config.segments().rules(), o.matchKey());
  }

  /** Everything that decides the export's content and place (the HMAC key only as a hash). */
  @Override
  protected String fingerprint(JobConfig config, StageContext ctx) {
    AtRiskExport.Options o = resolvedOptions(config, ctx);
    return o.asOf() + " " + o.outDir() + " top=" + o.top() + " minRisk=" + o.minRisk()
        + " key=" + (o.hmacKey() == null ? "-" : StageLedger.sha256(new String(o.hmacKey(),
            java.nio.charset.StandardCharsets.UTF_8))) + " " + o.rules() + " " + o.policy() + " " + o.control()
        + " " + o.segmentActions() + " matchKey=" + o.matchKey() + " " + config.segments().rules()
        + " window=" + config.activeWindowDays() + " bom=" + config.export().bom() + " groupRead="
        + config.export().groupRead() + " members=" + Table.AT_RISK_LISTS.qualifiedName();
  }

  @Override
  protected void print(Exported e, StageContext ctx) {
    ExportWriter.Written w = e.written();
    err.printf("export: %d rows -> %s (sha256 %s)%n", w.rows(), w.file(), w.sha256());
  }
}
