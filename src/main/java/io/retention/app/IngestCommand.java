package io.retention.app;

import io.retention.ingest.IngestAccounting;
import io.retention.ingest.IngestStage;
import io.retention.ingest.ProfileException;
import io.retention.ingest.RejectedFile;
import io.retention.ingest.SourceProfile;
import io.retention.ingest.ValidationRules;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.when;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.Columns;
import org.apache.spark.sql.Row;
import io.retention.lake.StageRun;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ingest --input PATH [--profile NAME]}. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Ingest purchase logs (CSV / JSON Lines / whitespace, optionally gzip) into bronze and silver.")
public final class IngestCommand extends SparkCommand {
  @Option(names = "--input", paramLabel = "PATH",
      description = "A file, a folder (read recursively) or a glob. Default: retention.input.")
  String input;

  @Option(names = "--profile", paramLabel = "NAME",
      description = "Source profile: canonical, online-retail, cdnow or a conf/sources/<NAME>.conf. Default: retention.profile.")
  String profile;

  private SourceProfile sourceProfile;

  @Override
  protected void validate(JobConfig config) {
    try {
      sourceProfile = SourceProfile.load(profile == null ? config.profile() : profile, config.profilesDir());
    } catch (ProfileException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  @Override
  protected String lockHolder() {
    return "ingest";
  }

  @Override
  protected int run(JobConfig config, SparkSession spark) throws Exception {
    DeltaTables tables = new DeltaTables(spark, config.warehouse());
    try {
      IngestStage.Result r = ingest(config, tables, sourceProfile, input == null ? config.input() : input, err);
      return r.books().imbalances().isEmpty() ? 0 : 1;
    } catch (IllegalStateException e) {
      throw new JobFailure(e.getMessage(), e);
    }
  }

  /** Runs the ingest stage, records it in ops.runs and prints its books (also used by nightly). */
  static IngestStage.Result ingest(JobConfig config, DeltaTables tables, SourceProfile profile, String input,
      PrintStream err) throws Exception {
    JobConfig.IngestSettings s = config.ingest();
    ValidationRules rules = s.rules(config.timezone(), Instant.now());
    IngestStage.Options opts = new IngestStage.Options(JobConfig.absolute(input), profile, rules,
        (long) s.batchMegabytes() << 20);
    IngestStage.Result r = StageRunner.run(tables, null, "ingest", () -> new IngestStage(tables, opts).run(),
        IngestCommand::toRun);
    print(r, profile.name(), input, err);
    printOrders(tables, r.batchRunIds(), err);
    return r;
  }

  /** Orders of this run (its batches' run ids) in silver by kind, and their customers (one small aggregate). */
  static void printOrders(DeltaTables tables, List<String> runIds, PrintStream err) {
    if (!tables.exists(Table.PURCHASES)) {
      return;
    }
    Row r = tables.read(Table.PURCHASES).filter(col(Columns.INGEST_RUN_ID).isin(runIds.toArray())).agg(
        count(when(col(Columns.KIND).equalTo(Columns.KIND_PURCHASE), true)),
        count(when(col(Columns.KIND).equalTo(Columns.KIND_REFUND), true)),
        countDistinct(col(Columns.CUSTOMER_ID))).first();
    err.printf("  this run's orders in silver: %d purchases, %d refunds, %d customers%n", r.getLong(0),
        r.getLong(1), r.getLong(2));
  }

  static StageRun toRun(IngestStage.Result r) {
    IngestAccounting b = r.books();
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("files_found", (long) r.filesFound());
    counts.put("files_skipped", (long) r.filesSkipped());
    counts.put("lines_read", b.linesRead());
    counts.put("records", b.records());
    counts.put("orders_inserted", r.ordersInserted());
    counts.put("files_empty", b.files().stream().filter(f -> f.size() == 0).count());
    counts.put("files_set_aside", (long) r.setAside().size());
    r.setAside().forEach(f -> counts.merge("set_aside." + f.reason(), 1L, Long::sum));
    b.quarantineByReason().forEach((k, v) -> counts.put("quarantined." + k, v));
    return new StageRun(r.runId(), "ingest", StageRun.OK, Instant.now(), Instant.now(), b.records(), b.accepted(),
        b.quarantined(), b.duplicates(), counts, b.statement());
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
