package io.retention.lake;

import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Delta housekeeping of every existing warehouse table: OPTIMIZE (bin-packing small files into larger ones) then
 * VACUUM (deleting files no version within the retention still needs). The retention is never below Delta's
 * safe default of 168 hours, so readers and time travel within a week keep working. Only per-table metrics
 * (a few rows) reach the driver.
 */
public final class Housekeeping {
  /** Safe lower bound of the VACUUM retention (Delta's default). */
  public static final int MIN_RETAIN_HOURS = 168;

  /** What the run does. */
  public record Options(int retainHours) {
    public Options {
      if (retainHours < MIN_RETAIN_HOURS) {
        throw new IllegalArgumentException("retain hours must be at least " + MIN_RETAIN_HOURS
            + " (Delta's safe retention), cannot be: " + retainHours);
      }
    }
  }

  /** Files before and after, per table. */
  public record TableResult(Table table, long filesBefore, long filesAfter) {}

  private final DeltaTables tables;
  private final Options options;

  public Housekeeping(DeltaTables tables, Options options) {
    this.tables = tables;
    this.options = options;
  }

  public List<TableResult> run() {
    List<TableResult> out = new ArrayList<>();
    for (Table t : tables.existing()) {
      long before = numFiles(t);
      DeltaTable d = tables.delta(t);
      d.optimize().executeCompaction();
      d.vacuum(options.retainHours());
      out.add(new TableResult(t, before, numFiles(t)));
    }
    return out;
  }

  /** Files in the table's current version (DESCRIBE DETAIL). */
  public long numFiles(Table t) {
    Row r = tables.spark().sql("DESCRIBE DETAIL delta.`" + tables.path(t) + "`").select("numFiles").first();
    return r.getLong(0);
  }
}
