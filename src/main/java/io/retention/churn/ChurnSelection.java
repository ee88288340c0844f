package io.retention.churn;

import io.retention.schema.ChurnColumns;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which churn scorer is kept after the out-of-time validation. The candidates, in this order: two classifiers
 * (logistic regression, gradient-boosted trees) and two baselines that need no training:
 *
 * <ul>
 *   <li>{@code recency}: days since the last purchase;</li>
 *   <li>{@code bgnbd_no_purchase}: the BG/NBD probability of no purchase in the horizon,
 *       {@code (1 - P(alive)) + P(alive) * ((alpha + T) / (alpha + T + H))^(r + x)}, from the fit at the
 *       cutoff ({@link io.retention.clv.BgNbd#pNoPurchase}); 1 &minus; P(alive) is a feature, not a baseline
 *       (it gives every one-time buyer 0).</li>
 * </ul>
 *
 * <p>Rule: the better classifier (by ROC-AUC) is kept when it beats every baseline by at least the minimum
 * gain ({@code churn.minimumGain}, default 0.01: a trained model must be worth its complexity over a formula);
 * otherwise the best baseline is kept (a tie between baselines goes to the earlier one, recency) with a loud
 * warning. A kept baseline is a SQL raw scorer on its feature column plus a calibrator, so scoring and export
 * work unchanged.
 */
final class ChurnSelection {
  private ChurnSelection() {}

  /** Scorer names in gold.churn_evaluation, in candidate order (classifiers, then baselines). */
  static final List<String> SCORERS = List.of("logistic", "gbt", "recency", "bgnbd_no_purchase");
  /** Names in the metrics, the metadata and the summary, in the same order. */
  static final List<String> NAMES = List.of("logistic_regression", "gbt", "baseline_recency",
      "baseline_bgnbd_p_no_purchase");
  static final int CLASSIFIERS = 2;
  static final int RECENCY = 2;

  /**
   * Which scorer to keep: index into classifiers followed by baselines, whether the better classifier beats
   * every baseline (by any margin), and the loud warning when a baseline is kept (null otherwise).
   */
  record Selection(int chosen, boolean beats, String warning) {}

  /** The feature column a baseline scores with (higher = more likely to churn). */
  static String baselineColumn(int index) {
    return index == RECENCY ? ChurnColumns.RECENCY_DAYS : ChurnColumns.P_NO_PURCHASE;
  }

  /** Whether candidate {@code index}'s raw score is already a probability (all but recency). */
  static boolean probability(int index) {
    return index != RECENCY;
  }

  /** The rule above ({@code minimumGain} 0: any win keeps the classifier); candidates in order. */
  static Selection select(List<ChurnEvaluation.Metrics> classifiers, List<ChurnEvaluation.Metrics> baselines,
      double minimumGain) {
    int best = argMax(classifiers);
    ChurnEvaluation.Metrics bc = classifiers.get(best);
    int base = argMax(baselines);
    ChurnEvaluation.Metrics bb = baselines.get(base);
    double gain = bc.rocAuc() - bb.rocAuc();
    if (gain > 0 && gain >= minimumGain) {
      return new Selection(best, true, null);
    }
    String keeping = String.format(Locale.ROOT, "keeping the baseline %s as the churn scorer (calibrated to a "
        + "probability)", bb.name());
    if (gain > 0) {
      return new Selection(classifiers.size() + base, true, String.format(Locale.ROOT, "CHURN MODEL NOT WORTH ITS "
          + "COMPLEXITY: best classifier %s ROC-AUC %.4f beats the best baseline %s %.4f by only %.4f, less than "
          + "churn.minimumGain %.4f; %s", bc.name(), bc.rocAuc(), bb.name(), bb.rocAuc(), gain, minimumGain,
          keeping));
    }
    StringBuilder vs = new StringBuilder();
    baselines.forEach(b -> vs.append(vs.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.4f",
        b.name(), b.rocAuc())));
    return new Selection(classifiers.size() + base, false, String.format(Locale.ROOT, "CHURN MODEL DOES NOT BEAT "
        + "THE BASELINES: best classifier %s ROC-AUC %.4f vs %s; %s", bc.name(), bc.rocAuc(), vs, keeping));
  }

  /** Index of the highest ROC-AUC (the first of equals). */
  private static int argMax(List<ChurnEvaluation.Metrics> ms) {
    int best = 0;
    for (int i = 1; i < ms.size(); i++) {
      if (ms.get(i).rocAuc() > ms.get(best).rocAuc()) {
        best = i;
      }
    }
    return best;
  }

  /** The candidates' metrics in order, for the summary and the metadata. */
  static List<ChurnEvaluation.Metrics> all(List<ChurnEvaluation.Metrics> classifiers,
      List<ChurnEvaluation.Metrics> baselines) {
    List<ChurnEvaluation.Metrics> all = new ArrayList<>(classifiers);
    all.addAll(baselines);
    return List.copyOf(all);
  }
}
