package io.retention.metrics;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The RFM segment rule table: an ordered list of rules, each a segment name and an inclusive score range for R,
 * F and M (1..5), and an optional fallback segment ({@code otherwise}); a customer gets the segment of the first
 * rule its scores fall in, else the fallback.
 *
 * <ul>
 *   <li>every rule must be the first match of at least one of the 125 (R, F, M) combinations (a shadowed rule
 *       is a mistake);</li>
 *   <li>without a fallback (null), every combination must be matched by some rule (no customer without a
 *       segment); with one, the combinations no rule matches get it (and it is unused when the rules cover
 *       every combination).</li>
 * </ul>
 *
 * <pre>{@code
 * new SegmentRules(List.of(new Rule("Champions", 5, 5, 5, 5, 5, 5), ...), "Others")
 * SegmentRules.defaults()   // the rule table of docs/tables.md, else "Others"
 * }</pre>
 */
public record SegmentRules(List<Rule> rules, String otherwise) implements java.io.Serializable {
  private static final long serialVersionUID = 2L;

  /** The fallback segment of the default table. */
  public static final String OTHERS = "Others";

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
    if (otherwise != null && otherwise.isBlank()) {
      throw new IllegalArgumentException("the fallback segment must be a name or null (none), cannot be blank");
    }
    rules = List.copyOf(rules);
    boolean[] used = new boolean[rules.size()];
    int[] first = firstMatches(rules);
    for (int t = 0; t < first.length; t++) {
      if (first[t] >= 0) {
        used[first[t]] = true;
      } else if (otherwise == null) {
        throw new IllegalArgumentException("no rule covers r=" + (t / 25 + 1) + " f=" + (t / 5 % 5 + 1) + " m="
            + (t % 5 + 1));
      }
    }
    for (int i = 0; i < used.length; i++) {
      if (!used[i]) {
        throw new IllegalArgumentException("rules[" + i + "] (" + rules.get(i).segment()
            + ") is never reached: the rules before it cover all of its scores");
      }
    }
  }

  /** Rules without a fallback: they must cover every score triple. */
  public SegmentRules(List<Rule> rules) {
    this(rules, null);
  }

  /** The segment of scores r, f, m (each 1..5): the first matching rule's, else the fallback. */
  public String segmentOf(int r, int f, int m) {
    int i = firstMatch(rules, r, f, m);
    return i < 0 ? otherwise : rules.get(i).segment();
  }

  /** Whether some score triple matches no rule and so gets the fallback. */
  public boolean fallbackUsed() {
    return java.util.Arrays.stream(firstMatches(rules)).anyMatch(i -> i < 0);
  }

  /** The segments a customer can get: the rules' names in rule order, each once, then the fallback if used. */
  public List<String> segments() {
    Set<String> names = new LinkedHashSet<>();
    rules.forEach(r -> names.add(r.segment()));
    if (fallbackUsed()) {
      names.add(otherwise);
    }
    return new ArrayList<>(names);
  }

  /** The first matching rule of each triple (-1: none), triples in order r, f, m from (1, 1, 1) to (5, 5, 5). */
  private static int[] firstMatches(List<Rule> rules) {
    int[] first = new int[125];
    for (int t = 0; t < first.length; t++) {
      first[t] = firstMatch(rules, t / 25 + 1, t / 5 % 5 + 1, t % 5 + 1);
    }
    return first;
  }

  private static int firstMatch(List<Rule> rules, int r, int f, int m) {
    for (int i = 0; i < rules.size(); i++) {
      if (rules.get(i).matches(r, f, m)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The default table, as conf/application.conf ships it: the ranges of the example segment table in the
   * documentation of the {@code rfm} R package 0.3 ({@code rfm_segment}), in our precedence, else "Others".
   */
  public static SegmentRules defaults() {
    return new SegmentRules(List.of(
        new Rule("Champions", 5, 5, 5, 5, 5, 5),
        new Rule("Can't Lose Them", 1, 2, 3, 4, 4, 5),
        new Rule("At Risk", 1, 2, 2, 5, 4, 5),
        new Rule("Loyal Customers", 2, 4, 2, 4, 2, 4),
        new Rule("Potential Loyalist", 3, 5, 3, 5, 2, 5),
        new Rule("New Customers", 4, 5, 1, 3, 1, 5),
        new Rule("Promising", 3, 4, 1, 3, 3, 5),
        new Rule("Need Attention", 1, 3, 3, 5, 3, 5),
        new Rule("About To Sleep", 2, 3, 1, 3, 1, 4),
        new Rule("Lost", 1, 1, 1, 5, 1, 5)), OTHERS);
  }
}
