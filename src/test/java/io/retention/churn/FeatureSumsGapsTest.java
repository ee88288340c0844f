package io.retention.churn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The churn features' gap statistics in the fold ({@link FeatureSums.Gaps}), against values worked by hand. */
class FeatureSumsGapsTest {
  private static FeatureSums.Gaps of(long... days) {
    FeatureSums.Gaps g = new FeatureSums.Gaps();
    for (long d : days) {
      g.add(d);
    }
    return g;
  }

  @Test
  void fourGaps() {
    // gaps 2, 7, 10, 12: mean 31 / 4 = 7.75, squared deviations 33.0625 + 0.5625 + 5.0625 + 18.0625 = 56.75
    FeatureSums.Gaps g = of(100, 102, 109, 119, 131);
    assertThat(g.max()).isEqualTo(12);
    assertThat(g.std()).isCloseTo(Math.sqrt(56.75 / 4), within(1e-12));
    assertThat(g.median()).isEqualTo(8.5);
  }

  @Test
  void anOddNumberOfGapsTakesTheMiddleOne() {
    FeatureSums.Gaps g = of(0, 30, 31, 41); // gaps 30, 1, 10
    assertThat(g.max()).isEqualTo(30);
    assertThat(g.median()).isEqualTo(10.0);
    assertThat(g.std()).isCloseTo(Math.sqrt((Math.pow(30 - 41 / 3.0, 2) + Math.pow(1 - 41 / 3.0, 2)
        + Math.pow(10 - 41 / 3.0, 2)) / 3), within(1e-12));
  }

  @Test
  void oneGapHasNoMedianAndNoneHasZeros() {
    FeatureSums.Gaps one = of(5, 9);
    assertThat(one.max()).isEqualTo(4);
    assertThat(one.std()).isZero();
    assertThat(one.median()).isNull();
    FeatureSums.Gaps none = of(5);
    assertThat(none.max()).isZero();
    assertThat(none.std()).isZero();
    assertThat(none.median()).isNull();
    assertThat(of().max()).isZero();
  }

  @Test
  void growsPastItsFirstCapacity() {
    long[] days = new long[20];
    for (int i = 0; i < days.length; i++) {
      days[i] = (long) i * i; // gaps 1, 3, 5, ..., 37
    }
    FeatureSums.Gaps g = of(days);
    assertThat(g.max()).isEqualTo(37);
    assertThat(g.median()).isEqualTo(19.0);
  }
}
