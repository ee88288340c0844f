package io.retention.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The state watermark's text in a commit's userMetadata: written, read back, and the older form without the day. */
class WatermarkTest {
  @Test
  void roundTripsWithTheLatestPurchaseDay() {
    CustomerState.Watermark w = new CustomerState.Watermark("id-1", 7, LocalDate.of(2025, 12, 31));
    assertThat(w.text())
        .isEqualTo("retention.customer_activity v1 silver_id=id-1 silver_version=7 latest_purchase=2025-12-31");
    assertThat(CustomerState.Watermark.parse(w.text())).contains(w);
  }

  @Test
  void readsTheOlderFormWithoutTheDayAsUnknown() {
    assertThat(CustomerState.Watermark.parse("retention.customer_activity v1 silver_id=id-1 silver_version=7"))
        .contains(new CustomerState.Watermark("id-1", 7, null));
    assertThat(CustomerState.Watermark.parse("something else")).isEmpty();
    assertThat(CustomerState.Watermark.parse("retention.customer_activity v1 silver_id=id-1")).isEmpty();
  }

  @Test
  void carriesTheRatesTheStateWasConvertedWith() {
    CustomerState.Watermark w = new CustomerState.Watermark("id-1", 7, LocalDate.of(2025, 12, 31), "EUR:rid@3");
    assertThat(w.text()).isEqualTo("retention.customer_activity v1 silver_id=id-1 silver_version=7 "
        + "latest_purchase=2025-12-31 rates=EUR:rid@3");
    assertThat(CustomerState.Watermark.parse(w.text())).contains(w);
    assertThat(CustomerState.Watermark.parse("retention.customer_activity v1 silver_id=id-1 silver_version=7")
        .orElseThrow().rates()).as("a state from before the conversion").isNull();
  }
}
