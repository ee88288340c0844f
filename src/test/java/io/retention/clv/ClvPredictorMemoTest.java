package io.retention.clv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The memo of (x, T) terms changes no prediction by a single bit and is shared by customers with equal x and T. */
class ClvPredictorMemoTest {
  // the published CDNOW fits (weeks)
  static final BgNbd.Params BG = new BgNbd.Params(0.2426, 4.4135, 0.7929, 2.4258);
  static final GammaGamma.Params GG = new GammaGamma.Params(6.25, 3.74, 15.45);
  static final ClvPredictor PREDICTOR = new ClvPredictor(BG, GG, 12, ClvPredictor.monthIn(7), 0.01);

  @Test
  void predictionsAreExactlyThoseWithoutTheMemoAndEqualXAndTShareAnEntry() {
    ClvPredictor.Memo memo = new ClvPredictor.Memo(PREDICTOR);
    Random rnd = new Random(7);
    Set<List<Double>> distinct = new HashSet<>();
    for (int i = 0; i < 5_000; i++) {
      double x = rnd.nextInt(8);
      double t = rnd.nextInt(40) / 7.0 + 1; // whole days in weeks: customers share T
      double tx = x == 0 ? 0 : t * rnd.nextDouble();
      double monetary = x == 0 ? 0 : 5 + 50 * rnd.nextDouble();
      distinct.add(List.of(x, t));
      ClvPredictor.Prediction p = memo.predict(x, tx, t, monetary);
      assertThat(p).as("x=%s tx=%s T=%s", x, tx, t).isEqualTo(PREDICTOR.predict(x, tx, t, monetary));
      // and the horizon's expected purchases as the model's formula gives them in one step
      assertThat(p.expectedPurchases())
          .isEqualTo(BgNbd.expectedPurchases(BG, 12 * ClvPredictor.monthIn(7), x, tx, t));
    }
    assertThat(memo.size()).isEqualTo(distinct.size()).isLessThan(5_000 / 10);
  }

  @Test
  void theMemoStaysBoundedAndKeepsPredictingExactly() {
    ClvPredictor.Memo memo = new ClvPredictor.Memo(PREDICTOR);
    for (int i = 0; i <= ClvPredictor.Memo.MAX_ENTRIES; i++) {
      memo.predict(1, 0.5, 1 + i / 7.0, 20);
    }
    assertThat(memo.size()).isLessThanOrEqualTo(ClvPredictor.Memo.MAX_ENTRIES);
    assertThat(memo.predict(3, 10, 30, 25)).isEqualTo(PREDICTOR.predict(3, 10, 30, 25));
  }

  /** Each Spark task deserialises the UDF's copy: it starts with an empty memo of its own and predicts the same. */
  @Test
  void aDeserialisedCopyHasItsOwnEmptyMemo() throws Exception {
    ClvPredictor.Memo memo = new ClvPredictor.Memo(PREDICTOR);
    memo.predict(2, 5, 20, 30);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(memo);
    }
    ClvPredictor.Memo copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (ClvPredictor.Memo) in.readObject();
    }
    assertThat(copy.size()).isZero();
    assertThat(copy.predict(2, 5, 20, 30)).isEqualTo(PREDICTOR.predict(2, 5, 20, 30));
    assertThat(copy.size()).isEqualTo(1);
  }
}
