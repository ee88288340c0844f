package io.retention.metrics;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The RFM segment rule table: an ordered list of rules, each a segment name and an inclusive score range for R,
 * F and M (1..5); a customer gets the segment of the first rule its scores fall in.
 *
 * <ul>
 *   <li>every one of the 125 (R, F, M) combinations must be matched by some rule (no customer without a
 *       segment);</li>
 *   <li>every rule must be the first match of at least one combination (a shadowed rule is a mistake).</li>
 * </ul>
 *
 * <pre>{@code
 * new SegmentRules(List.of(new Rule("Champions", 5, 5, 4, 5, 1, 5), ...))
 * SegmentRules.defaults()   // the R x F grid of docs/tables.md, M not used
 * }</pre>
 */
public record SegmentRules(List<Rule> rules) implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** One rule: the segment and the inclusive R, F and M score ranges it covers. */
  public record Rule(String segment, int rMin, int rMax, int fMin, int fMax, int mMin, int mMax)
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    public Rule {
      if (segment == null || segment.isBlank()) {
        throw new IllegalArgumentException("segment must be a name, cannot be blank");
      }
      range("r", rMin, rMax);
      range("f", fMin, fMax);
      range("m", mMin, mMax);
    }

    /** Whether scores r, f, m fall in this rule. */
    public boolean matches(int r, int f, int m) {
      return r >= rMin && r <= rMax && f >= fMin && f <= fMax && m >= mMin && m <= mMax;
    }

    private static void range(String key, int min, int max) {
      if (min < 1 || max > 5 || min > max) {
        throw new IllegalArgumentException(key + " must be a score range within 1-5 (low-high), cannot be: "
            + min + "-" + max);
      }
    }
  }

  public SegmentRules {
    if (rules == null || rules.isEmpty()) {
      throw new IllegalArgumentException("segment rules must not be empty");
    }
    rules = List.copyOf(rules);
    boolean[] used = new boolean[rules.size()];
    for (int r = 1; r <= 5; r++) {
      for (int f = 1; f <= 5; f++) {
        for (int m = 1; m <= 5; m++) {
          int i = firstMatch(rules, r, f, m);
          if (i < 0) {
            throw new IllegalArgumentException("no rule covers r=" + r + " f=" + f + " m=" + m);
          }
          used[i] = true;
        }
      }
    }
    for (int i = 0; i < used.length; i++) {
      if (!used[i]) {
        throw new IllegalArgumentException("rules[" + i + "] (" + rules.get(i).segment()
            + ") is never reached: the rules before it cover all of its scores");
      }
    }
  }

  /** The segment of scores r, f, m (each 1..5). */
  public String segmentOf(int r, int f, int m) {
    return rules.get(firstMatch(rules, r, f, m)).segment();
  }

  /** The segment names in rule order, each once. */
  public List<String> segments() {
    Set<String> names = new LinkedHashSet<>();
    rules.forEach(r -> names.add(r.segment()));
    return new ArrayList<>(names);
  }

  private static int firstMatch(List<Rule> rules, int r, int f, int m) {
    for (int i = 0; i < rules.size(); i++) {
      if (rules.get(i).matches(r, f, m)) {
        return i;
      }
    }
    return -1;
  }

  /** The default R x F grid (M 1-5 everywhere), as conf/application.conf ships it. */
  public static SegmentRules defaults() {
    return new SegmentRules(List.of(
        new Rule("Champions", 5, 5, 4, 5, 1, 5),
        new Rule("Loyal", 3, 4, 4, 5, 1, 5),
        new Rule("Potential loyalist", 4, 5, 2, 3, 1, 5),
        new Rule("New", 5, 5, 1, 1, 1, 5),
        new Rule("Promising", 4, 4, 1, 1, 1, 5),
        new Rule("Need attention", 3, 3, 3, 3, 1, 5),
        new Rule("About to sleep", 3, 3, 1, 2, 1, 5),
        new Rule("At risk", 1, 2, 3, 4, 1, 5),
        new Rule("Can't lose them", 1, 2, 5, 5, 1, 5),
        new Rule("Hibernating", 2, 2, 1, 2, 1, 5),
        new Rule("Lost", 1, 1, 1, 2, 1, 5)));
  }
}
