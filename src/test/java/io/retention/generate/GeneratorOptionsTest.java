package io.retention.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Option checks and the calibration maths: no Spark. */
class GeneratorOptionsTest {
  private static final LocalDate START = LocalDate.of(2024, 1, 1);

  @Test
  void rejectsBadValuesWithTheOptionAndTheValue() {
    assertThatThrownBy(() -> GeneratorOptions.of(0, 1, 10, 1, START, "csv", 0))
        .hasMessage("--orders must be at least 1, cannot be: 0");
    assertThatThrownBy(() -> GeneratorOptions.of(5, 10, 10, 1, START, "csv", 0))
        .hasMessage("--orders must be at least --customers (10), cannot be: 5");
    assertThatThrownBy(() -> GeneratorOptions.of(10, 10, 0, 1, START, "csv", 0))
        .hasMessage("--days must be at least 1, cannot be: 0");
    assertThatThrownBy(() -> GeneratorOptions.of(10, 10, 10, 1, START, "xml", 0))
        .hasMessage("--format must be one of csv, jsonl, cannot be: xml");
    assertThatThrownBy(() -> GeneratorOptions.of(10, 10, 10, 1, START, "csv", 0.7))
        .hasMessage("--bad-rows must be between 0.0 and 0.5, cannot be: 0.7");
    assertThatThrownBy(() -> GeneratorOptions.of(10, 10, 10, 1, START, "jsonl", 0.1).withBadRowsFile(true))
        .hasMessage("--bad-rows-file needs --format csv, cannot be: jsonl");
    assertThatThrownBy(() -> GeneratorOptions.of(10, 10, 10, 1, START, "csv", 0).withAlpha(-1))
        .hasMessage("--alpha must be a positive number, cannot be: -1.0");
  }

  @Test
  void hypergeometricSeriesMatchesAKnownClosedForm() {
    // 2F1(1, 1; 2; z) = -ln(1 - z) / z
    for (double z : new double[] {0.1, 0.5, 0.9, 0.99}) {
      assertThat(BgNbdExpectation.hyp2f1(1, 1, 2, z)).isCloseTo(-Math.log1p(-z) / z, within(1e-9));
    }
  }

  @Test
  void calibrationIntegralAgreesWithTheClosedFormBgNbdExpectation() {
    GeneratorOptions o = GeneratorOptions.of(3000, 600, 365, 1, START, "csv", 0);
    Calibration c = new Calibration(o, new Seasonality(START, 365));
    for (double alpha : new double[] {2, 15, 80}) {
      BgNbdExpectation exact = new BgNbdExpectation(o.r(), alpha, o.a(), o.b());
      for (double t : new double[] {1, 30, 200, 364}) {
        assertThat(c.expectedRepeats(t, alpha))
            .as("alpha %s, t %s", alpha, t)
            .isCloseTo(exact.expectedRepeats(t), within(0.01 * exact.expectedRepeats(t) + 1e-6));
      }
    }
  }

  @Test
  void calibratedAlphaGivesTheRequestedOrders() {
    GeneratorOptions o = GeneratorOptions.of(10_000, 1_000, 730, 1, START, "csv", 0);
    double alpha = Calibration.resolveAlpha(o);
    assertThat(Calibration.expectedOrders(o, alpha)).isCloseTo(10_000, within(1.0));
    assertThat(Calibration.resolveAlpha(o.withAlpha(3.5))).isEqualTo(3.5);
  }

  @Test
  void unreachableOrderCountsAreRejectedBeforeAnyWork() {
    GeneratorOptions o = GeneratorOptions.of(100_000, 1_000, 730, 1, START, "csv", 0);
    assertThatThrownBy(() -> Calibration.resolveAlpha(o))
        .hasMessageStartingWith("--orders 100000 needs 100.0 orders per customer, but with --a 1.5 --b 8.0 at most")
        .hasMessageEndingWith("are reachable in 730 days: raise --customers or --days, or lower --b");
  }

  @Test
  void aCustomerIsTheSameWhateverElseIsGenerated() {
    GeneratorOptions o = GeneratorOptions.of(3000, 600, 365, 9, START, "csv", 0);
    CustomerSimulator sim = new CustomerSimulator(o, 10);
    CustomerSimulator again = new CustomerSimulator(o, 10);
    assertThat(lines(again, 17)).isEqualTo(lines(sim, 17)).hasSizeGreaterThan(1);
    assertThat(lines(new CustomerSimulator(o.withAlpha(10), 10), 17)).isEqualTo(lines(sim, 17));
    assertThat(sim.events(18).get(0).fields()[LineFormat.CUSTOMER_ID]).isEqualTo("C0000018");
    assertThat(lines(sim, 18)).isNotEqualTo(lines(sim, 17));
  }

  private static java.util.List<String> lines(CustomerSimulator sim, long id) {
    return sim.events(id).stream().map(e -> e.epochSecond() + " " + LineFormat.csv(e.fields())).toList();
  }
}
