package io.retention.metrics;

import io.retention.lake.DeltaTables;
import io.retention.lake.StageLedger;
import io.retention.lake.Table;
import java.time.LocalDate;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What gold.customers was computed from, written by metrics as the userMetadata of its overwrite: the as-of date,
 * the active window, the segment rules (as a hash) and the version of gold.customer_activity it read. A later
 * reader that needs figures of the same date from the same state (export's segments, the report's customer
 * counts) reads them from gold.customers instead of another pass over every customer. Anything else computes
 * them from the state as before: another date, window or rules, purchases or an erasure since (a new state
 * version), or a later commit to gold.customers that is not metrics' overwrite (no such metadata).
 */
public record CustomersBasis(LocalDate asOf, int activeWindowDays, String rulesSha256, long stateVersion) {
  private static final Pattern TEXT = Pattern.compile("gold\\.customers as of (\\d{4}-\\d{2}-\\d{2}), active "
      + "window (\\d+) days, segment rules sha256 ([0-9a-f]{64}), from gold\\.customer_activity version (\\d+)");

  public static CustomersBasis of(LocalDate asOf, int activeWindowDays, SegmentRules rules, long stateVersion) {
    return new CustomersBasis(asOf, activeWindowDays, StageLedger.sha256(rules.toString()), stateVersion);
  }

  /** The commit metadata (also what DESCRIBE HISTORY shows). */
  public String text() {
    return "gold.customers as of " + asOf + ", active window " + activeWindowDays + " days, segment rules sha256 "
        + rulesSha256 + ", from gold.customer_activity version " + stateVersion;
  }

  static Optional<CustomersBasis> parse(String text) {
    Matcher m = TEXT.matcher(text);
    return !m.matches() ? Optional.empty() : Optional.of(new CustomersBasis(LocalDate.parse(m.group(1)),
        Integer.parseInt(m.group(2)), m.group(3), Long.parseLong(m.group(4))));
  }

  /** Whether gold.customers holds the segments of this date, window and rules. */
  public boolean segments(LocalDate day, int window, SegmentRules rules) {
    return equals(of(day, window, rules, stateVersion));
  }

  /**
   * gold.customers' basis when its latest commit is metrics' overwrite and gold.customer_activity is still at
   * the version it read (two reads of the Delta logs, no Spark job over the data); else empty.
   */
  public static Optional<CustomersBasis> current(DeltaTables tables) {
    if (!tables.exists(Table.CUSTOMERS) || !tables.exists(Table.CUSTOMER_ACTIVITY)) {
      return Optional.empty();
    }
    return tables.lastCommitMetadata(Table.CUSTOMERS).flatMap(CustomersBasis::parse)
        .filter(b -> b.stateVersion() == tables.version(Table.CUSTOMER_ACTIVITY));
  }
}
