package io.retention.export;

import static io.retention.schema.ChurnColumns.BAND_HIGH;
import static io.retention.schema.ChurnColumns.BAND_LOW;
import static io.retention.schema.ChurnColumns.BAND_MEDIUM;
import static org.apache.spark.sql.functions.col;

import io.retention.schema.ChurnColumns;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * Who is worth contacting, and in which order, on the at-risk list:
 *
 * <ul>
 *   <li>the risk band is at least {@code minBand} ({@code low} &lt; {@code medium} &lt; {@code high};
 *       default {@code medium});</li>
 *   <li>the expected value saved, churn_risk &times; predicted CLV &times; {@code saveRate} (the share of an
 *       at-risk customer's value a contact is expected to save; default 1), is at least {@code minValueSaved}
 *       (default 0, which still drops customers with a negative predicted CLV; an unknown CLV passes only
 *       with 0; null = no minimum);</li>
 *   <li>rows are ranked by expected value saved (unknown last), then risk, then id; {@code --top N} then cuts
 *       the list.</li>
 * </ul>
 *
 * <pre>{@code
 * new ListPolicy("medium", 0.0, 1.0)   // the defaults
 * ListPolicy.everyone()                // every scored customer, ranked the same way
 * }</pre>
 */
public record ListPolicy(String minBand, Double minValueSaved, double saveRate) {
  public static final String MIN_BAND_DEFAULT = BAND_MEDIUM;
  public static final double MIN_VALUE_SAVED_DEFAULT = 0.0;
  public static final double SAVE_RATE_DEFAULT = 1.0;
  /** Bands from lowest to highest. */
  public static final List<String> BANDS = List.of(BAND_LOW, BAND_MEDIUM, BAND_HIGH);

  public ListPolicy {
    if (!BANDS.contains(minBand)) {
      throw new IllegalArgumentException("export.minBand must be one of low, medium, high, cannot be: " + minBand);
    }
    if (minValueSaved != null && (!(minValueSaved >= 0) || minValueSaved.isInfinite())) {
      throw new IllegalArgumentException("export.minValueSaved must be a number >= 0, cannot be: "
          + minValueSaved);
    }
    if (!(saveRate > 0 && saveRate <= 1)) {
      throw new IllegalArgumentException("export.saveRate must be in (0, 1], cannot be: " + saveRate);
    }
  }

  public static ListPolicy defaults() {
    return new ListPolicy(MIN_BAND_DEFAULT, MIN_VALUE_SAVED_DEFAULT, SAVE_RATE_DEFAULT);
  }

  /** Every scored customer (band low and up, any value: no minimum), still ranked by expected value saved. */
  public static ListPolicy everyone() {
    return new ListPolicy(BAND_LOW, null, SAVE_RATE_DEFAULT);
  }

  /** The bands at or above {@link #minBand}. */
  List<String> bands() {
    return BANDS.subList(BANDS.indexOf(minBand), BANDS.size());
  }

  /** Rows worth contacting: band at least minBand and enough expected value saved (null: no minimum). */
  Column worthContacting() {
    Column band = col(ChurnColumns.RISK_BAND).isin(bands().toArray());
    if (minValueSaved == null) {
      return band;
    }
    Column saved = col(ChurnColumns.EXPECTED_VALUE_SAVED);
    return band.and(minValueSaved == 0 ? saved.isNull().or(saved.geq(0)) : saved.geq(minValueSaved));
  }
}
