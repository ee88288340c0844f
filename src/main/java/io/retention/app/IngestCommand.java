package io.retention.app;

import io.retention.erasure.ErasureKey;
import io.retention.erasure.Suppression;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.when;

import io.retention.ingest.IngestAccounting;
import io.retention.ingest.IngestStage;
import io.retention.ingest.ProfileException;
import io.retention.ingest.RejectedFile;
import io.retention.ingest.SourceProfile;
import io.retention.ingest.ValidationRules;
import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.pipeline.StageContext;
import io.retention.schema.Columns;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ingest --input PATH [--profile NAME]}. */
@Command(name = "ingest",
    footer = "Example: jobs/retention ingest --input data-samples/landing",
    mixinStandardHelpOptions = true,
    description = "Ingest purchase logs (CSV / JSON Lines / whitespace, optionally gzip) into bronze and silver.")
public final class IngestCommand extends StageCommand<IngestStage.Result> {
  @Option(names = "--input", paramLabel = "PATH",
      description = "A file, a folder (read recursively) or a glob. Default: data-samples/landing (retention.input).")
  String input;

  @Option(names = "--profile", paramLabel = "NAME",
      description = "Source profile: canonical, online-retail, cdnow or a conf/sources/<NAME>.conf. Default: "
          + "canonical (retention.profile).")
  String profile;

  private SourceProfile sourceProfile;
  private String landing;
  private ErasureKey erasureKey;

  /** The ingest of a nightly: {@code landing} with {@code profile} (null = the configured ones). */
  static IngestCommand of(String landing, String profile) {
    IngestCommand c = new IngestCommand();
    c.input = landing;
    c.profile = profile;
    return c;
  }

  @Override
  protected void validate(JobConfig config) {
    landing = input == null ? config.input() : input;
    try {
      sourceProfile = SourceProfile.load(profile == null ? config.profile() : profile, config.profilesDir());
    } catch (ProfileException e) {
      throw new ConfigException(e.getMessage());
    }
    erasureKey = erasureKey(config, System.getenv(ErasureKey.ENV));
  }

  /**
   * The key of the suppression list ({@code env}: $RETENTION_ERASURE_KEY): needed once {@code forget} erased
   * customers from the warehouse, so that their re-landed records are recognised; null when unset otherwise.
   */
  static ErasureKey erasureKey(JobConfig config, String env) {
    if (env == null || env.isEmpty()) {
      if (Suppression.anyErasure(config.warehouse())) {
        throw new ConfigException("ingest: the warehouse has erased customers (ops.erasures), so ingest needs $"
            + ErasureKey.ENV + " to suppress their re-landed records");
      }
      return null;
    }
    try {
      return ErasureKey.fromEnv(env, "ingest");
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  @Override
  protected String lockHolder() {
    return "ingest";
  }

  @Override
  protected String stage() {
    return "ingest";
  }

  @Override
  protected IngestStage.Result runStage(JobConfig config, StageContext ctx) {
    return new IngestStage(ctx.tables(), options(config, sourceProfile, landing), erasureKey).run();
  }

  @Override
  protected void print(IngestStage.Result r, StageContext ctx) {
    print(r, sourceProfile.name(), landing, err);
    printOrders(ctx.tables(), r.batchRunIds(), err);
  }

  @Override
  protected int exitCode(IngestStage.Result r) {
    return r.books().imbalances().isEmpty() ? Main.OK : Main.JOB_FAILED;
  }

  /** The ingest stage's options from the configuration, a profile and the landing path. */
  static IngestStage.Options options(JobConfig config, SourceProfile profile, String input) {
    JobConfig.IngestSettings s = config.ingest();
    ValidationRules rules = s.rules(config.timezone(), Instant.now());
    return new IngestStage.Options(JobConfig.absolute(input), profile, rules, (long) s.batchMegabytes() << 20);
  }

  /** Orders of this run (its batches' run ids) in silver by kind, and their customers (one small aggregate). */
  static void printOrders(DeltaTables tables, List<String> runIds, PrintStream err) {
    if (runIds.isEmpty() || !tables.exists(Table.PURCHASES)) { // nothing ingested: no scan of silver
      return;
    }
    Row r = tables.read(Table.PURCHASES).filter(col(Columns.INGEST_RUN_ID).isin(runIds.toArray())).agg(
        count(when(col(Columns.KIND).equalTo(Columns.KIND_PURCHASE), true)),
        count(when(col(Columns.KIND).equalTo(Columns.KIND_REFUND), true)),
        countDistinct(col(Columns.CUSTOMER_ID))).first();
    err.printf("  this run's orders in silver: %d purchases, %d refunds, %d customers%n", r.getLong(0),
        r.getLong(1), r.getLong(2));
  }

  static void print(IngestStage.Result r, String profile, String input, PrintStream err) {
    IngestAccounting b = r.books();
    err.printf("ingest  %s (profile %s), run %s%n", input, profile, r.runId());
    long empty = b.files().stream().filter(f -> f.size() == 0).count();
    err.printf("  files: %d found, %d skipped (already ingested, or set aside and unchanged), %d read (%d empty), "
        + "%d set aside%s%n", r.filesFound(), r.filesSkipped(), b.files().size(), empty, r.setAside().size(),
        r.batchRunIds().size() > 1 ? " in " + r.batchRunIds().size() + " batches ("
            + String.join(", ", r.batchRunIds()) + ")" : "");
    err.printf("  %s%n", b.statement());
    if (!r.setAside().isEmpty()) {
      err.printf("  set aside (in ops.rejected_files; read again when their content changes):%n");
      for (RejectedFile f : r.setAside()) {
        err.printf("    %s: %s (%s)%n", f.path(), f.reason(), f.detail());
      }
    }
    err.printf("  orders inserted into silver.purchases: %d%n", r.ordersInserted());
    b.quarantineByReason().forEach((k, v) -> err.printf("  quarantined %-22s %d%n", k, v));
  }
}
