package io.retention.ingest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.io.File;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one source lays out purchase logs: file format, which source column holds each canonical field, time
 * zone and formats of its timestamps. Loaded from {@code conf/sources/<name>.conf} (or the copy packaged in
 * the jar), so a new layout is configuration, not code.
 *
 * @param name profile name (also the order-id namespace)
 * @param format csv | jsonl | whitespace | auto (by file name)
 * @param header "true", "false" or "auto" (whitespace files: a first line whose date is not a number)
 * @param columns canonical field → source column (order_id, customer_id, order_ts, amount, currency,
 *     quantity, kind, unit_price)
 * @param layouts whitespace files without header: column names by field count
 * @param timezone zone of timestamps without an offset; empty = the business time zone
 * @param timestampFormats java.time patterns tried in order after ISO-8601 with offset
 * @param defaultCurrency currency of rows without one; empty = ingest.defaultCurrency
 * @param customerIdStripDecimalZero "17850.0" → "17850"
 * @param aggregateLines sum the accepted lines of an order id into one order (amount = Σ quantity × unit price)
 * @param deriveOrderId "" or "customer-date-sequence" (order_id = customer-yyyymmdd-k)
 * @param keepAttributes extra source columns kept in silver attributes; empty = all extra columns
 */
public record SourceProfile(String name, String format, String header, Map<String, String> columns,
    Map<Integer, List<String>> layouts, String timezone, List<String> timestampFormats, String defaultCurrency,
    boolean customerIdStripDecimalZero, boolean aggregateLines, String deriveOrderId,
    List<String> keepAttributes) implements Serializable {

  private static final long serialVersionUID = 1L;
  public static final String DERIVE_CUSTOMER_DATE_SEQUENCE = "customer-date-sequence";

  /** Loads profile {@code name} from {@code profilesDir}, else from the jar's packaged profiles. */
  public static SourceProfile load(String name, String profilesDir) {
    if (!name.matches("[A-Za-z0-9_-]+")) {
      throw new ProfileException("--profile " + name + ": a profile name has only letters, digits, - and _");
    }
    File f = new File(profilesDir, name + ".conf");
    Config c;
    if (f.isFile()) {
      c = ConfigFactory.parseFile(f);
    } else {
      c = ConfigFactory.parseResources("retention/sources/" + name + ".conf");
      if (c.isEmpty()) {
        throw new ProfileException("--profile " + name + ": no such source profile (looked for " + f
            + " and the built-in profiles canonical, online-retail, cdnow)");
      }
    }
    try {
      return fromConfig(name, c.resolve());
    } catch (com.typesafe.config.ConfigException e) {
      throw new ProfileException("source profile " + name + ": " + e.getMessage());
    }
  }

  static SourceProfile fromConfig(String name, Config c) {
    String format = str(c, "format", "auto");
    if (!List.of("csv", "jsonl", "whitespace", "auto").contains(format)) {
      throw new ProfileException("source profile " + name + ": format = " + format
          + ": must be one of csv, jsonl, whitespace, auto");
    }
    Map<String, String> columns = new LinkedHashMap<>();
    for (var e : c.getConfig("columns").entrySet()) {
      columns.put(e.getKey(), e.getValue().unwrapped().toString());
    }
    for (String req : List.of("customer_id", "order_ts")) {
      if (!columns.containsKey(req)) {
        throw new ProfileException("source profile " + name + ": columns." + req + " is required");
      }
    }
    Map<Integer, List<String>> layouts = new LinkedHashMap<>();
    if (c.hasPath("layouts")) {
      for (var e : c.getConfig("layouts").root().entrySet()) {
        layouts.put(Integer.parseInt(e.getKey()), c.getStringList("layouts.\"" + e.getKey() + "\""));
      }
    }
    String derive = str(c, "deriveOrderId", "");
    if (!derive.isEmpty() && !derive.equals(DERIVE_CUSTOMER_DATE_SEQUENCE)) {
      throw new ProfileException("source profile " + name + ": deriveOrderId = " + derive
          + ": must be empty or " + DERIVE_CUSTOMER_DATE_SEQUENCE);
    }
    if (derive.isEmpty() && !columns.containsKey("order_id")) {
      throw new ProfileException("source profile " + name + ": columns.order_id is required unless deriveOrderId is set");
    }
    boolean aggregate = c.hasPath("aggregateLines") && c.getBoolean("aggregateLines");
    if (aggregate && !(columns.containsKey("unit_price") && columns.containsKey("quantity"))) {
      throw new ProfileException("source profile " + name + ": aggregateLines needs columns.quantity and columns.unit_price");
    }
    if (!aggregate && !columns.containsKey("amount")) {
      throw new ProfileException("source profile " + name + ": columns.amount is required");
    }
    return new SourceProfile(name, format, str(c, "header", "true"), columns, layouts, str(c, "timezone", ""),
        c.hasPath("timestampFormats") ? c.getStringList("timestampFormats") : List.of(),
        str(c, "defaultCurrency", ""),
        c.hasPath("customerIdStripDecimalZero") && c.getBoolean("customerIdStripDecimalZero"),
        aggregate, derive,
        c.hasPath("keepAttributes") ? c.getStringList("keepAttributes") : new ArrayList<>());
  }

  private static String str(Config c, String key, String dflt) {
    return c.hasPath(key) ? c.getString(key) : dflt;
  }

  /** The format of one file: the profile's, or by file name when the profile says auto. */
  public String formatOf(String path) {
    if (!format.equals("auto")) {
      return format;
    }
    String p = path.toLowerCase(java.util.Locale.ROOT).replaceAll("\\.gz$", "");
    return p.endsWith(".json") || p.endsWith(".jsonl") || p.endsWith(".ndjson") ? "jsonl" : "csv";
  }

  /** Source column of a canonical field, or null when the source has none. */
  public String column(String canonical) {
    return columns.get(canonical);
  }
}
