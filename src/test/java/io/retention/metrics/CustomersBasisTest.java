package io.retention.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class CustomersBasisTest {
  @Test
  void theCommitTextReadsBackAndNamesWhatItWasComputedFrom() {
    CustomersBasis b = CustomersBasis.of(LocalDate.parse("2026-01-01"), 90, SegmentRules.defaults(), 1234);
    assertThat(b.text()).startsWith("gold.customers as of 2026-01-01, active window 90 days, segment rules sha256 ")
        .endsWith(", from gold.customer_activity version 1234");
    assertThat(CustomersBasis.parse(b.text())).contains(b);
    assertThat(b.segments(LocalDate.parse("2026-01-01"), 90, SegmentRules.defaults())).isTrue();
    assertThat(b.segments(LocalDate.parse("2026-01-02"), 90, SegmentRules.defaults())).isFalse();
    assertThat(b.segments(LocalDate.parse("2026-01-01"), 30, SegmentRules.defaults())).isFalse();
    assertThat(b.segments(LocalDate.parse("2026-01-01"), 90,
        new SegmentRules(SegmentRules.defaults().rules().subList(1, 3), "rest"))).isFalse();
  }

  @Test
  void otherCommitTextsAreNotABasis() {
    assertThat(CustomersBasis.parse("")).isEmpty();
    assertThat(CustomersBasis.parse("state watermark 2026-01-01")).isEmpty();
    String text = CustomersBasis.of(LocalDate.parse("2026-01-01"), 90, SegmentRules.defaults(), 7).text();
    assertThat(CustomersBasis.parse(text + " ")).isEmpty();
    assertThat(CustomersBasis.parse(text.replace("version 7", "version x"))).isEmpty();
  }
}
