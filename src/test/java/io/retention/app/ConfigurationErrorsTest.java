package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A bad value from any layer is a usage error (exit 2, one line naming the key) before Spark starts. */
class ConfigurationErrorsTest {

  @Test
  void deltasLogReplayRunsInOneTaskUnlessTheConfigurationRaisesIt() {
    assertThat(JobConfig.load(null, Map.of()).snapshotPartitions()).isEqualTo(1);
    assertThat(JobConfig.load(null, Map.of("snapshotPartitions", "16")).snapshotPartitions()).isEqualTo(16);
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("snapshotPartitions", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("configuration key retention.snapshotPartitions = 0.0: must be a whole number between 1 and 10000");
  }

  @Test
  void aHorizonTheClvStageRefusesIsRefusedByTheConfigurationWithItsKey() {
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("clv.horizonMonths", "5000")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("configuration key retention.clv.horizonMonths = 5000.0: must be between 1.0 and 1200.0");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("clv.monthlyDiscountRate", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("configuration key retention.clv.monthlyDiscountRate = 1.0: must be below 1.0");
  }

  @Test
  void gateRulesAreTypedAndABadOneIsOneLineNamingIt() {
    JobConfig defaults = JobConfig.load(null, Map.of());
    assertThat(defaults.gates().rules()).extracting(io.retention.quality.GateRule::name).containsExactly(
        "quarantine_rate", "quarantine_rate_vs_recent", "files_set_aside", "records_low", "records_high");
    assertThat(defaults.gates().rules().get(1)).isEqualTo(new io.retention.quality.GateRule(
        "quarantine_rate_vs_recent", "quarantine_rate", 0.05, null, 3.0, null,
        io.retention.quality.GateRule.Action.FAIL));
    assertThat(defaults.gates().trailingNights()).isEqualTo(14);
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("gates.rules",
        "[{ name = g, metric = rows, above = 1, action = warn }]"))).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("configuration key retention.gates.rules[0]: gate g: unknown metric 'rows'");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("gates.rules",
        "[{ name = g, metric = records, abov = 1, action = warn }]"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'abov'");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("gates.rules",
        "[{ name = g, metric = records, above = 1, action = stop }]"))).isInstanceOf(ConfigException.class)
        .hasMessage("configuration key retention.gates.rules[0].action = stop: must be one of warn, fail");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("gates.minNights", "20")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("configuration key retention.gates.minNights = 20.0: must be a whole number between 1 and 14");
  }

  @Test
  void theCatalogTakesDerbyUnderALocalWarehouseOrAThriftService() {
    JobConfig local = JobConfig.load(null, Map.of()).withWarehouse("/data/wh/");
    assertThat(local.catalog()).isEqualTo(new JobConfig.CatalogSettings("", false));
    Metastore derby = Metastore.of(local);
    assertThat(derby.describe()).isEqualTo("embedded Derby /data/wh/_catalog/metastore_db");
    JobConfig service = JobConfig.load(null, Map.of("catalog.metastoreUri", "thrift://a:9083,thrift://b:9083",
        "catalog.nightly", "true")).withWarehouse("s3a://bucket/wh");
    assertThat(service.catalog().nightly()).isTrue();
    assertThat(Metastore.of(service).describe()).isEqualTo("thrift://a:9083,thrift://b:9083");
    assertThat(Metastore.of(service).sparkConf()).containsEntry("spark.hadoop.hive.metastore.uris",
        "thrift://a:9083,thrift://b:9083").containsEntry("spark.sql.catalogImplementation", "hive")
        .doesNotContainKey("spark.hadoop.javax.jdo.option.ConnectionURL");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("catalog.metastoreUri", "jdbc:derby:/x")))
        .isInstanceOf(ConfigException.class).hasMessage("configuration key retention.catalog.metastoreUri = "
            + "jdbc:derby:/x: must be empty (embedded Derby) or thrift://host:port[,…]");
    assertThatThrownBy(() -> Metastore.of(JobConfig.load(null, Map.of()).withWarehouse("hdfs://nn/wh")))
        .isInstanceOf(ConfigException.class).hasMessage("catalog: the warehouse hdfs://nn/wh is not a local "
            + "folder: set retention.catalog.metastoreUri (thrift://host:9083) to a metastore service");
    String wh = io.retention.testing.SharedSpark.tempDir("config-errors").toString();
    assertThat(Main.execute("nightly", "--catalog", "--warehouse", "hdfs://nn" + wh)).isEqualTo(Main.USAGE);
  }

  @Test
  void aBadSetValueExitsWithTheUsageCode() {
    String wh = io.retention.testing.SharedSpark.tempDir("config-errors").toString();
    assertThat(Main.execute("clv", "--warehouse", wh, "--set", "clv.horizonMonths=5000")).isEqualTo(Main.USAGE);
    assertThat(Main.execute("clv", "--warehouse", wh, "--horizon-months", "0")).isEqualTo(Main.USAGE);
  }

  @Test
  void theSegmentRuleTableAndCrmKeysAreTypedWithTheShippedDefaults() {
    JobConfig defaults = JobConfig.load(null, Map.of());
    assertThat(defaults.segments().rules()).isEqualTo(io.retention.metrics.SegmentRules.defaults());
    assertThat(defaults.segments().actions()).isEqualTo(io.retention.export.SegmentActions.defaults());
    assertThat(defaults.segments().rules().otherwise()).isEqualTo("Others");
    // the fallback is a key of its own; it needs actions only when some score triple falls through to it
    String top = "[{ segment = Top, r = \"5\", f = \"1-5\" }]";
    JobConfig fallback = JobConfig.load(null, Map.of("segments.rules", top, "segments.otherwise", "Everyone else",
        "segments.actions", "[{ segment = Top, high = call, medium = mail }, { segment = Everyone else, high = offer,"
            + " medium = newsletter }]"));
    assertThat(fallback.segments().rules().segmentOf(4, 5, 5)).isEqualTo("Everyone else");
    assertThat(fallback.segments().actions().action("Everyone else", "high")).isEqualTo("offer");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("segments.rules", top, "segments.actions",
        "[{ segment = Top, high = call, medium = mail }]"))).isInstanceOf(ConfigException.class)
        .hasMessage("configuration key retention.segments.actions: no actions for segment 'Others' (each segment "
            + "needs { segment, high, medium })");
    JobConfig covering = JobConfig.load(null, Map.of("segments.rules", "[{ segment = All, r = \"1-5\", f = \"1-5\" }]",
        "segments.actions", "[{ segment = All, high = call, medium = mail }]"));
    assertThat(covering.segments().rules().segments()).containsExactly("All");
    assertThat(defaults.export().matchKey()).isNull();
    assertThat(defaults.export().bom()).isFalse();
    assertThat(defaults.export().groupRead()).isFalse();
    JobConfig set = JobConfig.load(null, Map.of("export.matchKey", "crm_id", "export.bom", "true",
        "export.groupRead", "true"));
    assertThat(List.of(set.export().matchKey(), set.export().bom(), set.export().groupRead()))
        .containsExactly("crm_id", true, true);
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("export.matchKey", "e mail")))
        .isInstanceOf(ConfigException.class).hasMessage("configuration key retention.export.matchKey = e mail: "
            + "must be an attributes key (letters, digits, _ . -) or \"\" for none");
  }

  /** Each bad rule table is one line naming the key (exit 2 through Main). */
  @Test
  void aBadRuleTableIsOneLineNamingTheKey() {
    String champions = "{ segment = Champions, r = \"5\", f = \"4-5\" }";
    String rest = "{ segment = Rest, r = \"1-5\", f = \"1-5\" }";
    Map<String, String> badScore = Map.of("segments.rules", "[" + champions + ", { segment = Rest, r = \"1-6\", "
        + "f = \"1-5\" }]");
    assertThatThrownBy(() -> JobConfig.load(null, badScore)).isInstanceOf(ConfigException.class)
        .hasMessage("configuration key retention.segments.rules[1].r = 1-6: must be a score 1-5 or a range "
            + "low-high such as 4-5");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("segments.otherwise", " ")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("configuration key retention.segments.otherwise = \" \": must be a segment name, cannot be blank");
    // a smaller table with the default fallback: the default actions name segments it no longer has
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("segments.rules", "[" + champions + "]")))
        .isInstanceOf(ConfigException.class).hasMessage("configuration key retention.segments.actions[1].segment"
            + " = Can't Lose Them: not a segment of segments.rules or segments.otherwise (one of Champions, Others)");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("segments.rules", "[" + rest + ", " + champions + "]")))
        .isInstanceOf(ConfigException.class).hasMessage("configuration key retention.segments.rules: rules[1] "
            + "(Champions) is never reached: the rules before it cover all of its scores");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("segments.rules", "[{ segment = Rest, r = \"1-5\", "
        + "f = \"1-5\", monetary = \"1-5\" }]"))).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("configuration key retention.segments.rules[0] = ")
        .hasMessageEndingWith(": unknown key 'monetary' (one of f, m, r, segment)");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("segments.rules", "[" + rest + "]")))
        .isInstanceOf(ConfigException.class).hasMessage("configuration key retention.segments.actions[0].segment"
            + " = Champions: not a segment of segments.rules or segments.otherwise (one of Rest)");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("segments.actions", "[]")))
        .isInstanceOf(ConfigException.class).hasMessage("configuration key retention.segments.actions: no "
            + "actions for segment 'Champions' (each segment needs { segment, high, medium })");
    String wh = io.retention.testing.SharedSpark.tempDir("config-segments").toString();
    assertThat(Main.execute("metrics", "--warehouse", wh, "--set", "segments.rules=[" + champions + "]"))
        .isEqualTo(Main.USAGE);
  }
}
