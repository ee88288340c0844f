package io.retention.churn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reasons in plain words, most severe first, at most three. */
class ReasonCodesTest {
  @Test
  void overdueRegularBuyer() {
    assertThat(ReasonCodes.reasons(64, 22, 5, 0, 2, 0, 0.9))
        .isEqualTo("no purchase for 64 days, 2.9× the usual gap; orders fell from 2 to 0 in the last 90 days");
  }

  @Test
  void atMostThreeMostSevereFirst() {
    assertThat(ReasonCodes.reasons(100, 20, 4, 1, 4, 0.55, 0.1)).isEqualTo(
        "no purchase for 100 days, 5.0× the usual gap; "
            + "buying pattern suggests only a 10% chance the customer is still active; "
            + "55% of spending was refunded"); // severity 1.65 beats the fall in orders (1.5)
  }

  @Test
  void oneTimeBuyerAndNoWarningSigns() {
    assertThat(ReasonCodes.reasons(45, 0, 1, 1, 0, 0, 1.0)).isEqualTo("only one purchase so far, 45 days ago");
    assertThat(ReasonCodes.reasons(5, 30, 6, 2, 2, 0, 0.95)).isEqualTo(ReasonCodes.NONE);
  }
}
