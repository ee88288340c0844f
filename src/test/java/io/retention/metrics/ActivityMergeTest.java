package io.retention.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import scala.collection.Seq;

/**
 * The hub MERGE's combination of a customer's entries ({@link ActivityMerge}), by hand: the rules of the SQL it
 * replaced (days of both sides sorted, sums per day, a NULL value or a missing side counting 0).
 */
class ActivityMergeTest {
  private static Row entry(String day, Long purchases, String net, String gross) {
    return RowFactory.create(Date.valueOf(day), purchases, net == null ? null : new BigDecimal(net),
        gross == null ? null : new BigDecimal(gross));
  }

  private static Seq<Row> seq(Row... rows) {
    return scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList(rows)).toSeq();
  }

  private static String text(List<Row> rows) {
    StringBuilder b = new StringBuilder();
    for (Row r : rows) {
      b.append(r.getDate(0)).append(' ').append(r.get(1)).append(' ').append(r.getDecimal(2).toPlainString())
          .append(' ').append(r.getDecimal(3).toPlainString()).append(';');
    }
    return b.toString();
  }

  @Test
  void combinesTheDaysOfBothSidesSortedWithSumsPerDay() {
    List<Row> out = new ActivityMerge().call(
        seq(entry("2024-01-03", 1L, "10.00", "10.00"), entry("2024-01-09", 2L, "5.50", "7.00")),
        seq(entry("2024-01-01", 1L, "3.25", "3.25"), entry("2024-01-09", 1L, "-2.00", "0.00"),
            entry("2024-02-01", 0L, "-1.00", "0.00")));
    assertThat(text(out)).isEqualTo("2024-01-01 1 3.25 3.25;2024-01-03 1 10.00 10.00;2024-01-09 3 3.50 7.00;"
        + "2024-02-01 0 -1.00 0.00;");
  }

  @Test
  void aNullValueCountsZeroAndANullSideGivesNull() {
    List<Row> out = new ActivityMerge().call(seq(entry("2024-01-03", null, null, "4.00")),
        seq(entry("2024-01-05", 2L, "1.00", null)));
    assertThat(text(out)).isEqualTo("2024-01-03 0 0.00 4.00;2024-01-05 2 1.00 0.00;");
    assertThat(new ActivityMerge().call(null, seq(entry("2024-01-05", 2L, "1.00", "1.00")))).isNull();
    assertThat(new ActivityMerge().call(seq(), seq())).isEmpty();
  }

  @Test
  void aDayTwiceOnOneSideOrWithoutADayIsAnError() {
    assertThatThrownBy(() -> new ActivityMerge().call(
        seq(entry("2024-01-03", 1L, "1.00", "1.00"), entry("2024-01-03", 1L, "1.00", "1.00")), seq()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("day 2024-01-03 appears twice");
    assertThatThrownBy(() -> new ActivityMerge().call(seq(RowFactory.create(null, 1L, null, null)), seq()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("without a day");
  }
}
