package io.retention.metrics;

import static io.retention.schema.MetricsColumns.DAYS_SINCE_LAST;
import static io.retention.schema.MetricsColumns.F_SCORE;
import static io.retention.schema.MetricsColumns.M_SCORE;
import static io.retention.schema.MetricsColumns.NET_REVENUE;
import static io.retention.schema.MetricsColumns.ORDERS;
import static io.retention.schema.MetricsColumns.PREVIOUS_SEGMENT;
import static io.retention.schema.MetricsColumns.R_SCORE;
import static io.retention.schema.MetricsColumns.SEGMENT;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.when;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.Columns;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * RFM scores and segments of gold.customers at the as-of date.
 *
 * <ul>
 *   <li>R from {@code days_since_last} (fewer days = higher score), F from {@code orders} (purchase orders), M
 *       from {@code net_revenue}; each 1..5 by quintile.</li>
 *   <li>The four cut points of each measure are the 20/40/60/80 % quantiles over the <em>active base</em> at
 *       the as-of date ({@code days_since_last <= activeWindowDays}); every customer, lapsed ones too, is scored
 *       against them (a lapsed customer's R is 1).</li>
 *   <li>Ties: the k-th cut point is the inclusive upper bound of the k-th quintile in value order, so equal
 *       values always share a score: F and M = 1 + #(cuts below the value); R = 5 - #(cuts below the days).
 *       With many one-order customers several F cuts coincide and those customers all get F = 1.</li>
 *   <li>The segment is that of the first rule of {@link SegmentRules} the (R, F, M) scores fall in, else the
 *       rules' fallback segment.</li>
 * </ul>
 *
 * <p>Cost: the cut points are one {@code percentile_approx} aggregate (Greenwald-Khanna sketches merged on
 * the executors, the algorithm of {@code approxQuantile}; rank error at most n/{@value #ACCURACY}, so exact for
 * fewer customers than that), a one-row result broadcast back to the rows, so nothing reaches the driver. Not
 * {@code ntile}: a window without partitions sorts every customer in one task and splits equal values
 * between quintiles arbitrarily. gold.customers' {@code previous_segment} repeats this at the end of the
 * previous grain period, in the same map, aggregate and projection as the as-of date's ({@link #customers}).
 */
public final class RfmSegments {
  private RfmSegments() {}

  /** percentile_approx accuracy (Spark's default): rank error at most customers / this. */
  public static final int ACCURACY = 10_000;
  private static final String CUTS = "__cuts_";
  private static final String CUTS_BEFORE = "__cuts_before_";

  /** {@code customers} (gold.customers figures) with r_score, f_score, m_score and segment appended. */
  public static Dataset<Row> score(Dataset<Row> customers, int activeWindowDays, SegmentRules rules) {
    Column quintiles = array(lit(0.2), lit(0.4), lit(0.6), lit(0.8));
    Dataset<Row> cuts = customers.where(col(DAYS_SINCE_LAST).leq(activeWindowDays)).agg(
        percentile_approx(col(DAYS_SINCE_LAST), quintiles, lit(ACCURACY)).as(CUTS + R_SCORE),
        percentile_approx(col(ORDERS), quintiles, lit(ACCURACY)).as(CUTS + F_SCORE),
        percentile_approx(col(NET_REVENUE), quintiles, lit(ACCURACY)).as(CUTS + M_SCORE));
    List<Column> out = new ArrayList<>();
    for (String c : customers.columns()) {
      out.add(col(c));
    }
    Column[] r = rfm(new Column[] {col(DAYS_SINCE_LAST), col(ORDERS), col(NET_REVENUE)}, CUTS);
    out.add(r[0].as(R_SCORE));
    out.add(r[1].as(F_SCORE));
    out.add(r[2].as(M_SCORE));
    Dataset<Row> scored = customers.crossJoin(broadcast(cuts)).select(out.toArray(new Column[0]));
    return scored.withColumn(SEGMENT, segment(rules));
  }

  /** How many of the four cut points in column {@code cuts} lie strictly below {@code value} (0 when unknown). */
  private static Column above(Column value, String cuts) {
    Column n = lit(0);
    for (int k = 1; k <= 4; k++) {
      n = n.plus(when(value.gt(element_at(col(cuts), k)), 1).otherwise(0));
    }
    return n;
  }

  /**
   * The first rule's segment, as a CASE over the rules in order, else the fallback (without one the rules cover
   * every score triple).
   */
  static Column segment(SegmentRules rules) {
    return segment(rules, col(R_SCORE), col(F_SCORE), col(M_SCORE));
  }

  /** As {@link #segment(SegmentRules)} for the given R, F and M scores. */
  private static Column segment(SegmentRules rules, Column rScore, Column fScore, Column mScore) {
    Column c = null;
    for (SegmentRules.Rule r : rules.rules()) {
      Column hit = rScore.between(r.rMin(), r.rMax()).and(fScore.between(r.fMin(), r.fMax()))
          .and(mScore.between(r.mMin(), r.mMax()));
      c = c == null ? when(hit, lit(r.segment())) : c.when(hit, lit(r.segment()));
    }
    return rules.otherwise() == null ? c : c.otherwise(lit(rules.otherwise()));
  }

  /**
   * customer_id, the scores and the segment of every customer as gold.customers holds them, when metrics wrote
   * them for this date, window and rules from the current state ({@link CustomersBasis}); else empty.
   */
  public static Optional<Dataset<Row>> written(DeltaTables tables, LocalDate day, int activeWindowDays,
      SegmentRules rules) {
    return CustomersBasis.current(tables).filter(b -> b.segments(day, activeWindowDays, rules))
        .map(b -> tables.read(Table.CUSTOMERS).select(col(Columns.CUSTOMER_ID), col(R_SCORE), col(F_SCORE),
            col(M_SCORE), col(SEGMENT)));
  }

  /** customer_id, the scores and the segment of every customer with a purchase day on or before {@code day}. */
  public static Dataset<Row> at(Dataset<Row> state, LocalDate day, int activeWindowDays, SegmentRules rules) {
    MetricsStage.Options o = MetricsStage.Options.defaults().withAsOf(day).withActiveWindowDays(activeWindowDays)
        .withSegments(rules);
    Dataset<Row> figures = CustomerSummary.fromActivity(CustomerActivity.view(state, o), o);
    return score(figures, activeWindowDays, rules).select(col(Columns.CUSTOMER_ID), col(R_SCORE), col(F_SCORE),
        col(M_SCORE), col(SEGMENT));
  }

  /** The last day of the grain period before the one holding {@code asOf}. */
  public static LocalDate previousPeriodEnd(Grain grain, LocalDate asOf) {
    return grain.startOf(grain.periodOf(asOf)).minusDays(1);
  }

  /**
   * The figures of gold.customers from the per-customer view {@code activity} at {@code o}'s (resolved) as-of
   * date, each row with the customer's RFM inputs at the end of the previous grain period too: one map over the
   * view ({@link CustomerSummary#withPrevious}), no second view of the state. {@link #customers} reads it twice
   * (cut points, then scores), so the caller persists it.
   */
  static Dataset<Row> figures(Dataset<Row> activity, MetricsStage.Options o) {
    return CustomerSummary.withPrevious(activity, o, previousPeriodEnd(o.grain(), o.asOf()));
  }

  /**
   * gold.customers from {@code both}, the {@link #figures}: the figures scored at the as-of date, and each customer's
   * segment at the end of the previous grain period (NULL: no purchase by then), as {@link #at} would give it. One
   * aggregate gives both dates' cut points and one projection both segments: no join.
   */
  static Dataset<Row> customers(Dataset<Row> both, MetricsStage.Options o) {
    int w = o.activeWindowDays();
    Column quintiles = array(lit(0.2), lit(0.4), lit(0.6), lit(0.8));
    Column[] now = {col(DAYS_SINCE_LAST), col(ORDERS), col(NET_REVENUE)};
    Column[] before = {col(CustomerRows.PREVIOUS_DAYS_SINCE_LAST), col(CustomerRows.PREVIOUS_ORDERS),
        col(CustomerRows.PREVIOUS_NET_REVENUE)};
    String[] scores = {R_SCORE, F_SCORE, M_SCORE};
    // each date's cut points over its own active base (NULLs, the rest, are skipped by percentile_approx)
    List<Column> cuts = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      cuts.add(percentile_approx(when(now[0].leq(w), now[k]), quintiles, lit(ACCURACY)).as(CUTS + scores[k]));
      cuts.add(percentile_approx(when(before[0].leq(w), before[k]), quintiles, lit(ACCURACY))
          .as(CUTS_BEFORE + scores[k]));
    }
    Dataset<Row> withCuts = both.crossJoin(broadcast(both.agg(cuts.get(0),
        cuts.subList(1, cuts.size()).toArray(new Column[0]))));
    List<Column> out = new ArrayList<>();
    for (String c : CustomerRows.schema(o.breakdown() != null).fieldNames()) {
      out.add(col(c));
    }
    Column[] r = rfm(now, CUTS);
    Column[] p = rfm(before, CUTS_BEFORE);
    out.add(r[0].as(R_SCORE));
    out.add(r[1].as(F_SCORE));
    out.add(r[2].as(M_SCORE));
    out.add(segment(o.segments(), r[0], r[1], r[2]).as(SEGMENT));
    out.add(when(before[0].isNotNull(), segment(o.segments(), p[0], p[1], p[2])).as(PREVIOUS_SEGMENT));
    return withCuts.select(out.toArray(new Column[0]));
  }

  /** The R, F and M scores of (days since last, orders, net revenue) against the cut points named cuts + score. */
  private static Column[] rfm(Column[] measures, String cuts) {
    return new Column[] {lit(5).minus(above(measures[0], cuts + R_SCORE)),
        lit(1).plus(above(measures[1], cuts + F_SCORE)), lit(1).plus(above(measures[2], cuts + M_SCORE))};
  }
}
