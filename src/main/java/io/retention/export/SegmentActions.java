package io.retention.export;

import static io.retention.schema.ChurnColumns.BAND_HIGH;
import static io.retention.schema.ChurnColumns.BAND_MEDIUM;
import static io.retention.schema.ChurnColumns.RISK_BAND;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.retention.metrics.SegmentRules;
import io.retention.schema.MetricsColumns;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * The export's {@code segment_action}: a suggested play per RFM segment and risk band, from configuration.
 *
 * <ul>
 *   <li>band {@code high}: {@code high.get(segment)}; band {@code medium}: {@code medium.get(segment)};</li>
 *   <li>band {@code low}: {@code no action}, as {@code suggested_action} (band low is never contacted);</li>
 *   <li>an unknown segment (no metrics yet for the customer): {@code no action} in every band.</li>
 * </ul>
 *
 * <pre>{@code
 * new SegmentActions(Map.of("Champions", "thank-you call"), Map.of("Champions", "early access"))
 * }</pre>
 */
public record SegmentActions(Map<String, String> high, Map<String, String> medium) implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  public SegmentActions {
    if (high == null || medium == null || !high.keySet().equals(medium.keySet())) {
      throw new IllegalArgumentException("segment actions need a high and a medium action for the same segments");
    }
    for (Map<String, String> m : java.util.List.of(high, medium)) {
      m.forEach((k, v) -> {
        if (v == null || v.isBlank()) {
          throw new IllegalArgumentException("the action of segment " + k + " must not be blank");
        }
      });
    }
    high = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(high));
    medium = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(medium));
  }

  /** The action of {@code segment} in {@code band}. */
  public String action(String segment, String band) {
    String a = BAND_HIGH.equals(band) ? high.get(segment) : BAND_MEDIUM.equals(band) ? medium.get(segment) : null;
    return a == null ? AtRiskExport.NO_ACTION : a;
  }

  /** The rules above as a column of {@code risk_band} and {@code segment}. */
  Column column() {
    Column c = when(col(RISK_BAND).isin(BAND_HIGH, BAND_MEDIUM).unary_$bang(), lit(AtRiskExport.NO_ACTION));
    for (String s : high.keySet()) {
      Column seg = col(MetricsColumns.SEGMENT).equalTo(s);
      c = c.when(seg.and(col(RISK_BAND).equalTo(BAND_HIGH)), lit(high.get(s)))
          .when(seg.and(col(RISK_BAND).equalTo(BAND_MEDIUM)), lit(medium.get(s)));
    }
    return c.otherwise(lit(AtRiskExport.NO_ACTION));
  }

  /**
   * The defaults shipped in conf/application.conf (one pair per segment of {@link SegmentRules#defaults}, its
   * fallback "Others" included).
   */
  public static SegmentActions defaults() {
    Map<String, String> h = new LinkedHashMap<>();
    Map<String, String> m = new LinkedHashMap<>();
    put(h, m, "Champions", "personal call, thank-you gift", "early access, no discount");
    put(h, m, "Can't Lose Them", "call with the best win-back offer", "personal note on what is new");
    put(h, m, "At Risk", "personal win-back email with offer", "renewal reminder");
    put(h, m, "Loyal Customers", "personal call, loyalty reward", "loyalty points bonus");
    put(h, m, "Potential Loyalist", "membership offer", "recommendations from past orders");
    put(h, m, "New Customers", "onboarding call", "welcome series");
    put(h, m, "Promising", "second-order incentive", "brand story email");
    put(h, m, "Need Attention", "limited-time offer", "personalised recommendations");
    put(h, m, "About To Sleep", "reactivation discount", "popular products reminder");
    put(h, m, "Lost", "one last reactivation offer", "newsletter only");
    put(h, m, SegmentRules.OTHERS, "win-back discount", "relevant products, low-cost channel");
    return new SegmentActions(h, m);
  }

  private static void put(Map<String, String> h, Map<String, String> m, String segment, String high,
      String medium) {
    h.put(segment, high);
    m.put(segment, medium);
  }
}
