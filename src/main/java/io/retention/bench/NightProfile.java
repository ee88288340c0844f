package io.retention.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import io.retention.lake.DeltaTables;
import io.retention.lake.RunHistory;
import io.retention.lake.StageLedger;
import io.retention.lake.Table;
import io.retention.schema.Columns;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The bench night's per-stage profile, read back from ops.runs: the stage rows the stage runner recorded under
 * the nightly's run id (its ledger rows {@code nightly:<stage>} left out), in the order they started. The bench
 * warehouse holds exactly one nightly; a handful of rows reach the driver.
 */
public record NightProfile(String runId, List<Stage> stages) {
  /** One stage row of the night: its status, duration and the rows it recorded. */
  public record Stage(String name, String status, double seconds, long rowsIn, long rowsOut) {}

  public NightProfile {
    stages = List.copyOf(stages);
  }

  /** Reads the one nightly of {@code tables}' warehouse. */
  public static NightProfile read(DeltaTables tables) {
    Dataset<Row> nightly = tables.read(Table.RUNS).where(col(Columns.RUN_ID).startsWith(
        RunHistory.NIGHTLY_RUN_PREFIX));
    List<String> ids = nightly.select(Columns.RUN_ID).distinct().limit(2).collectAsList().stream()
        .map(r -> r.getString(0)).toList();
    if (ids.size() != 1) {
      throw new IllegalStateException("bench: expected one nightly run in " + Table.RUNS.qualifiedName()
          + ", found: " + ids);
    }
    List<Stage> stages = nightly.where(not(col(Columns.STAGE).startsWith(StageLedger.PREFIX)))
        .orderBy(Columns.STARTED_AT)
        .select(Columns.STAGE, Columns.STATUS, Columns.DURATION_MS, Columns.ROWS_IN, Columns.ROWS_OUT)
        .collectAsList().stream().map(r -> new Stage(r.getString(0), r.getString(1), r.getLong(2) / 1000.0,
            r.isNullAt(3) ? 0 : r.getLong(3), r.isNullAt(4) ? 0 : r.getLong(4))).toList();
    return new NightProfile(ids.get(0), stages);
  }

  /** The stages' names, in the order they ran. */
  public List<String> names() {
    return stages.stream().map(Stage::name).toList();
  }

  /** All stages' time, summed. */
  public double seconds() {
    return stages.stream().mapToDouble(Stage::seconds).sum();
  }

  /** The time of the named stages, summed (0 for a stage that did not run). */
  public double seconds(String... names) {
    List<String> wanted = List.of(names);
    return stages.stream().filter(s -> wanted.contains(s.name())).mapToDouble(Stage::seconds).sum();
  }
}
