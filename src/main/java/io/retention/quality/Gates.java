package io.retention.quality;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks the quality gates on one night against the trailing nights (pure: no I/O). Median bounds use the
 * median of the metric over the given earlier nights (the caller passes the last {@code trailingNights} nights
 * with data, newest first); with fewer than {@code minNights} of them a gate with a median bound is skipped.
 */
public final class Gates {
  private Gates() {}

  /** The outcome of the whole night: fail when any gate fails, else warn when any warns, else pass. */
  public static String outcome(List<GateResult> results) {
    if (results.stream().anyMatch(r -> GateResult.FAIL.equals(r.outcome()))) {
      return GateResult.FAIL;
    }
    return results.stream().anyMatch(r -> GateResult.WARN.equals(r.outcome())) ? GateResult.WARN : GateResult.PASS;
  }

  public static List<GateResult> check(List<GateRule> rules, NightQuality night, List<NightQuality> earlier,
      int minNights) {
    List<GateResult> out = new ArrayList<>();
    for (GateRule rule : rules) {
      out.add(check(rule, night, earlier, minNights));
    }
    return out;
  }

  static GateResult check(GateRule rule, NightQuality night, List<NightQuality> earlier, int minNights) {
    double value = night.metric(rule.metric());
    Double median = null;
    if (rule.relative()) {
      if (earlier.size() < minNights) {
        return new GateResult(rule.name(), rule.metric(), value, null, null, rule.action().label(),
            GateResult.SKIPPED, rule.metric() + " " + GateResult.fmt(value) + ": not compared, " + earlier.size()
                + " earlier night(s) with data recorded, " + minNights + " needed for a median");
      }
      median = median(earlier.stream().mapToDouble(n -> n.metric(rule.metric())).toArray());
    }
    // each bound: does it hold, and its threshold; the gate trips when all of its bounds hold
    boolean trips = true;
    Double upper = null;
    Double lower = null;
    if (rule.above() != null) {
      upper = rule.above();
    }
    if (rule.aboveMedianTimes() != null) {
      upper = upper == null ? rule.aboveMedianTimes() * median : Math.max(upper, rule.aboveMedianTimes() * median);
    }
    if (rule.below() != null) {
      lower = rule.below();
    }
    if (rule.belowMedianTimes() != null) {
      lower = lower == null ? rule.belowMedianTimes() * median : Math.min(lower, rule.belowMedianTimes() * median);
    }
    if (upper != null) {
      trips &= value > upper;
    }
    if (lower != null) {
      trips &= value < lower;
    }
    Double threshold = upper != null ? upper : lower;
    String outcome = !trips ? GateResult.PASS
        : rule.action() == GateRule.Action.FAIL ? GateResult.FAIL : GateResult.WARN;
    StringBuilder m = new StringBuilder(rule.metric()).append(' ').append(GateResult.fmt(value));
    if (trips) {
      m.append(upper != null ? " > " + GateResult.fmt(upper) : "").append(lower != null ? " < "
          + GateResult.fmt(lower) : "");
    } else {
      m.append("; trips when ").append(rule.bounds());
    }
    if (median != null) {
      m.append(" (median of the last ").append(earlier.size()).append(" nights: ").append(GateResult.fmt(median))
          .append(')');
    }
    return new GateResult(rule.name(), rule.metric(), value, threshold, median, rule.action().label(), outcome,
        m.toString());
  }

  /** The median of the values (the mean of the middle two for an even count). */
  static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
