package io.retention.lake;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Spark session settings that hold for one action only. */
public final class SessionSettings {
  private SessionSettings() {}

  /**
   * Runs {@code action} with {@code settings} set in {@code spark}'s session, then restores each key's previous
   * value (or unsets it), also when the action throws. The job's stages run one at a time, so no other action
   * sees the settings.
   */
  public static void with(SparkSession spark, Map<String, String> settings, Runnable action) {
    Map<String, String> previous = new HashMap<>();
    settings.forEach((k, v) -> {
      previous.put(k, spark.conf().getOption(k).getOrElse(() -> null));
      spark.conf().set(k, v);
    });
    try {
      action.run();
    } finally {
      previous.forEach((k, v) -> {
        if (v == null) {
          spark.conf().unset(k);
        } else {
          spark.conf().set(k, v);
        }
      });
    }
  }
}
