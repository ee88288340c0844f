package io.retention.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.metrics.Grain;
import io.retention.metrics.MetricsStage;
import io.retention.report.ReportModel.SegmentMove;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/** The report's segment sizes and transition table, from gold.customers and rendered; counts by hand. */
class SegmentReportTest {

  /**
   * The customers of RfmSegmentsTest's stage fixture (as of 2024-03-31, previous period end 2024-02-29): P
   * Loyal Customers → Potential Loyalist, Q New Customers → About To Sleep, R (no purchase yet) → New Customers,
   * S Loyal Customers → Loyal Customers, T Lost → Lost.
   */
  @Test
  void sizesAndMovesFromGoldCustomers() {
    DeltaTables tables = new DeltaTables(SharedSpark.get(), SharedSpark.tempDir("segment-report").toString());
    String[][] orders = {{"P", "2024-01-10"}, {"P", "2024-02-20"}, {"P", "2024-03-30"}, {"Q", "2024-02-25"},
        {"R", "2024-03-05"}, {"S", "2024-01-05"}, {"S", "2024-01-20"}, {"T", "2023-06-01"}};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < orders.length; i++) {
      rows.add(RowFactory.create("o" + i, orders[i][0], Timestamp.from(Instant.parse(orders[i][1] + "T12:00:00Z")),
          Date.valueOf(orders[i][1]), new BigDecimal("10.00"), "EUR", 1L, "purchase",
          CollectionConverters.asScala(Map.<String, String>of()), "h" + i, "f.csv", (long) i, "r1"));
    }
    tables.overwrite(Table.PURCHASES, SharedSpark.get().createDataFrame(rows, Schemas.PURCHASES));
    new MetricsStage(tables, MetricsStage.Options.defaults().withGrain(Grain.MONTH)
        .withAsOf(LocalDate.parse("2024-03-31")), "run-seg").run();

    ReportModel.Segments s = SegmentReport.load(tables);
    assertThat(s.asOf()).isEqualTo(LocalDate.parse("2024-03-31"));
    assertThat(s.previousPeriodEnd()).isEqualTo(LocalDate.parse("2024-02-29"));
    assertThat(s.moves().stream().sorted(Comparator.comparing(SegmentMove::to)).toList()).containsExactly(
        new SegmentMove("New Customers", "About To Sleep", 1), new SegmentMove("Lost", "Lost", 1),
        new SegmentMove("Loyal Customers", "Loyal Customers", 1), new SegmentMove(null, "New Customers", 1),
        new SegmentMove("Loyal Customers", "Potential Loyalist", 1));
  }

  /** Columns by size now (ties by name), previous segments as rows, then the customers new since. */
  @Test
  void theTransitionTableRendersEveryCell() {
    ReportModel.Segments s = new ReportModel.Segments(LocalDate.parse("2024-03-31"), LocalDate.parse("2024-02-29"),
        List.of(new SegmentMove("Loyal Customers", "Champions", 2), new SegmentMove("Champions", "Champions", 3),
            new SegmentMove("Champions", "At Risk", 1), new SegmentMove(null, "New Customers", 4),
            new SegmentMove("Others", "Lost", 1)));
    Page p = new Page("");
    SegmentReport.render(p, s);
    String html = p.toString();
    assertThat(html).contains("As of 2024-03-31 (11 customers)")
        .contains("<tr><td>Champions</td><td>5</td><td>45.5 %</td></tr>")
        .contains("<tr><td>New Customers</td><td>4</td><td>36.4 %</td></tr>")
        .contains("<th>at 2024-02-29 ↓ / now →</th><th>Champions</th><th>New Customers</th><th>At Risk</th>"
            + "<th>Lost</th>")
        .contains("<tr><td>Champions</td><td>3</td><td>0</td><td>1</td><td>0</td></tr>")
        .contains("<tr><td>Others</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>")
        .contains("<tr><td>Loyal Customers</td><td>2</td><td>0</td><td>0</td><td>0</td></tr>")
        .contains("<tr><td>" + SegmentReport.NEW_SINCE + "</td><td>0</td><td>4</td><td>0</td><td>0</td></tr>");
  }
}
