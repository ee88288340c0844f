package io.retention.metrics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The monthly cohort table and KPIs computed in plain Java straight from the DESIGN §5 definitions (sets of
 * purchase days per customer, "latest purchase day on or before d" lookups), to cross-check the Spark code on
 * real data. Produces rows in the layout of gold.cohort_retention and gold.retention_kpis.
 */
final class IndependentMonthlyMetrics {
  record Order(String customer, LocalDate date, BigDecimal amount, boolean purchase) {}

  private final LocalDate asOf;
  private final int window;
  private final Map<String, TreeSet<LocalDate>> days = new HashMap<>();
  private final List<Order> orders = new ArrayList<>();

  IndependentMonthlyMetrics(List<Order> all, LocalDate asOf, int window) {
    this.asOf = asOf;
    this.window = window;
    for (Order o : all) {
      if (o.date().isAfter(asOf)) {
        continue;
      }
      orders.add(o);
      if (o.purchase()) {
        days.computeIfAbsent(o.customer(), k -> new TreeSet<>()).add(o.date());
      }
    }
  }

  private YearMonth cohort(String customer) {
    return YearMonth.from(days.get(customer).first());
  }

  /** Rows of gold.cohort_retention (month grain, no breakdown), sorted by cohort then period index. */
  List<Object[]> cohortRows() {
    Map<YearMonth, List<String>> cohorts = new TreeMap<>();
    days.keySet().forEach(c -> cohorts.computeIfAbsent(cohort(c), k -> new ArrayList<>()).add(c));
    Map<String, Map<YearMonth, BigDecimal>> revenue = new HashMap<>();
    for (Order o : orders) {
      if (days.containsKey(o.customer())) {
        YearMonth m = YearMonth.from(o.date());
        YearMonth c = cohort(o.customer());
        revenue.computeIfAbsent(o.customer(), k -> new HashMap<>())
            .merge(m.isBefore(c) ? c : m, o.amount(), BigDecimal::add);
      }
    }
    List<Object[]> rows = new ArrayList<>();
    YearMonth last = YearMonth.from(asOf);
    for (Map.Entry<YearMonth, List<String>> e : cohorts.entrySet()) {
      List<String> members = e.getValue();
      long size = members.size();
      BigDecimal cum = BigDecimal.ZERO;
      YearMonth c0 = e.getKey();
      // revenue retention's denominators: the cohort's period-0 net, and the sum of its members' positive parts
      BigDecimal rev0 = members.stream().map(c -> netIn(revenue, c, c0)).reduce(BigDecimal.ZERO, BigDecimal::add);
      BigDecimal base = members.stream().map(c -> netIn(revenue, c, c0).max(BigDecimal.ZERO))
          .reduce(BigDecimal.ZERO, BigDecimal::add);
      for (int k = 0; !e.getKey().plusMonths(k).isAfter(last); k++) {
        YearMonth m = e.getKey().plusMonths(k);
        long active = members.stream().filter(c -> days.get(c).stream().anyMatch(d -> YearMonth.from(d).equals(m)))
            .count();
        long later = members.stream().filter(c -> !YearMonth.from(days.get(c).last()).isBefore(m)).count();
        BigDecimal rev = members.stream().map(c -> revenue.getOrDefault(c, Map.of()).getOrDefault(m, BigDecimal.ZERO))
            .reduce(BigDecimal.ZERO, BigDecimal::add);
        cum = cum.add(rev);
        BigDecimal capped = members.stream().map(c -> netIn(revenue, c, m).max(BigDecimal.ZERO)
            .min(netIn(revenue, c, c0).max(BigDecimal.ZERO))).reduce(BigDecimal.ZERO, BigDecimal::add);
        rows.add(new Object[] {"month", e.getKey().atDay(1).toString(), k, m.atDay(1).toString(), size, active,
            (double) active / size, (double) later / size, rev.toPlainString(),
            cum.divide(BigDecimal.valueOf(size), 6, RoundingMode.HALF_UP).setScale(2, RoundingMode.HALF_UP)
                .toPlainString(), !m.atEndOfMonth().isAfter(asOf),
            rev0.signum() > 0 ? rev.doubleValue() / rev0.doubleValue() : null,
            base.signum() > 0 ? capped.doubleValue() / base.doubleValue() : null});
      }
    }
    return rows;
  }

  /** A customer's net amount in month m (a refund before their first purchase counts in their cohort month). */
  private static BigDecimal netIn(Map<String, Map<YearMonth, BigDecimal>> revenue, String customer, YearMonth m) {
    return revenue.getOrDefault(customer, Map.of()).getOrDefault(m, BigDecimal.ZERO);
  }

  private boolean inBase(String customer, LocalDate d) {
    LocalDate p = days.get(customer).floor(d);
    return p != null && ChronoUnit.DAYS.between(p, d) <= window;
  }

  /** Rows of gold.retention_kpis (month grain), sorted by period. */
  List<Object[]> kpiRows() {
    YearMonth first = days.keySet().stream().map(this::cohort).min(YearMonth::compareTo).orElseThrow();
    List<Object[]> rows = new ArrayList<>();
    for (YearMonth m = first; !m.isAfter(YearMonth.from(asOf)); m = m.plusMonths(1)) {
      rows.add(kpiRow(m));
    }
    return rows;
  }

  private Object[] kpiRow(YearMonth m) {
    LocalDate before = m.atDay(1).minusDays(1);
    LocalDate end = m.atEndOfMonth().isAfter(asOf) ? asOf : m.atEndOfMonth();
    long s = 0, e = 0, n = 0, newE = 0, retained = 0, buyers = 0, repeat = 0;
    for (String c : days.keySet()) {
      boolean inS = inBase(c, before);
      boolean inE = inBase(c, end);
      boolean isNew = cohort(c).equals(m);
      s += inS ? 1 : 0;
      e += inE ? 1 : 0;
      n += isNew ? 1 : 0;
      newE += isNew && inE ? 1 : 0;
      retained += inS && inE ? 1 : 0;
      long inMonth = days.get(c).subSet(m.atDay(1), true, m.atEndOfMonth(), true).size();
      buyers += inMonth > 0 ? 1 : 0;
      repeat += inMonth > 1 ? 1 : 0;
    }
    long orderCount = 0;
    BigDecimal net = BigDecimal.ZERO;
    for (Order o : orders) {
      if (YearMonth.from(o.date()).equals(m)) {
        orderCount += o.purchase() ? 1 : 0;
        net = net.add(o.amount());
      }
    }
    String aov = orderCount == 0 ? null : net.divide(BigDecimal.valueOf(orderCount), 12, RoundingMode.HALF_UP)
        .setScale(2, RoundingMode.HALF_UP).toPlainString();
    return new Object[] {"month", m.atDay(1).toString(), m.atEndOfMonth().toString(),
        !m.atEndOfMonth().isAfter(asOf), s, n, e, s == 0 ? null : (double) (e - newE) / s, retained,
        e - retained - newE, s - retained, s == 0 ? null : (double) (s - retained) / s, buyers,
        buyers == 0 ? null : (double) repeat / buyers, orderCount,
        buyers == 0 ? null : (double) orderCount / buyers, aov, net.setScale(2).toPlainString()};
  }
}
