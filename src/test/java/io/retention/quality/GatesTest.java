package io.retention.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.quality.GateRule.Action;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gates' arithmetic on hand-computed nights (the defaults of conf/application.conf as rules). */
class GatesTest {
  static final GateRule ABSOLUTE = new GateRule("quarantine_rate", "quarantine_rate", 0.20, null, null, null,
      Action.FAIL);
  static final GateRule RELATIVE = new GateRule("quarantine_rate_vs_recent", "quarantine_rate", 0.05, null, 3.0,
      null, Action.FAIL);
  static final GateRule LOW = new GateRule("records_low", "records", null, null, null, 0.2, Action.WARN);
  static final GateRule HIGH = new GateRule("records_high", "records", null, null, 5.0, null, Action.WARN);
  static final GateRule SET_ASIDE = new GateRule("files_set_aside", "files_set_aside", 0.0, null, null, null,
      Action.WARN);
  static final List<GateRule> DEFAULTS = List.of(ABSOLUTE, RELATIVE, SET_ASIDE, LOW, HIGH);

  /** A night of {@code records} records of which {@code bad} were quarantined (all as invalid_amount). */
  static NightQuality night(long records, long bad) {
    return new NightQuality(List.of("run"), 1, records, records - bad, bad, 0, 0, 0, 0,
        bad == 0 ? Map.of() : Map.of("invalid_amount", bad), Map.of("EUR", 100.0));
  }

  static List<NightQuality> recent(double... rates) {
    return java.util.Arrays.stream(rates).mapToObj(r -> night(1000, Math.round(r * 1000))).toList();
  }

  @Test
  void aQuarantineRateAboveTwentyPercentFailsWithoutAnyHistory() {
    List<GateResult> r = Gates.check(DEFAULTS, night(100, 50), List.of(), 3);
    assertThat(Gates.outcome(r)).isEqualTo(GateResult.FAIL);
    GateResult abs = r.get(0);
    assertThat(abs.outcome()).isEqualTo(GateResult.FAIL);
    assertThat(abs.value()).isEqualTo(0.5);
    assertThat(abs.threshold()).isEqualTo(0.2);
    assertThat(abs.message()).isEqualTo("quarantine_rate 0.5 > 0.2");
    // with no earlier night the median bounds are not compared
    assertThat(r.get(1).outcome()).isEqualTo(GateResult.SKIPPED);
    assertThat(r.get(1).message()).contains("0 earlier night(s) with data recorded, 3 needed");
  }

  @Test
  void aRateFarAboveTheRecentMedianFailsBelowTheAbsoluteBound() {
    // median of 0.01, 0.02, 0.03, 0.02, 0.02 is 0.02; the bound is max(0.05, 3 x 0.02) = 0.06
    List<NightQuality> earlier = recent(0.01, 0.02, 0.03, 0.02, 0.02);
    GateResult r = Gates.check(RELATIVE, night(1000, 120), earlier, 3);
    assertThat(r.outcome()).isEqualTo(GateResult.FAIL);
    assertThat(r.median()).isEqualTo(0.02);
    assertThat(r.threshold()).isEqualTo(0.06, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(r.message()).isEqualTo("quarantine_rate 0.12 > 0.06 (median of the last 5 nights: 0.02)");
    assertThat(Gates.check(ABSOLUTE, night(1000, 120), earlier, 3).outcome()).isEqualTo(GateResult.PASS);
    // 5.5 % is above 5 % but not above 3 x the median: passes
    assertThat(Gates.check(RELATIVE, night(1000, 55), earlier, 3).outcome()).isEqualTo(GateResult.PASS);
    // with a median of 1 % the bound is 5 %: 5.5 % fails
    assertThat(Gates.check(RELATIVE, night(1000, 55), recent(0.01, 0.01, 0.01), 3).outcome())
        .isEqualTo(GateResult.FAIL);
  }

  @Test
  void rowCountsFarFromTheMedianWarn() {
    List<NightQuality> earlier = List.of(night(1000, 0), night(1200, 0), night(800, 0), night(900, 0));
    // median of 800, 900, 1000, 1200 = 950
    GateResult low = Gates.check(LOW, night(150, 0), earlier, 3);
    assertThat(low.outcome()).isEqualTo(GateResult.WARN);
    assertThat(low.threshold()).isEqualTo(190.0, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(Gates.check(LOW, night(200, 0), earlier, 3).outcome()).isEqualTo(GateResult.PASS);
    assertThat(Gates.check(HIGH, night(4800, 0), earlier, 3).outcome()).isEqualTo(GateResult.WARN);
    assertThat(Gates.check(HIGH, night(4700, 0), earlier, 3).outcome()).isEqualTo(GateResult.PASS);
    List<GateResult> all = Gates.check(DEFAULTS, night(150, 0), earlier, 3);
    assertThat(Gates.outcome(all)).isEqualTo(GateResult.WARN);
  }

  @Test
  void perReasonRatesAndRevenuePerCurrencyAreMetrics() {
    NightQuality n = new NightQuality(List.of("r"), 2, 200, 150, 50, 0, 1, 7, 15,
        Map.of("invalid_amount", 30L, "invalid_timestamp", 20L), Map.of("EUR", 1234.5, "GBP", 10.0));
    assertThat(n.metric("quarantine_rate.invalid_amount")).isEqualTo(0.15);
    assertThat(n.metric("quarantine_rate.missing_order_id")).isZero();
    assertThat(n.metric("revenue.EUR")).isEqualTo(1234.5);
    assertThat(n.metric("revenue.USD")).isZero();
    assertThat(n.metric("refund_share")).isEqualTo(0.1);
    assertThat(n.metric("files_set_aside")).isEqualTo(1.0);
    assertThat(Gates.check(SET_ASIDE, n, List.of(), 3).outcome()).isEqualTo(GateResult.WARN);
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(Gates.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(Gates.median(new double[] {5, 1, 3})).isEqualTo(3.0);
  }

  @Test
  void aRuleWithoutBoundOrWithAnUnknownMetricIsRefused() {
    assertThatThrownBy(() -> new GateRule("g", "quarantine_rate", null, null, null, null, Action.WARN))
        .hasMessageContaining("needs at least one of above, below");
    assertThatThrownBy(() -> new GateRule("g", "rows", 1.0, null, null, null, Action.WARN))
        .hasMessageContaining("unknown metric 'rows'");
    assertThatThrownBy(() -> new GateRule("g", "records", null, null, 0.0, null, Action.WARN))
        .hasMessageContaining("must be above 0");
  }
}
