package io.retention.quality;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the ingest runs not checked yet brought (one night's, or several when ingest also ran on its own), as
 * the quality gates see it: files and records read, the books' outcome,
 * quarantine per reason, files set aside, new customers (not yet in the per-customer state), refunds and
 * revenue (purchases only, per currency: currencies are never added together).
 */
public record NightQuality(List<String> ingestRunIds, long files, long records, long accepted, long quarantined,
    long duplicates, long filesSetAside, long newCustomers, long refunds, Map<String, Long> quarantinedByReason,
    Map<String, Double> revenue) {

  /** The plain metric names a gate may use; also {@code quarantine_rate.<reason>} and {@code revenue.<currency>}. */
  public static final List<String> METRICS = List.of("files", "records", "accepted", "quarantined", "duplicates",
      "files_set_aside", "new_customers", "refunds", "quarantine_rate", "refund_share");
  static final String RATE_PREFIX = "quarantine_rate.";
  static final String REVENUE_PREFIX = "revenue.";

  public NightQuality {
    ingestRunIds = List.copyOf(ingestRunIds);
    quarantinedByReason = new TreeMap<>(quarantinedByReason == null ? Map.of() : quarantinedByReason);
    revenue = new TreeMap<>(revenue == null ? Map.of() : revenue);
  }

  public static boolean isMetric(String name) {
    return name != null && (METRICS.contains(name)
        || name.startsWith(RATE_PREFIX) && name.length() > RATE_PREFIX.length()
        || name.startsWith(REVENUE_PREFIX) && name.length() > REVENUE_PREFIX.length());
  }

  /** Quarantined records / records read (0 for a night that read none). */
  public double quarantineRate() {
    return records == 0 ? 0 : (double) quarantined / records;
  }

  /** Refunds / accepted orders (0 when none was accepted). */
  public double refundShare() {
    return accepted == 0 ? 0 : (double) refunds / accepted;
  }

  /** The value of a gate's metric this night; a reason or currency the night did not have is 0. */
  public double metric(String name) {
    if (name.startsWith(RATE_PREFIX)) {
      long n = quarantinedByReason.getOrDefault(name.substring(RATE_PREFIX.length()), 0L);
      return records == 0 ? 0 : (double) n / records;
    }
    if (name.startsWith(REVENUE_PREFIX)) {
      return revenue.getOrDefault(name.substring(REVENUE_PREFIX.length()), 0.0);
    }
    return metrics().get(name);
  }

  /** The plain metrics by name. */
  public Map<String, Double> metrics() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("files", (double) files);
    m.put("records", (double) records);
    m.put("accepted", (double) accepted);
    m.put("quarantined", (double) quarantined);
    m.put("duplicates", (double) duplicates);
    m.put("files_set_aside", (double) filesSetAside);
    m.put("new_customers", (double) newCustomers);
    m.put("refunds", (double) refunds);
    m.put("quarantine_rate", quarantineRate());
    m.put("refund_share", refundShare());
    return m;
  }
}
