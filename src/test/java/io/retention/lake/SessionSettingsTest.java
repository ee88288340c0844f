package io.retention.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.testing.SharedSpark;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SessionSettingsTest {
  private static final String SET = "spark.sql.codegen.hugeMethodLimit";
  private static final String UNSET = "spark.retention.test.sessionSettings";

  @Test
  void theActionSeesTheSettingsAndAfterItEachKeyHasItsValueFromBefore() {
    SparkSession spark = SharedSpark.get();
    String before = spark.conf().get(SET);
    AtomicReference<String> seen = new AtomicReference<>();
    SessionSettings.with(spark, Map.of(SET, "8000", UNSET, "x"),
        () -> seen.set(spark.conf().get(SET) + "/" + spark.conf().get(UNSET)));
    assertThat(seen.get()).isEqualTo("8000/x");
    assertThat(spark.conf().get(SET)).isEqualTo(before);
    assertThat(spark.conf().getOption(UNSET).isDefined()).isFalse();
  }

  @Test
  void anActionThatThrowsStillLeavesTheSessionAsItWas() {
    SparkSession spark = SharedSpark.get();
    String before = spark.conf().get(SET);
    assertThatThrownBy(() -> SessionSettings.with(spark, Map.of(SET, "8000", UNSET, "x"), () -> {
      throw new IllegalStateException("boom");
    })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    assertThat(spark.conf().get(SET)).isEqualTo(before);
    assertThat(spark.conf().getOption(UNSET).isDefined()).isFalse();
  }
}
