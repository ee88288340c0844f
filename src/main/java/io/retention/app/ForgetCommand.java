package io.retention.app;

import io.retention.erasure.ErasedFiles;
import io.retention.erasure.Erasure;
import io.retention.erasure.ErasureKey;
import io.retention.ingest.CustomerIds;
import io.retention.ingest.ProfileException;
import io.retention.ingest.SourceProfile;
import io.retention.pipeline.StageContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code forget}: erase customers (GDPR-style) from every table, export and report, leaving no trace. */
@Command(name = "forget",
    footer = "Example: jobs/retention forget --customers erase-ids.txt --vacuum",
    mixinStandardHelpOptions = true,
    description = "Erase the listed customers from bronze, silver, quarantine and every gold table, and from the "
        + "exports and reports that show them; audit each erasure by a keyed hash (needs $" + ErasureKey.ENV
        + "); later re-landed records of theirs are suppressed by ingest.")
public final class ForgetCommand extends StageCommand<Erasure.Result> {
  @Option(names = "--customers", paramLabel = "FILE", required = true,
      description = "Text file of customer ids, one per line (blank lines ignored; ids are trimmed and NFC "
          + "normalised as ingest does).")
  Path customers;

  @Option(names = "--vacuum", description = "Also VACUUM every table holding customer data with a retention of 0 "
      + "hours, so no older version (time travel) keeps the erased rows. Readers of old versions must not run.")
  boolean vacuum;

  @Option(names = "--dry-run", description = "Only count the rows per table, export and report; change nothing.")
  boolean dryRun;

  @Option(names = "--exports", paramLabel = "DIR",
      description = "Exports folder to clean. Default: exports (retention.export.dir).")
  String exports;

  @Option(names = "--reports", paramLabel = "DIR",
      description = "Reports folder to clean. Default: reports (retention.report.dir).")
  String reports;

  /** $RETENTION_ERASURE_KEY (tests set it directly). */
  String keyEnv = System.getenv(ErasureKey.ENV);

  private List<String> ids;
  private ErasureKey key;
  private SourceProfile profile;

  @Override
  protected void validate(JobConfig config) {
    try {
      key = ErasureKey.fromEnv(keyEnv, "forget");
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    ids = readIds(customers);
    try {
      profile = SourceProfile.load(config.profile(), config.profilesDir());
    } catch (ProfileException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  /** The ids of the file, normalised as ingest stores them, without repeats; refused when none. */
  static List<String> readIds(Path file) {
    if (file == null || !Files.isRegularFile(file)) {
      throw new ConfigException("--customers: no such file: " + file);
    }
    Set<String> out = new LinkedHashSet<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String id = CustomerIds.normalise(line);
        if (!id.isEmpty()) {
          out.add(id);
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new ConfigException("--customers: cannot read " + file + " as UTF-8 text: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new ConfigException("--customers: " + file + " holds no customer id");
    }
    return new ArrayList<>(out);
  }

  @Override
  protected String lockHolder() {
    return stage();
  }

  @Override
  protected String stage() {
    return Erasure.STAGE;
  }

  @Override
  protected Erasure.Result runStage(JobConfig config, StageContext ctx) throws IOException {
    ErasedFiles files = new ErasedFiles(exports != null ? exports : config.export().dir(),
        Path.of(reports != null ? reports : JobConfig.homeRelative(config.reportDir())).toAbsolutePath(),
        pseudonymKey(System.getenv(ExportCommand.HMAC_KEY_ENV)), err);
    return new Erasure(ctx.tables(), new Erasure.Options(ids, key, profile, vacuum, dryRun, files), err)
        .run(ctx.runId());
  }

  /** The exports' pseudonymisation key when set (pseudonymised exports and reports can then be cleaned too). */
  static byte[] pseudonymKey(String env) {
    return env == null || env.isEmpty() ? null : env.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  protected void print(Erasure.Result r, StageContext ctx) {
    err.printf("forget: %s%d customers%n", r.dryRun() ? "dry run, nothing changed: " : "", r.customers());
    for (Map.Entry<String, Long> e : r.rows().entrySet()) {
      err.printf("  %-26s %8d rows %s%n", e.getKey(), e.getValue(), r.dryRun() ? "to remove" : "removed");
    }
    if (!r.migrated().isEmpty()) {
      err.println((r.dryRun() ? "  would migrate" : "  migrated") + " (rewritten once without id statistics): "
          + String.join(", ", r.migrated()));
    }
    if (!r.dryRun()) {
      err.println(r.vacuumed() ? "  old files vacuumed: no table version keeps the erased rows"
          : "  not vacuumed: older table versions keep the rows until VACUUM (run again with --vacuum)");
      err.println("  audit: " + r.customers() + " rows in ops.erasures (keyed hashes, no ids)");
    }
  }
}
