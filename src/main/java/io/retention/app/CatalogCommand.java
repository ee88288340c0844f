package io.retention.app;

import io.retention.lake.CatalogRegistration;
import io.retention.lake.CatalogRegistration.Change;
import io.retention.pipeline.RunRow;
import io.retention.pipeline.StageContext;
import io.retention.pipeline.StageResult;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code catalog}: registers every table of the warehouse by name ({@code bronze.*}, {@code silver.*},
 * {@code gold.*}, {@code ops.*}) in a Hive metastore, as external Delta tables at their locations, so that
 * spark-sql, a notebook or Trino find them by name. See {@link CatalogRegistration} and {@link Metastore}.
 */
@Command(name = "catalog",
    footer = "Example: jobs/retention catalog --set catalog.metastoreUri=thrift://metastore:9083",
    mixinStandardHelpOptions = true,
    description = "Register every warehouse table by name (bronze.*, silver.*, gold.*, ops.*) in a Hive metastore:"
        + " embedded Derby under the warehouse by default, or retention.catalog.metastoreUri. Idempotent.")
public final class CatalogCommand extends StageCommand<CatalogCommand.Registered> {
  private Metastore metastore;

  /** What registration did to each table's name, and where. */
  record Registered(List<CatalogRegistration.Entry> entries, String metastore) implements StageResult {
    Map<Change, Long> counts() {
      Map<Change, Long> n = new EnumMap<>(Change.class);
      for (Change c : Change.values()) {
        n.put(c, entries.stream().filter(e -> e.change() == c).count());
      }
      return n;
    }

    @Override
    public RunRow runRow() {
      Map<String, Long> named = new LinkedHashMap<>();
      counts().forEach((c, n) -> named.put(c.name().toLowerCase(Locale.ROOT), n));
      long registered = entries.size() - counts().get(Change.DROPPED) - counts().get(Change.ABSENT);
      return RunRow.of(entries.size(), registered, named, metastore);
    }

    @Override
    public String summary() {
      Map<Change, Long> n = counts();
      return runRow().rowsOut() + " tables registered (" + n.get(Change.CREATED) + " created, "
          + n.get(Change.FIXED) + " fixed, " + n.get(Change.UNCHANGED) + " unchanged), " + n.get(Change.DROPPED)
          + " dropped; " + metastore;
    }
  }

  @Override
  protected void validate(JobConfig config) {
    metastore = Metastore.of(config);
  }

  @Override
  protected boolean metastore(JobConfig config) {
    return true;
  }

  @Override
  protected String lockHolder() {
    return stage();
  }

  @Override
  protected String stage() {
    return "catalog";
  }

  @Override
  protected Registered runStage(JobConfig config, StageContext ctx) {
    return new Registered(new CatalogRegistration(ctx.tables()).run(), metastore.describe());
  }

  @Override
  protected void print(Registered r, StageContext ctx) {
    for (CatalogRegistration.Entry e : r.entries()) {
      if (e.change() != Change.ABSENT) {
        err.printf("catalog %-24s %-9s %s%n", e.table().qualifiedName(), e.change().name().toLowerCase(Locale.ROOT),
            e.location() == null ? "" : e.location());
      }
    }
  }
}
