package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.churn.ChurnScorer;
import io.retention.export.CsvSafety;
import io.retention.export.ExportCsv;
import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.pipeline.StageContext;
import io.retention.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** export records who is on the list it writes: gold.at_risk_lists holds the CSV's customers, groups and order. */
class ExportListsTest {
  private static final LocalDate DAY = LocalDate.parse("2024-06-30");

  private static List<String> column(List<CSVRecord> csv, String name) {
    return csv.stream().map(r -> r.get(name)).toList();
  }

  /** (customer_id, group) of gold.at_risk_lists for DAY, by rank; checks the ranks are 1..n. */
  private static List<List<String>> table(DeltaTables t) {
    List<Row> rows = t.read(Table.AT_RISK_LISTS).where("list_date = DATE'" + DAY + "'").orderBy("rank")
        .select("rank", "customer_id", "group").collectAsList();
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).getInt(0)).isEqualTo(i + 1);
    }
    return rows.stream().map(r -> List.of(r.getString(1), r.getString(2))).toList();
  }

  private static List<List<String>> csvRows(List<CSVRecord> csv) {
    return csv.stream().map(r -> List.of(r.get("customer_id"), r.get("group"))).toList();
  }

  private static ExportCommand.Exported export(String wh, Path out, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("--warehouse", wh, "--out", out.toString(), "--as-of",
        DAY.toString(), "--set", "export.control.share=0.3"));
    args.addAll(List.of(more));
    ExportCommand cmd = new ExportCommand();
    new CommandLine(cmd).parseArgs(args.toArray(String[]::new));
    JobConfig config = cmd.common.load();
    cmd.validate(config);
    DeltaTables t = new DeltaTables(SharedSpark.get(), wh);
    PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return cmd.execute(config, StageContext.forCommand(t, "export", null, err));
  }

  @Test
  void theListTableHoldsTheCsvsCustomersGroupsAndOrderAndARerunReplacesTheDate() throws Exception {
    String wh = SharedSpark.tempDir("export-lists").toString();
    DeltaTables t = new DeltaTables(SharedSpark.get(), wh);
    List<Row> scores = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      double risk = 0.5 + (i % 17) / 40.0; // ties of risk: the id breaks them, as in the file
      scores.add(RowFactory.create(String.format("c%03d", i), Date.valueOf(DAY), risk, risk >= 0.7 ? "high"
          : "medium", "r", "m1", 10.0, 20.0, null, null, 0));
    }
    scores.add(RowFactory.create("other-day", Date.valueOf(DAY.minusDays(1)), 0.99, "high", "r", "m1", 10.0, 20.0,
        null, null, 0));
    t.overwrite(Table.CHURN_SCORES, SharedSpark.get().createDataFrame(scores, ChurnScorer.SCHEMA));

    Path out = SharedSpark.tempDir("export-lists-out");
    ExportCommand.Exported e = export(wh, out, "--top", "30");
    List<CSVRecord> csv = ExportCsv.read(Path.of(e.written().file()));
    assertThat(csv).hasSize(30);
    assertThat(column(csv, "group")).as("both groups on the list").contains("treatment", "control");
    assertThat(table(t)).isEqualTo(csvRows(csv));
    assertThat(t.read(Table.AT_RISK_LISTS).where("model_version = 'm1' AND risk_band IS NOT NULL").count())
        .isEqualTo(30);

    export(wh, out, "--top", "7"); // a rerun with another size: the date's rows are replaced, not appended
    List<CSVRecord> shorter = ExportCsv.read(Path.of(e.written().file()));
    assertThat(shorter).hasSize(7);
    assertThat(table(t)).isEqualTo(csvRows(shorter));
  }

  @Test
  void aPseudonymisedFileStillRecordsTheRealIdsOfItsRows() throws Exception {
    String wh = SharedSpark.tempDir("export-lists-pseudo").toString();
    DeltaTables t = new DeltaTables(SharedSpark.get(), wh);
    List<Row> scores = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      scores.add(RowFactory.create("id" + i, Date.valueOf(DAY), 0.9 - i / 10.0, "high", "r", "m1", 10.0, 20.0,
          null, null, 0));
    }
    t.overwrite(Table.CHURN_SCORES, SharedSpark.get().createDataFrame(scores, ChurnScorer.SCHEMA));
    byte[] key = "0123456789abcdef-test-key".getBytes(StandardCharsets.UTF_8);
    ExportCommand pseudo = new ExportCommand();
    new CommandLine(pseudo).parseArgs("--warehouse", wh, "--out", SharedSpark.tempDir("export-lists-pp").toString(),
        "--as-of", DAY.toString(), "--pseudonymise");
    JobConfig c2 = pseudo.common.load();
    var po = pseudo.options(c2, DAY, new String(key, StandardCharsets.UTF_8));
    var ranked = io.retention.export.AtRiskExport.ranked(t.read(Table.CHURN_SCORES), t.readOrEmpty(
        Table.CUSTOMER_CLV, io.retention.clv.CustomerLifetimeValue.schema()), null, po);
    List<Row> file = io.retention.export.AtRiskExport.file(ranked, po).select("customer_id", "group")
        .collectAsList();
    io.retention.export.AtRiskLists.write(t, io.retention.export.AtRiskExport.members(ranked, po), DAY);
    List<List<String>> members = table(t);
    assertThat(members).hasSize(5);
    for (int i = 0; i < 5; i++) {
      assertThat(file.get(i).getString(0)).isEqualTo(CsvSafety.pseudonym(key, members.get(i).get(0)));
      assertThat(file.get(i).getString(1)).isEqualTo(members.get(i).get(1));
    }
    assertThat(members.get(0).get(0)).isEqualTo("id0");
  }
}
