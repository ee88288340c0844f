package io.retention.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The BTYD churn baseline P(no purchase in (T, T + H]) = (1 - P(alive)) + P(alive) ((alpha + T) /
 * (alpha + T + H))^(r + x), against values computed independently with python3 from the formula (no shared code):
 *
 * <pre>
 * def pa(r, al, a, b, x, tx, T): return 1.0 if x == 0 else 1 / (1 + (a / (b + x - 1)) * ((al + T) / (al + tx)) ** (r + x))
 * def pnp(r, al, a, b, x, tx, T, H): A = pa(r, al, a, b, x, tx, T); return (1 - A) + A * ((al + T) / (al + T + H)) ** (r + x)
 * </pre>
 */
class BgNbdNoPurchaseTest {

  @ParameterizedTest(name = "r={0} alpha={1} a={2} b={3} x={4} t_x={5} T={6} H={7}")
  @CsvSource({
      // CDNOW parameters of Fader, Hardie & Lee (2005); weeks
      "0.243, 4.414, 0.793, 2.426,  0,  0.0,  38.86, 12.857, 1.0,                0.9387433975248204",
      "0.243, 4.414, 0.793, 2.426,  2, 30.43, 38.86, 12.857, 0.726578570080673,  0.6788160701989895",
      "0.243, 4.414, 0.793, 2.426,  7, 35.0,  38.0,  52,     0.8619910650934327, 0.14062931024882672",
      "0.243, 4.414, 0.793, 2.426,  1,  2.0,  40.0,  13,     0.21634098936781473, 0.9408931692301021",
      "1.5,   20.0,  0.5,   5.0,    3, 10,    20,     5,     0.7932270231861649, 0.6736592978714986",
      "1.5,   20.0,  0.5,   5.0,   10, 50,    52,    13,     0.9529449715649463, 0.1883328162693791"})
  void matchesTheHandComputedProbability(double r, double alpha, double a, double b, double x, double tx,
      double t, double h, double alive, double none) {
    BgNbd.Params p = new BgNbd.Params(r, alpha, a, b);
    assertThat(BgNbd.pAlive(p, x, tx, t)).isCloseTo(alive, within(1e-12));
    assertThat(BgNbd.pNoPurchase(p, h, x, tx, t)).isCloseTo(none, within(1e-12));
  }

  @ParameterizedTest(name = "x={0}")
  @CsvSource({"0, 0", "3, 20"})
  void anEmptyHorizonMissesNothingAndALongerOneIsLessLikelySilent(double x, double tx) {
    BgNbd.Params p = new BgNbd.Params(0.243, 4.414, 0.793, 2.426);
    assertThat(BgNbd.pNoPurchase(p, 0, x, tx, 30)).isEqualTo(1.0);
    assertThat(BgNbd.pNoPurchase(p, 26, x, tx, 30)).isLessThan(BgNbd.pNoPurchase(p, 13, x, tx, 30))
        .isGreaterThanOrEqualTo(1 - BgNbd.pAlive(p, x, tx, 30));
  }
}
