package io.retention.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class Hyp2F1Test {
  /** {a, b, c, z, 2F1} computed independently with mpmath 1.3.0 hyp2f1 at 40 digits. */
  private static final double[][] MPMATH = {
      {1, 1, 2, 0.5, 1.3862943611198906},
      {1, 1, 2, 0.999, 6.9146699489310672},
      {1, 1, 2, 0.999999, 13.815524373459892},
      {0.5, 0.5, 1.5, 0.25, 1.0471975511965977},
      {2.2426, 4.4258, 6.2187, 0.4713, 2.6249024169469037},
      {0.2426, 2.4258, 2.2187, 0.9, 1.9456694622144449},
      {0.2426, 2.4258, 2.2187, 0.99, 4.3664024840251906},
      {0.2426, 2.4258, 2.2187, 0.9999, 29.883371913256887},
      {3.2426, 5.4258, 7.2187, 0.97, 1036.307596055249},
      {50.2426, 52.4258, 102.2187, 0.3, 6564.2113681643186},
      {50.2426, 52.4258, 102.2187, 0.95, 1.617474137018802e+22},
      {1.5, 2.5, 4.0, 0.995, 17.756759661837592},
      {1.5, 2.5, 3.0, 0.995, 333.86471238562142},
      {0.7, 1.3, 3.0, 0.999, 1.8763521071174996},
      {10.24, 12.43, 22.22, 0.999, 29670445.587761231},
  };

  @Test
  void matchesMpmathIncludingArgumentsNearOne() {
    for (double[] c : MPMATH) {
      double got = Hyp2F1.value(c[0], c[1], c[2], c[3]);
      assertThat(got).as("2F1(%s, %s; %s; %s)", c[0], c[1], c[2], c[3]).isCloseTo(c[4], within(1e-9 * c[4]));
    }
  }

  @Test
  void matchesClosedForms() {
    for (double z : new double[] {0.1, 0.5, 0.89, 0.91, 0.99, 0.9999}) {
      // 2F1(1, 1; 2; z) = -ln(1 - z) / z  (c - a - b = 0: the integer case of the transformation)
      assertThat(Hyp2F1.value(1, 1, 2, z)).isCloseTo(-Math.log1p(-z) / z, within(1e-9));
      // 2F1(a, b; b; z) = (1 - z)^-a
      double expected = Math.pow(1 - z, -0.37);
      assertThat(Hyp2F1.value(0.37, 2.5, 2.5, z)).isCloseTo(expected, within(1e-9 * expected));
    }
    // 2F1(1/2, 1/2; 3/2; x^2) = asin(x) / x
    assertThat(Hyp2F1.value(0.5, 0.5, 1.5, 0.95 * 0.95)).isCloseTo(Math.asin(0.95) / 0.95, within(1e-9));
  }

  @Test
  void logAgreesWithValueAndStaysFiniteForHugeResults() {
    assertThat(Hyp2F1.log(2.2426, 4.4258, 6.2187, 0.4713)).isCloseTo(Math.log(2.6249024169469037), within(1e-12));
    // log 2F1 from mpmath 1.3.0; the second (e^2137) exceeds the double range as a plain value
    assertThat(Hyp2F1.log(400.2, 402.4, 801.2, 0.95)).isCloseTo(396.02112019002883, within(1e-9));
    assertThat(Hyp2F1.log(2000.2, 2002.4, 4001.2, 0.97)).isCloseTo(2137.0696237649179, within(1e-8));
    assertThat(Hyp2F1.log(120.24, 122.43, 242.2, 0.995)).isCloseTo(153.26786208248438, within(1e-9));
  }

  @Test
  void rejectsArgumentsOutsideTheDomain() {
    assertThatThrownBy(() -> Hyp2F1.value(1, 1, 2, 1.0))
        .hasMessage("Hyp2F1: z must be in [0, 1), cannot be: 1.0");
    assertThatThrownBy(() -> Hyp2F1.value(1, 1, -2, 0.5))
        .hasMessage("Hyp2F1: c must not be 0 or a negative integer, cannot be: -2.0");
  }
}
