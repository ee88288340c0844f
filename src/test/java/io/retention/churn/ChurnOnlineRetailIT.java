package io.retention.churn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Out of time on UCI Online Retail (4,338 customers after the SOURCE.md cleaning, 2010-12-01 .. 2011-12-09).
 * The year is short, so H = 90 days and the validation cutoff c = 2011-09-10 is the latest whose labels are
 * fully observed (c + H = 2011-12-09, the last day of data); training is at c - H = 2011-06-12 (stacked with
 * 2011-05-13 and 2011-04-13) with labels observed up to c. The lookback (365 days) then covers all the history
 * before each cutoff. Country (kept by the online-retail ingest profile) is a configured categorical attribute.
 * Skipped without ../shared/datasets.
 * An IT (Failsafe): loading the 305 day files and training takes a few minutes on the shared 2-core machine.
 */
class ChurnOnlineRetailIT {
  static final LocalDate CUTOFF = LocalDate.parse("2011-09-10");

  @Test
  void classifierIsNotWorseThanTheBetterBaselineAndTheExportParsesBack() throws Exception {
    Dataset<Row> purchases = ChurnRows.onlineRetail().cache();
    ChurnTrainer.Options o = new ChurnTrainer.Options(CUTOFF, 90, 365, 0.0, 42,
        ChurnTrainer.Options.LR_MAX_ITER_DEFAULT, ChurnTrainer.Options.LR_REG_PARAM_DEFAULT,
        ChurnTrainer.Options.GBT_MAX_ITER_DEFAULT, ChurnTrainer.Options.GBT_MAX_DEPTH_DEFAULT,
        ChurnTrainer.Options.CALIBRATION_FOLDS_DEFAULT, "test", List.of("Country"),
        ChurnTrainer.Options.TRAINING_CUTOFFS_DEFAULT, ChurnTrainer.Options.TRAINING_CUTOFF_STEP_DAYS_DEFAULT);
    ChurnTrainer.Result r = ChurnTrainer.train(purchases, o);
    r.all().forEach(m -> System.out.println("UCI out-of-time: " + m.describe()));
    r.calibrations().forEach(m -> System.out.println("UCI calibration: " + m.describe()));
    double recency = r.all().get(2).rocAuc();
    double btyd = r.all().get(3).rocAuc();
    System.out.printf("UCI kept %s (%s) ROC-AUC %.4f | baseline recency %.4f | baseline BG/NBD P(no purchase) %.4f%n",
        r.modelType(), r.calibration(), r.kept().rocAuc(), recency, btyd);
    double bestClassifier = Math.max(r.all().get(0).rocAuc(), r.all().get(1).rocAuc());
    assertThat(bestClassifier).isGreaterThanOrEqualTo(Math.max(recency, btyd) - 0.01);
    // rows stacked from 3 training cutoffs (2011-06-12, 05-13, 04-13), each at most the 4,338 customers
    assertThat(r.trainRows()).isBetween(3 * 2_000L, 3 * 4_338L);
    assertThat(r.validationRows()).isBetween(r.trainRows() / 3, 4_338L);
    double rawBrier = r.all().stream().filter(m -> m.name().equals(r.modelType())).findFirst().orElseThrow().brier();
    assertThat(r.kept().brier()).isLessThanOrEqualTo(rawBrier + 1e-12).isBetween(0.0, 0.25);
    ChurnCdnowIT.exportParsesBack("UCI", purchases, r, o);
    purchases.unpersist();
  }
}
