package io.retention.app;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;

/**
 * The warehouse tables as views of a {@code query} or {@code sql} session, registered when a statement first
 * names them: registering a table opens its Delta snapshot, so a question about one table does not pay for the
 * twenty. A statement that names no table (e.g. {@code SHOW TABLES}, or a query of a temporary view) registers
 * them all. A name is found as a whole word, case-insensitively, anywhere in the text, so a name inside a
 * string literal only registers one table more.
 */
final class WarehouseViews {
  private final DeltaTables tables;
  private final List<Table> existing;
  private final Set<Table> registered = EnumSet.noneOf(Table.class);

  WarehouseViews(SparkSession session, String warehouse) {
    this.tables = new DeltaTables(session, warehouse);
    this.existing = tables.existing();
  }

  /** The warehouse's existing tables (registered or not). */
  List<Table> existing() {
    return existing;
  }

  /** Registers the tables {@code sql} names (all, when it names none) that are not registered yet. */
  synchronized void forStatement(String sql) {
    List<Table> named = existing.stream().filter(t -> names(sql, t)).toList();
    register(named.isEmpty() ? existing : named);
  }

  /** Registers {@code which} (those not registered yet). */
  synchronized void register(List<Table> which) {
    List<Table> missing = which.stream().filter(t -> !registered.contains(t)).toList();
    if (!missing.isEmpty()) {
      tables.registerViews(missing);
      registered.addAll(missing);
    }
  }

  /**
   * Registers every table on a background thread, so that while someone types their first statement the
   * interactive shell opens the tables (a statement meanwhile waits for the table it needs). Best effort: a
   * failure here only leaves the work to the statement.
   */
  void warmUpInBackground() {
    Thread t = new Thread(() -> {
      try {
        for (Table table : existing) {
          register(List.of(table)); // one at a time: a statement waits for one table at most
        }
      } catch (RuntimeException e) {
        // the statement that names the table registers it again and reports what fails
      }
    }, "retention-sql-warm-up");
    t.setDaemon(true);
    t.start();
  }

  static boolean names(String sql, Table t) {
    return Pattern.compile("(?<!\\w)" + Pattern.quote(t.tableName().toLowerCase(Locale.ROOT)) + "(?!\\w)")
        .matcher(sql.toLowerCase(Locale.ROOT)).find();
  }
}
