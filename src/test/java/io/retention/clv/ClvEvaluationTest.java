package io.retention.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.retention.schema.ClvColumns;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class ClvEvaluationTest {
  @Test
  void cdnowHoldoutMatchesLifetimesReference() {
    ClvEvaluation.Options o = new ClvEvaluation.Options(LocalDate.parse("1997-09-30"), LocalDate.parse("1998-06-30"),
        TimeUnit.WEEK, 0);
    ClvEvaluation.Evaluation e = ClvEvaluation.compute(PurchaseRows.cdnowSample(), o, "test");
    assertThat(e.bgNbd().param("r")).isCloseTo(0.242595, within(1e-5));

    // independent expectation: lifetimes' calibration_and_holdout_data + pred_holdout, binned here
    Map<String, double[]> ref = new TreeMap<>(); // bin -> {customers, actual sum, predicted sum}
    long calibrationRepeats = 0;
    for (String[] r : CdnowFiles.csv("lifetimes_reference/cdnow_sample_cal_holdout_reference.csv")) {
      int f = (int) Double.parseDouble(r[1]);
      calibrationRepeats += f;
      for (String bin : List.of(f >= 7 ? "7+" : String.valueOf(f), "all")) {
        double[] acc = ref.computeIfAbsent(bin, k -> new double[3]);
        acc[0]++;
        acc[1] += Double.parseDouble(r[4]);
        acc[2] += Double.parseDouble(r[6]);
      }
    }
    assertThat(ref.get("all")[1]).isEqualTo(1882);
    int bins = 0;
    Row lastWeek = null;
    for (Row r : e.rows()) {
      String section = r.getString(3);
      if (section.equals(ClvColumns.SECTION_CUMULATIVE_WEEK)) {
        lastWeek = r;
        continue;
      }
      double[] acc = ref.get(r.getString(4));
      bins += section.equals(ClvColumns.SECTION_FREQUENCY_BIN) ? 1 : 0;
      assertThat(r.getLong(6)).as("customers of bin %s", r.getString(4)).isEqualTo((long) acc[0]);
      assertThat(r.getDouble(9)).as("actual of bin %s", r.getString(4)).isEqualTo(acc[1]);
      assertThat(r.getDouble(10)).as("predicted of bin %s", r.getString(4)).isCloseTo(acc[2], within(1e-3 * acc[2]));
    }
    assertThat(bins).isEqualTo(8);
    assertThat(ref.get("all")[2]).isCloseTo(1653.41, within(0.01));
    // the cumulative tracking ends at the holdout end with every repeat purchase day of the calibration customers
    assertThat(lastWeek.getDate(5)).isEqualTo(java.sql.Date.valueOf("1998-06-30"));
    assertThat(lastWeek.getDouble(9)).isEqualTo(calibrationRepeats + 1882.0);
    assertThat(lastWeek.getDouble(10)).isCloseTo(lastWeek.getDouble(9), within(0.2 * lastWeek.getDouble(9)));
  }

  @Test
  void holdoutMustEndAfterTheCalibration() {
    assertThatThrownBy(() -> new ClvEvaluation.Options(LocalDate.parse("1997-09-30"), LocalDate.parse("1997-09-30"),
        TimeUnit.WEEK, 0)).hasMessage("clv-evaluate: holdout end 1997-09-30 must be after the calibration end "
        + "1997-09-30");
  }
}
