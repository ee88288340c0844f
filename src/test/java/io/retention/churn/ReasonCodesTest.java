package io.retention.churn;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.schema.ChurnColumns;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Reasons in plain words, most severe first, at most three; never "no warning signs" above band low. */
class ReasonCodesTest {
  private static ReasonCodes.Signals s(double days, double gap, double purchaseDays, double last90, double prev90,
      double refunds, double pAlive, double pNone, double risk, String band) {
    return new ReasonCodes.Signals(days, gap, purchaseDays, last90, prev90, refunds, pAlive, pNone, risk, band, 90);
  }

  @Test
  void overdueRegularBuyer() {
    assertThat(ReasonCodes.reasons(s(64, 22, 5, 0, 2, 0, 0.9, 0.4, 0.7, ChurnColumns.BAND_HIGH)))
        .isEqualTo("no purchase for 64 days, 2.9× the usual gap; orders fell from 2 to 0 in the last 90 days");
  }

  @Test
  void atMostThreeMostSevereFirst() {
    assertThat(ReasonCodes.reasons(s(100, 20, 4, 1, 4, 0.55, 0.1, 0.95, 0.9, ChurnColumns.BAND_HIGH))).isEqualTo(
        "no purchase for 100 days, 5.0× the usual gap; "
            + "buying pattern suggests only a 10% chance the customer is still active; "
            + "55% of spending was refunded"); // severity 1.65 beats the fall in orders (1.5) and BG/NBD (0.95)
  }

  @Test
  void oneTimeBuyerWithTheBtydFigure() {
    assertThat(ReasonCodes.reasons(s(45, 0, 1, 1, 0, 0, 1.0, 0.0, 0.2, ChurnColumns.BAND_LOW)))
        .isEqualTo("only one purchase so far, 45 days ago");
    assertThat(ReasonCodes.reasons(s(200, 0, 1, 0, 0, 0, 1.0, 0.94, 0.8, ChurnColumns.BAND_HIGH))).isEqualTo(
        "only one purchase so far, 200 days ago; BG/NBD gives a 94% chance of no purchase in the next 90 days");
  }

  @Test
  void noWarningSignsOnlyInBandLowElseTheModelsOwnFigure() {
    assertThat(ReasonCodes.reasons(s(5, 30, 6, 2, 2, 0, 0.95, 0.2, 0.1, ChurnColumns.BAND_LOW)))
        .isEqualTo(ReasonCodes.NONE);
    assertThat(ReasonCodes.reasons(s(5, 30, 6, 2, 2, 0, 0.95, 0.2, 0.72, ChurnColumns.BAND_HIGH)))
        .isEqualTo("the churn model gives a 72% chance of no purchase in the next 90 days");
    assertThat(ReasonCodes.reasons(s(5, 30, 6, 2, 2, 0, 0.95, 0.2, 0.35, ChurnColumns.BAND_MEDIUM)))
        .isEqualTo("the churn model gives a 35% chance of no purchase in the next 90 days");
  }

  @Test
  void aTinyChanceIsNeverWrittenAsZero() {
    assertThat(ReasonCodes.reasons(s(400, 20, 3, 0, 0, 0, 0.001, 0.999, 0.95, ChurnColumns.BAND_HIGH)))
        .isEqualTo("no purchase for 400 days, 20.0× the usual gap; "
            + "buying pattern suggests only a <1% chance the customer is still active; "
            + "BG/NBD gives a >99% chance of no purchase in the next 90 days");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"0, <1%", "0.0049, <1%", "0.005, 1%", "0.1, 10%", "0.494, 49%", "0.5, 50%", "0.9949, 99%",
      "0.995, >99%", "1, >99%"})
  void percentagesAreWholeNumbersWithOpenEnds(double p, String text) {
    assertThat(ReasonCodes.percent(p)).isEqualTo(text);
  }
}
