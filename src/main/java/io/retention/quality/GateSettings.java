package io.retention.quality;

import java.util.List;

/**
 * The quality gates of the nightly: the rules, and the trailing nights their median bounds compare with (the
 * last {@code trailingNights} checks that read records; a median bound is checked once {@code minNights} of
 * them exist).
 */
public record GateSettings(int trailingNights, int minNights, List<GateRule> rules) {
  public GateSettings {
    if (trailingNights < 1) {
      throw new IllegalArgumentException("gates.trailingNights must be at least 1, got " + trailingNights);
    }
    if (minNights < 1 || minNights > trailingNights) {
      throw new IllegalArgumentException("gates.minNights must be between 1 and gates.trailingNights ("
          + trailingNights + "), got " + minNights);
    }
    rules = List.copyOf(rules);
    long names = rules.stream().map(GateRule::name).distinct().count();
    if (names != rules.size()) {
      throw new IllegalArgumentException("gates.rules: two gates have the same name");
    }
  }
}
