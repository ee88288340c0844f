package io.retention.export;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.BacktestColumns;
import io.retention.schema.GoldSchemas;
import io.retention.schema.SqlLiterals;
import java.time.LocalDate;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * gold.at_risk_lists: who was on the at-risk list exported for a date, in the file's order, with their group
 * (treatment / control), so the backtest can tell later whether the list was right and whether contacting
 * helped. It holds the real customer ids (also when the file is pseudonymised), so {@code forget} erases from
 * it. The rows of a list date are replaced in one commit (replaceWhere): a rerun of the export leaves the same
 * rows.
 */
public final class AtRiskLists {
  private AtRiskLists() {}

  /** Replaces the rows of {@code listDate} with {@code members} ({@link AtRiskExport#members}). */
  public static void write(DeltaTables tables, Dataset<Row> members, LocalDate listDate) {
    Column[] columns = Arrays.stream(GoldSchemas.AT_RISK_LISTS.fieldNames()).map(functions::col)
        .toArray(Column[]::new); // the contract's order
    tables.replaceWhere(Table.AT_RISK_LISTS, members.select(columns),
        BacktestColumns.LIST_DATE + " = " + SqlLiterals.date(listDate));
  }
}
