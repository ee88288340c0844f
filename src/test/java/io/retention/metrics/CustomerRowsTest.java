package io.retention.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * The plain-Java row functions behind the per-customer view and gold.customers, on hand-built rows (no Spark
 * job): the edge cases the Spark fixtures do not reach (overflow, NULL amounts, even gap counts, rounding).
 */
class CustomerRowsTest {
  private static final LocalDate AS_OF = LocalDate.parse("2024-03-31");

  private static Row entry(String day, long purchases, String net) {
    return RowFactory.create(Date.valueOf(day), purchases, net == null ? null : new BigDecimal(net));
  }

  private static Row state(String id, Row... entries) {
    return RowFactory.create(id, seq(List.of(entries)), scala.jdk.javaapi.CollectionConverters.asScala(
        Map.of("channel", "web")));
  }

  private static <T> scala.collection.Seq<T> seq(List<T> l) {
    return scala.jdk.javaapi.CollectionConverters.asScala(l).toSeq();
  }

  private static List<Row> run(org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row> f, Row... in)
      throws Exception {
    List<Row> out = new ArrayList<>();
    Iterator<Row> it = f.call(List.of(in).iterator());
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void viewCutsAtAsOfAndKeepsNullRules() throws Exception {
    ActivityViewRows f = new ActivityViewRows(AS_OF, "channel", true);
    List<Row> out = run(f,
        state("a", entry("2024-01-02", 2, "30.10"), entry("2024-01-05", 0, "-5.05"), entry("2024-04-01", 1, "9")),
        state("b", entry("2024-04-02", 1, "1.00")),
        state("c", entry("2024-02-01", 1, null), entry("2024-02-03", 1, "2.00")));
    assertEquals(2, out.size(), "b has nothing on or before as-of");
    Row a = out.get(0);
    assertEquals("a", a.getString(0));
    assertEquals(2, a.getList(1).size());
    assertEquals(List.of(Date.valueOf("2024-01-02")), a.getList(2));
    assertEquals(2L, a.getLong(3));
    assertEquals(new BigDecimal("25.05"), a.getDecimal(4));
    assertEquals("web", a.getString(5));
    Row c = out.get(1);
    assertEquals(2L, c.getLong(3));
    assertTrue(c.isNullAt(4), "a NULL net makes the sum NULL, as the SQL aggregate did");
  }

  @Test
  void netRevenueOverflowIsAnErrorUnderAnsiElseNull() throws Exception {
    Row big = state("x", entry("2024-01-01", 1, "9999999999999999.99"), entry("2024-01-02", 1, "0.01"));
    ArithmeticException e = assertThrows(ArithmeticException.class,
        () -> run(new ActivityViewRows(AS_OF, null, true), big));
    assertTrue(e.getMessage().contains("customer x"), e.getMessage());
    Row r = run(new ActivityViewRows(AS_OF, null, false), big).get(0);
    assertTrue(r.isNullAt(4));
    assertEquals(4 + 1, r.length(), "no breakdown column without a breakdown");
    Row fits = run(new ActivityViewRows(AS_OF, null, true),
        state("y", entry("2024-01-01", 1, "9999999999999999.98"), entry("2024-01-02", 1, "0.01"))).get(0);
    assertEquals(new BigDecimal("9999999999999999.99"), fits.getDecimal(4));
  }

  private static Row view(List<String> days, Long orders, String net) {
    List<Date> d = new ArrayList<>();
    days.forEach(s -> d.add(Date.valueOf(s)));
    return RowFactory.create("k", seq(d), orders, net == null ? null : new BigDecimal(net));
  }

  @Test
  void summaryGapsMedianAndAov() throws Exception {
    CustomerRows f = new CustomerRows(Grain.WEEK, AS_OF, false);
    // gaps 9, 1, 30, 2 -> sorted 1 2 9 30: median (2 + 9) / 2 = 5.5, mean 42 / 4 = 10.5, last 2
    Row r = run(f, view(List.of("2024-01-01", "2024-01-10", "2024-01-11", "2024-02-10", "2024-02-12"), 3L,
        "10.00")).get(0);
    assertEquals("week", r.getString(1));
    assertEquals(Date.valueOf("2024-01-01"), r.getDate(2), "2024-01-01 is a Monday");
    assertEquals(new BigDecimal("3.33"), r.getDecimal(7));
    assertEquals(4, r.getInt(8));
    assertEquals(42, r.getInt(9));
    assertEquals(90, r.getInt(10));
    assertEquals(10.5, r.getDouble(11));
    assertEquals(5.5, r.getDouble(12));
    assertEquals(2, r.getInt(13));
    assertEquals(48, r.getInt(14));
    // 20.00 / 3 = 6.666.. -> 6.67; -0.05 / 2 = -0.025 -> -0.03 (half up: away from zero)
    assertEquals(new BigDecimal("6.67"), run(f, view(List.of("2024-03-06"), 3L, "20.00")).get(0).getDecimal(7));
    Row one = run(f, view(List.of("2024-03-06"), 2L, "-0.05")).get(0);
    assertEquals(new BigDecimal("-0.03"), one.getDecimal(7));
    assertEquals(Date.valueOf("2024-03-04"), one.getDate(2));
    assertTrue(one.isNullAt(11) && one.isNullAt(12) && one.isNullAt(13), "no gaps with one purchase day");
    Row zero = run(f, view(List.of("2024-03-06"), 0L, "1.00")).get(0);
    assertTrue(zero.isNullAt(7), "aov is NULL with no orders");
    assertNull(run(f, view(List.of("2024-03-06"), null, "1.00")).get(0).get(7));
    assertFalse(run(f, view(List.of(), 1L, "1.00")).iterator().hasNext(), "no purchase day, no row");
  }

  @Test
  void cohortStartOfEveryGrain() {
    LocalDate d = LocalDate.parse("2024-11-20");
    assertEquals(LocalDate.parse("2024-11-20"), Grain.DAY.startOf(Grain.DAY.periodOf(d)));
    assertEquals(LocalDate.parse("2024-11-18"), Grain.WEEK.startOf(Grain.WEEK.periodOf(d)));
    assertEquals(LocalDate.parse("2024-11-01"), Grain.MONTH.startOf(Grain.MONTH.periodOf(d)));
    assertEquals(LocalDate.parse("2024-10-01"), Grain.QUARTER.startOf(Grain.QUARTER.periodOf(d)));
  }
}
