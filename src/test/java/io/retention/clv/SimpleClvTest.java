package io.retention.clv;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class SimpleClvTest {
  @Test
  void aHazardAboveOneIsGivenWithTheShareWhoChurnWithinAYear() {
    SimpleClv.Churn c = new SimpleClv.Churn(1_0766, 10_000, LocalDate.of(2020, 1, 1));
    assertThat(c.describe()).isEqualTo("simple CLV: churn hazard 1.0766 per customer-year (65.9 % of customers "
        + "churn within a year), expected lifetime 0.93 years");
  }

  @Test
  void noExposureSaysSoInsteadOfNaN() {
    assertThat(new SimpleClv.Churn(0, 0, LocalDate.of(2020, 1, 1)).describe()).doesNotContain("NaN")
        .contains("no churn rate");
  }
}
