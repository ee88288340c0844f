package io.retention.export;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.BacktestColumns;
import io.retention.schema.GoldSchemas;
import io.retention.schema.SqlLiterals;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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
    tables.replaceWhere(Table.AT_RISK_LISTS, members.select(GoldSchemas.AT_RISK_LISTS.fieldNames()[0],
        java.util.Arrays.copyOfRange(GoldSchemas.AT_RISK_LISTS.fieldNames(), 1,
            GoldSchemas.AT_RISK_LISTS.fieldNames().length)),
        BacktestColumns.LIST_DATE + " = " + SqlLiterals.date(listDate));
  }
}
