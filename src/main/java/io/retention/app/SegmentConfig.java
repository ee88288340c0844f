package io.retention.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import io.retention.export.SegmentActions;
import io.retention.metrics.SegmentRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code retention.segments}: the RFM rule table, its fallback segment ({@code otherwise}, required, not blank:
 * the segment of the score triples no rule covers) and the actions per segment and band, typed and checked. A bad
 * entry is one line naming it, e.g. {@code configuration key retention.segments.rules[2].r = 6: must be a score
 * 1-5 or a range low-high such as 4-5}.
 */
final class SegmentConfig {
  private SegmentConfig() {}

  private static final Set<String> RULE_KEYS = Set.of("segment", "r", "f", "m");
  private static final Set<String> ACTION_KEYS = Set.of("segment", "high", "medium");

  static JobConfig.SegmentSettings parse(Config c) {
    String otherwise = c.getString("otherwise");
    if (otherwise.isBlank()) {
      throw JobConfig.bad("segments.otherwise", "\"" + otherwise + "\"", "must be a segment name, cannot be blank");
    }
    SegmentRules rules = rules(c.getConfigList("rules"), otherwise);
    return new JobConfig.SegmentSettings(rules, actions(c.getConfigList("actions"), rules));
  }

  private static SegmentRules rules(List<? extends Config> list, String otherwise) {
    List<SegmentRules.Rule> rules = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Config r = list.get(i);
      String where = "segments.rules[" + i + "]";
      keys(where, r, RULE_KEYS);
      int[] rr = range(where + ".r", text(where, r, "r"));
      int[] ff = range(where + ".f", text(where, r, "f"));
      int[] mm = range(where + ".m", r.hasPath("m") ? r.getString("m") : "1-5");
      try {
        rules.add(new SegmentRules.Rule(text(where, r, "segment"), rr[0], rr[1], ff[0], ff[1], mm[0], mm[1]));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("configuration key " + JobConfig.ROOT + "." + where + ": " + e.getMessage());
      }
    }
    try {
      return new SegmentRules(rules, otherwise);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("configuration key " + JobConfig.ROOT + ".segments.rules: " + e.getMessage());
    }
  }

  /** "4" or "4-5": an inclusive score range within 1..5. */
  static int[] range(String key, String text) {
    String t = text.trim();
    if (t.matches("[1-5]")) {
      return new int[] {Integer.parseInt(t), Integer.parseInt(t)};
    }
    if (t.matches("[1-5]\\s*-\\s*[1-5]")) {
      String[] p = t.split("-");
      int lo = Integer.parseInt(p[0].trim());
      int hi = Integer.parseInt(p[1].trim());
      if (lo <= hi) {
        return new int[] {lo, hi};
      }
    }
    throw JobConfig.bad(key, text, "must be a score 1-5 or a range low-high such as 4-5");
  }

  /**
   * One entry per segment a customer can get ({@link SegmentRules#segments}); the fallback may have one even
   * when the rules cover every triple.
   */
  private static SegmentActions actions(List<? extends Config> list, SegmentRules rules) {
    List<String> segments = rules.segments();
    Map<String, String> high = new LinkedHashMap<>();
    Map<String, String> medium = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      Config a = list.get(i);
      String where = "segments.actions[" + i + "]";
      keys(where, a, ACTION_KEYS);
      String segment = text(where, a, "segment");
      if (!segments.contains(segment) && !segment.equals(rules.otherwise())) {
        throw JobConfig.bad(where + ".segment", segment, "not a segment of segments.rules or segments.otherwise "
            + "(one of " + String.join(", ", segments) + ")");
      }
      if (high.containsKey(segment)) {
        throw JobConfig.bad(where + ".segment", segment, "has actions already");
      }
      high.put(segment, text(where, a, "high"));
      medium.put(segment, text(where, a, "medium"));
    }
    for (String s : segments) {
      if (!high.containsKey(s)) {
        throw new ConfigException("configuration key " + JobConfig.ROOT + ".segments.actions: no actions for "
            + "segment '" + s + "' (each segment needs { segment, high, medium })");
      }
    }
    return new SegmentActions(high, medium);
  }

  /** A required, non-blank text entry of {@code c}. */
  private static String text(String where, Config c, String key) {
    if (!c.hasPath(key) || c.getString(key).isBlank()) {
      throw JobConfig.bad(where, c.root().render(ConfigRenderOptions.concise()), "'" + key + "' is required");
    }
    return c.getString(key);
  }

  private static void keys(String where, Config c, Set<String> allowed) {
    for (String k : c.root().keySet()) {
      if (!allowed.contains(k)) {
        throw JobConfig.bad(where, c.root().render(ConfigRenderOptions.concise()),
            "unknown key '" + k + "' (one of " + String.join(", ", new TreeSet<>(allowed)) + ")");
      }
    }
  }
}
