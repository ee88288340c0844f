package io.retention.churn;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.testing.SharedSpark;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Out of time on CDNOW (sample, 2,357 customers): train at 1997-07-02 with labels observed up to the
 * calibration end 1997-09-30, validate on features at 1997-09-30 with labels from the holdout (to 1997-12-29,
 * inside the holdout ending 1998-06-30). Skipped without ../shared/datasets.
 */
class ChurnCdnowTest {
  @Test
  void classifierIsNotWorseThanTheBetterBaseline() {
    Dataset<Row> purchases = ChurnRows.cdnowSample().cache();
    ChurnTrainer.Result r = ChurnTrainer.train(purchases,
        ChurnTrainer.Options.defaults(LocalDate.parse("1997-09-30"), 90, 365, 42));
    r.all().forEach(m -> System.out.println("CDNOW out-of-time: " + m.describe()));
    double recency = r.all().get(2).rocAuc();
    double pAlive = r.all().get(3).rocAuc();
    System.out.printf("CDNOW kept %s ROC-AUC %.4f | baseline recency %.4f | baseline 1-P(alive) %.4f%n",
        r.modelType(), r.kept().rocAuc(), recency, pAlive);
    assertThat(r.kept().rocAuc()).isGreaterThanOrEqualTo(Math.max(recency, pAlive) - 0.01);
    assertThat(r.trainRows()).isPositive();
    assertThat(r.validationRows()).isGreaterThan(r.trainRows() / 2);
    assertThat(r.kept().calibration()).isNotEmpty();
    assertThat(r.kept().brier()).isBetween(0.0, 0.25);
    purchases.unpersist();
    SharedSpark.get(); // shared session stays up for the other tests
  }
}
