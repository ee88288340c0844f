package io.retention.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One quality gate: a measure of the night ({@link NightQuality#metrics}) and the bounds that trip it. A gate
 * trips when every bound it has holds: {@code above} (value &gt; x), {@code below} (value &lt; x),
 * {@code aboveMedianTimes} (value &gt; k × the median of the trailing nights), {@code belowMedianTimes} (value &lt;
 * k × that median). A gate with a median bound is not checked ({@code skipped}) until enough earlier nights are
 * recorded. A tripped gate's action is {@code warn} (the night goes on) or {@code fail} (the night stops before
 * anything is published).
 */
public record GateRule(String name, String metric, Double above, Double below, Double aboveMedianTimes,
    Double belowMedianTimes, Action action) {

  /** What a tripped gate does. */
  public enum Action {
    WARN, FAIL;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public GateRule {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a gate needs a name");
    }
    if (!NightQuality.isMetric(metric)) {
      throw new IllegalArgumentException("gate " + name + ": unknown metric '" + metric + "' (one of "
          + String.join(", ", NightQuality.METRICS) + ", quarantine_rate.<reason>, revenue.<currency>)");
    }
    if (above == null && below == null && aboveMedianTimes == null && belowMedianTimes == null) {
      throw new IllegalArgumentException("gate " + name + ": needs at least one of above, below, "
          + "aboveMedianTimes, belowMedianTimes");
    }
    for (Double k : new Double[] {aboveMedianTimes, belowMedianTimes}) {
      if (k != null && !(k > 0)) {
        throw new IllegalArgumentException("gate " + name + ": a median factor must be above 0, got " + k);
      }
    }
    if (action == null) {
      throw new IllegalArgumentException("gate " + name + ": needs an action (warn or fail)");
    }
  }

  /** Whether the gate compares with the trailing nights' median. */
  public boolean relative() {
    return aboveMedianTimes != null || belowMedianTimes != null;
  }

  /** The bounds as text, e.g. {@code > 0.05 and > 3 × median}. */
  public String bounds() {
    List<String> parts = new ArrayList<>();
    if (above != null) {
      parts.add("> " + GateResult.fmt(above));
    }
    if (below != null) {
      parts.add("< " + GateResult.fmt(below));
    }
    if (aboveMedianTimes != null) {
      parts.add("> " + GateResult.fmt(aboveMedianTimes) + " × median");
    }
    if (belowMedianTimes != null) {
      parts.add("< " + GateResult.fmt(belowMedianTimes) + " × median");
    }
    return String.join(" and ", parts);
  }
}
