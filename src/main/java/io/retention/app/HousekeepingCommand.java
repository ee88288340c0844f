package io.retention.app;

import io.retention.lake.Housekeeping;
import io.retention.pipeline.RunRow;
import io.retention.pipeline.StageContext;
import io.retention.pipeline.StageResult;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code housekeeping}: OPTIMIZE and VACUUM every warehouse table. */
@Command(name = "housekeeping",
    footer = "Example: jobs/retention housekeeping --retain-hours 168",
    mixinStandardHelpOptions = true,
    description = "Compact small files (OPTIMIZE) and remove unreferenced old files (VACUUM) of every table.")
public final class HousekeepingCommand extends StageCommand<HousekeepingCommand.Compacted> {
  @Option(names = "--retain-hours", defaultValue = "168", paramLabel = "HOURS",
      description = "VACUUM retention in hours, at least 168 (Delta's safe default). Default: ${DEFAULT-VALUE}.")
  int retainHours;

  private Housekeeping.Options options;

  @Override
  protected void validate(JobConfig config) {
    try {
      options = new Housekeeping.Options(retainHours);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--retain-hours: " + e.getMessage());
    }
  }

  /** Files per table before and after. */
  record Compacted(List<Housekeeping.TableResult> tables) implements StageResult {
    @Override
    public RunRow runRow() {
      long before = tables.stream().mapToLong(Housekeeping.TableResult::filesBefore).sum();
      long after = tables.stream().mapToLong(Housekeeping.TableResult::filesAfter).sum();
      return RunRow.of(before, after, Map.of("tables", (long) tables.size()), "data files before -> after");
    }

    @Override
    public String summary() {
      RunRow r = runRow();
      return tables.size() + " tables, data files " + r.rowsIn() + " -> " + r.rowsOut();
    }
  }

  @Override
  protected String lockHolder() {
    return stage();
  }

  @Override
  protected String stage() {
    return "housekeeping";
  }

  @Override
  protected Compacted runStage(JobConfig config, StageContext ctx) {
    return new Compacted(new Housekeeping(ctx.tables(), options).run());
  }

  @Override
  protected void print(Compacted c, StageContext ctx) {
    for (Housekeeping.TableResult r : c.tables()) {
      err.printf("housekeeping %-26s files %5d -> %5d%n", r.table().qualifiedName(), r.filesBefore(),
          r.filesAfter());
    }
  }

  /** Housekeeping with the given retention (the nightly's {@code --housekeeping}). */
  static HousekeepingCommand retaining(int hours) {
    HousekeepingCommand c = new HousekeepingCommand();
    c.retainHours = hours;
    return c;
  }
}
