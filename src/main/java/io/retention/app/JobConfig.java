package io.retention.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.retention.export.SegmentActions;
import io.retention.ingest.ValidationRules;
import io.retention.metrics.SegmentRules;
import io.retention.quality.GateRule;
import io.retention.quality.GateSettings;
import java.io.File;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The job's configuration, read from HOCON and validated before Spark starts. Layers, lowest precedence
 * first: the defaults packaged in the jar ({@code conf/application.conf}), {@code --conf FILE}, environment
 * variables, {@code --set key=value}. Unknown keys under {@code retention} are rejected.
 */
public record JobConfig(
    String warehouse,
    String master,
    String timezone,
    int shufflePartitions,
    int snapshotPartitions,
    String input,
    String profile,
    String profilesDir,
    int activeWindowDays,
    IngestSettings ingest,
    MetricsSettings metrics,
    ClvSettings clv,
    ChurnSettings churn,
    ExportSettings export,
    String reportDir,
    GateSettings gates,
    SegmentSettings segments,
    CatalogSettings catalog,
    CurrencySettings currency,
    Config raw) {

  public static final String ROOT = "retention";
  static final LocalDate EARLIEST_ORDER_DATE_MIN = LocalDate.of(1900, 1, 1);
  static final int MAX_ID_LENGTH_LIMIT = 4096;
  static final String DEFAULTS_RESOURCE = "retention/application.conf";

  /** Ingest validation rules. */
  public record IngestSettings(String defaultCurrency, List<String> allowedCurrencies, double maxAbsAmount,
      int futureToleranceDays, boolean namespaceOrderIds, int batchMegabytes, LocalDate earliestOrderDate,
      int maxIdLength) {

    /** The validation rules of an ingest starting {@code now}, in the business time zone {@code timezone}. */
    public ValidationRules rules(String timezone, Instant now) {
      return new ValidationRules(timezone, defaultCurrency, allowedCurrencies, maxAbsAmount,
          now.plus(Duration.ofDays(futureToleranceDays)), namespaceOrderIds, earliestOrderDate, maxIdLength);
    }
  }

  /** Metrics defaults. */
  public record MetricsSettings(String grain, String percentiles) {}

  /** CLV defaults. */
  public record ClvSettings(String timeUnit, int horizonMonths, double monthlyDiscountRate, double penalizer) {}

  /** Churn defaults and the classifiers' hyper-parameters. */
  public record ChurnSettings(int horizonDays, int lookbackDays, int maxModelAgeDays, long seed,
      double bandHigh, double bandMedium, int lrMaxIter, double lrRegParam, int gbtMaxIter, int gbtMaxDepth,
      int calibrationFolds, List<String> categoricalAttributes, int trainingCutoffs, int trainingCutoffStepDays,
      double minimumGain) {}

  /**
   * Export defaults: folder, list size, who is worth contacting, the control group's share and period, and for
   * the CRM import the match-key attribute (null: none), a byte order mark and group read permission.
   */
  public record ExportSettings(String dir, int top, double minRisk, String minBand, double minValueSaved,
      double saveRate, double controlShare, String controlPeriod, double vipMinClv, double winBackMinRisk,
      boolean pseudonymise, String matchKey, boolean bom, boolean groupRead) {}

  /**
   * The RFM segment rule table with its fallback segment ({@code segments.otherwise}, {@code rules.otherwise()})
   * for gold.customers and the export, and the export's action per segment and band.
   */
  public record SegmentSettings(SegmentRules rules, SegmentActions actions) {}

  /**
   * The Hive metastore of {@code catalog}: {@code metastoreUri} empty = embedded Derby under the warehouse, else
   * thrift://host:port[,…]; {@code nightly}: {@code nightly} registers the tables after the night.
   */
  public record CatalogSettings(String metastoreUri, boolean nightly) {}

  /**
   * Currency conversion: the reporting currency every amount is converted to in the hub, and the rates CSV
   * {@code nightly} loads into ops.currency_rates when the table is missing or that file changed (null: none).
   */
  public record CurrencySettings(String reporting, String ratesFile) {}

  /** Loads the layered configuration and validates it. */
  public static JobConfig load(File confFile, Map<String, String> sets) {
    Config defaults = ConfigFactory.parseResources(DEFAULTS_RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
    Config layered = defaults;
    File home = homeConf();
    if (home != null) {
      layered = parseFile(home).withFallback(layered);
    }
    if (confFile != null) {
      if (!confFile.isFile()) {
        throw new ConfigException("--conf: file not found: " + confFile);
      }
      layered = parseFile(confFile).withFallback(layered);
    }
    layered = ConfigFactory.systemEnvironmentOverrides().withFallback(layered);
    for (Map.Entry<String, String> e : sets.entrySet()) {
      String key = e.getKey().startsWith(ROOT + ".") ? e.getKey() : ROOT + "." + e.getKey();
      layered = parseSet(key, e.getValue()).withFallback(layered);
    }
    Config resolved;
    try {
      resolved = layered.resolve();
    } catch (com.typesafe.config.ConfigException ex) {
      throw new ConfigException("configuration: " + ex.getMessage());
    }
    rejectUnknownKeys(defaults.resolve(), resolved);
    try {
      return fromConfig(resolved);
    } catch (com.typesafe.config.ConfigException ex) {
      throw new ConfigException("configuration: " + ex.getMessage());
    }
  }

  /** conf/application.conf of the installation (jobs/retention sets retention.home), edited in place. */
  private static File homeConf() {
    String home = System.getProperty("retention.home");
    File f = home == null ? null : new File(home, "conf/application.conf");
    return f != null && f.isFile() ? f : null;
  }

  /** A path from the configuration, relative to retention.home when set, else to the working directory. */
  static String homeRelative(String path) {
    String home = System.getProperty("retention.home");
    if (home == null || new File(path).isAbsolute() || path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*")) {
      return path;
    }
    return new File(home, path).getPath();
  }

  private static Config parseFile(File f) {
    try {
      return ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (com.typesafe.config.ConfigException ex) {
      throw new ConfigException("--conf " + f + ": " + ex.getMessage());
    }
  }

  private static Config parseSet(String key, String value) {
    try {
      return ConfigFactory.parseString(key + " = " + quoteIfNeeded(value));
    } catch (com.typesafe.config.ConfigException ex) {
      throw new ConfigException("--set " + key + "=" + value + ": " + ex.getMessage());
    }
  }

  private static String quoteIfNeeded(String v) {
    if (v.startsWith("[") || v.startsWith("{") || v.startsWith("\"")) {
      return v;
    }
    return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void rejectUnknownKeys(Config defaults, Config actual) {
    if (!actual.hasPath(ROOT)) {
      return;
    }
    Set<String> known = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : defaults.getConfig(ROOT).entrySet()) {
      known.add(e.getKey());
    }
    Set<String> unknown = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : actual.getConfig(ROOT).entrySet()) {
      if (!known.contains(e.getKey())) {
        unknown.add(ROOT + "." + e.getKey());
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException("unknown configuration key(s): " + String.join(", ", unknown));
    }
  }

  static JobConfig fromConfig(Config all) {
    Config c = all.getConfig(ROOT);
    String tz = c.getString("timezone");
    try {
      ZoneId.of(tz);
    } catch (DateTimeException ex) {
      throw bad("timezone", tz, "not a time zone id such as UTC or Europe/London");
    }
    Config ing = c.getConfig("ingest");
    IngestSettings ingest = new IngestSettings(
        upper(ing.getString("defaultCurrency")),
        ing.getStringList("allowedCurrencies").stream().map(JobConfig::upper).toList(),
        positive(ing, "ingest.maxAbsAmount", ing.getDouble("maxAbsAmount")),
        (int) atLeast("ingest.futureToleranceDays", ing.getInt("futureToleranceDays"), 0),
        ing.getBoolean("namespaceOrderIds"),
        (int) atLeast("ingest.batchMegabytes", ing.getInt("batchMegabytes"), 1),
        earliestOrderDate(ing.getString("earliestOrderDate")),
        intRange("ingest.maxIdLength", ing.getInt("maxIdLength"), 1, MAX_ID_LENGTH_LIMIT));
    Config m = c.getConfig("metrics");
    MetricsSettings metrics = new MetricsSettings(
        oneOf("metrics.grain", m.getString("grain"), "day", "week", "month", "quarter"),
        oneOf("metrics.percentiles", m.getString("percentiles"), "exact", "approximate"));
    Config cl = c.getConfig("clv");
    ClvSettings clv = new ClvSettings(
        oneOf("clv.timeUnit", cl.getString("timeUnit"), "day", "week"),
        (int) range("clv.horizonMonths", cl.getInt("horizonMonths"), 1, 1200),
        below("clv.monthlyDiscountRate", range("clv.monthlyDiscountRate", cl.getDouble("monthlyDiscountRate"), 0, 1),
            1),
        range("clv.penalizer", cl.getDouble("penalizer"), 0, 1e6));
    Config ch = c.getConfig("churn");
    ChurnSettings churn = new ChurnSettings(
        (int) atLeast("churn.horizonDays", ch.getInt("horizonDays"), 1),
        (int) atLeast("churn.lookbackDays", ch.getInt("lookbackDays"), 1),
        (int) atLeast("churn.maxModelAgeDays", ch.getInt("maxModelAgeDays"), 0),
        ch.getLong("seed"),
        range("churn.bands.high", ch.getDouble("bands.high"), 0, 1),
        range("churn.bands.medium", ch.getDouble("bands.medium"), 0, 1),
        (int) whole("churn.logistic.maxIter", ch.getDouble("logistic.maxIter"), 1, 10_000),
        range("churn.logistic.regParam", ch.getDouble("logistic.regParam"), 0, 1_000),
        (int) whole("churn.gbt.maxIter", ch.getDouble("gbt.maxIter"), 1, 10_000),
        (int) whole("churn.gbt.maxDepth", ch.getDouble("gbt.maxDepth"), 1, 30),
        (int) whole("churn.calibrationFolds", ch.getDouble("calibrationFolds"), 2, 20),
        names("churn.categoricalAttributes", ch.getStringList("categoricalAttributes")),
        (int) whole("churn.trainingCutoffs", ch.getDouble("trainingCutoffs"), 1, 24),
        (int) whole("churn.trainingCutoffStepDays", ch.getDouble("trainingCutoffStepDays"), 1, 3650),
        range("churn.minimumGain", ch.getDouble("minimumGain"), 0, 0.5));
    if (churn.bandMedium() > churn.bandHigh()) {
      throw bad("churn.bands.medium", churn.bandMedium(), "must not exceed churn.bands.high");
    }
    return new JobConfig(
        absolute(c.getString("warehouse")), c.getString("master"), tz,
        (int) atLeast("shufflePartitions", c.getInt("shufflePartitions"), 1),
        (int) whole("snapshotPartitions", c.getDouble("snapshotPartitions"), 1, 10_000),
        homeRelative(c.getString("input")), c.getString("profile"), homeRelative(c.getString("profilesDir")),
        (int) atLeast("activeWindowDays", c.getInt("activeWindowDays"), 1),
        ingest, metrics, clv, churn, export(c.getConfig("export")), c.getString("report.dir"),
        gates(c.getConfig("gates")), SegmentConfig.parse(c.getConfig("segments")), catalog(c.getConfig("catalog")),
        currency(c.getConfig("currency")), all);
  }

  /** currency.reporting: a three-letter code; currency.ratesFile: a path ("" for none). */
  private static CurrencySettings currency(Config cur) {
    String reporting = upper(cur.getString("reporting"));
    if (!reporting.matches("[A-Z]{3}")) {
      throw bad("currency.reporting", cur.getString("reporting"), "must be a three-letter currency code such as EUR");
    }
    String file = cur.getString("ratesFile").trim();
    return new CurrencySettings(reporting, file.isEmpty() ? null : homeRelative(file));
  }

  private static CatalogSettings catalog(Config cat) {
    String uri = cat.getString("metastoreUri").trim();
    for (String u : uri.isEmpty() ? new String[0] : uri.split(",")) {
      if (!u.trim().matches("thrift://[^\\s/:,]+(:\\d{1,5})?/?")) {
        throw bad("catalog.metastoreUri", uri, "must be empty (embedded Derby) or thrift://host:port[,…]");
      }
    }
    return new CatalogSettings(uri, cat.getBoolean("nightly"));
  }

  private static ExportSettings export(Config ex) {
    double saveRate = range("export.saveRate", ex.getDouble("saveRate"), 0, 1);
    if (saveRate == 0) {
      throw bad("export.saveRate", saveRate, "must be above 0");
    }
    return new ExportSettings(ex.getString("dir"),
        (int) atLeast("export.top", ex.getInt("top"), 1), range("export.minRisk", ex.getDouble("minRisk"), 0, 1),
        oneOf("export.minBand", ex.getString("minBand"), "low", "medium", "high"),
        range("export.minValueSaved", ex.getDouble("minValueSaved"), 0, 1e15), saveRate,
        range("export.control.share", ex.getDouble("control.share"), 0, 1),
        oneOf("export.control.period", ex.getString("control.period"), "day", "week", "month", "quarter"),
        range("export.actions.vipMinClv", ex.getDouble("actions.vipMinClv"), -1e15, 1e15),
        range("export.actions.winBackMinRisk", ex.getDouble("actions.winBackMinRisk"), 0, 1),
        ex.getBoolean("pseudonymise"), matchKey(ex.getString("matchKey")), ex.getBoolean("bom"),
        ex.getBoolean("groupRead"));
  }

  /** export.matchKey: an attributes key (letters, digits, _ . -), or "" for none (null). */
  private static String matchKey(String key) {
    if (key.isEmpty()) {
      return null;
    }
    if (!key.matches("[A-Za-z0-9_.-]+")) {
      throw bad("export.matchKey", key, "must be an attributes key (letters, digits, _ . -) or \"\" for none");
    }
    return key;
  }

  /** The gate rules: each an object with a name, a metric, an action and at least one bound. */
  private static GateSettings gates(Config g) {
    int trailing = (int) whole("gates.trailingNights", g.getDouble("trailingNights"), 1, 365);
    int min = (int) whole("gates.minNights", g.getDouble("minNights"), 1, trailing);
    List<GateRule> rules = new java.util.ArrayList<>();
    Set<String> keys = Set.of("name", "metric", "above", "below", "aboveMedianTimes", "belowMedianTimes", "action");
    List<? extends Config> list = g.getConfigList("rules");
    for (int i = 0; i < list.size(); i++) {
      Config r = list.get(i);
      String where = "gates.rules[" + i + "]";
      for (String k : r.root().keySet()) {
        if (!keys.contains(k)) {
          throw bad(where, r.root().render(com.typesafe.config.ConfigRenderOptions.concise()),
              "unknown key '" + k + "' (one of " + String.join(", ", new TreeSet<>(keys)) + ")");
        }
      }
      try {
        rules.add(new GateRule(r.hasPath("name") ? r.getString("name") : null,
            r.hasPath("metric") ? r.getString("metric") : null, optional(r, "above"), optional(r, "below"),
            optional(r, "aboveMedianTimes"), optional(r, "belowMedianTimes"),
            GateRule.Action.valueOf(oneOf(where + ".action", r.hasPath("action") ? r.getString("action") : "",
                "warn", "fail").toUpperCase(java.util.Locale.ROOT))));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("configuration key " + ROOT + "." + where + ": " + e.getMessage());
      }
    }
    return new GateSettings(trailing, min, rules);
  }

  private static Double optional(Config c, String key) {
    return c.hasPath(key) ? c.getDouble(key) : null;
  }

  /** Local paths become absolute; URIs with a scheme (hdfs://, s3a://, file:/) are kept. */
  static String absolute(String path) {
    if (path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*")) {
      return path;
    }
    return Path.of(path).toAbsolutePath().normalize().toString();
  }

  public JobConfig withWarehouse(String dir) {
    return new JobConfig(absolute(dir), master, timezone, shufflePartitions, snapshotPartitions, input, profile,
        profilesDir, activeWindowDays, ingest, metrics, clv, churn, export, reportDir, gates, segments, catalog, currency, raw);
  }

  /** This configuration with its warehouse, landing, export and report folders under {@code work} (bench). */
  public JobConfig under(Path work) {
    Config moved = raw.withValue(ROOT + ".input", ConfigValueFactory.fromAnyRef(work.resolve("landing").toString()))
        .withValue(ROOT + ".export.dir", ConfigValueFactory.fromAnyRef(work.resolve("exports").toString()))
        .withValue(ROOT + ".report.dir", ConfigValueFactory.fromAnyRef(work.resolve("reports").toString()));
    return fromConfig(moved).withWarehouse(work.resolve("warehouse").toString()).withMaster(master);
  }

  public JobConfig withMaster(String m) {
    return new JobConfig(warehouse, m, timezone, shufflePartitions, snapshotPartitions, input, profile,
        profilesDir, activeWindowDays, ingest, metrics, clv, churn, export, reportDir, gates, segments, catalog, currency, raw);
  }

  /** A yyyy-mm-dd date from 1900-01-01 to today. */
  static LocalDate earliestOrderDate(String text) {
    String key = "ingest.earliestOrderDate";
    LocalDate d;
    try {
      d = LocalDate.parse(text);
    } catch (DateTimeException e) {
      throw bad(key, text, "not a date yyyy-mm-dd");
    }
    if (d.isBefore(EARLIEST_ORDER_DATE_MIN) || d.isAfter(LocalDate.now(java.time.ZoneOffset.UTC))) {
      throw bad(key, text, "must be between " + EARLIEST_ORDER_DATE_MIN + " and today");
    }
    return d;
  }

  static ConfigException bad(String key, Object value, String why) {
    return new ConfigException("configuration key " + ROOT + "." + key + " = " + value + ": " + why);
  }

  private static String upper(String s) {
    return s.trim().toUpperCase(java.util.Locale.ROOT);
  }

  static String oneOf(String key, String value, String... allowed) {
    for (String a : allowed) {
      if (a.equals(value)) {
        return value;
      }
    }
    throw bad(key, value, "must be one of " + String.join(", ", allowed));
  }

  static long atLeast(String key, long value, long min) {
    if (value < min) {
      throw bad(key, value, "must be at least " + min);
    }
    return value;
  }

  static int intRange(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw bad(key, value, "must be between " + min + " and " + max);
    }
    return value;
  }

  static double range(String key, double value, double min, double max) {
    if (Double.isNaN(value) || value < min || value > max) {
      throw bad(key, value, "must be between " + min + " and " + max);
    }
    return value;
  }

  /** A whole number in [min, max]. */
  static long whole(String key, double value, long min, long max) {
    if (value != Math.rint(value) || value < min || value > max) {
      throw bad(key, value, "must be a whole number between " + min + " and " + max);
    }
    return (long) value;
  }

  /** Attribute names: letters, digits or _. */
  static List<String> names(String key, List<String> names) {
    for (String n : names) {
      if (!n.matches("[A-Za-z0-9_]+")) {
        throw bad(key, names, "a name must be letters, digits or _, cannot be: '" + n + "'");
      }
    }
    return List.copyOf(names);
  }

  static double below(String key, double value, double limit) {
    if (!(value < limit)) {
      throw bad(key, value, "must be below " + limit);
    }
    return value;
  }

  private static double positive(Config c, String key, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw bad(key, value, "must be a positive number");
    }
    return value;
  }

}
