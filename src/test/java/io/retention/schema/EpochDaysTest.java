package io.retention.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Random;
import java.util.TimeZone;
import org.apache.spark.sql.catalyst.util.DateTimeUtils;
import org.junit.jupiter.api.Test;

class EpochDaysTest {
  /** Zones with half-hour offsets, DST switching at midnight, a skipped day (Apia, 2011-12-30) and none. */
  private static final String[] ZONES = {"UTC", "Europe/Berlin", "America/Los_Angeles", "America/Sao_Paulo",
      "Asia/Tehran", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Apia", "America/St_Johns"};

  @Test
  void isToLocalDateForEveryDateSparkHandsOverInEveryZone() {
    TimeZone before = TimeZone.getDefault();
    Random random = new Random(7);
    try {
      for (String zone : ZONES) {
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        long cutover = LocalDate.of(1582, 10, 15).toEpochDay();
        for (int i = 0; i < 20_000; i++) {
          // around the Gregorian cutover, across history, and the recent years purchases fall in
          int day = switch (i % 3) {
            case 0 -> (int) cutover - 40 + random.nextInt(80);
            case 1 -> -250_000 + random.nextInt(350_000);
            default -> 10_000 + random.nextInt(15_000);
          };
          java.sql.Date d = DateTimeUtils.toJavaDate(day); // as Spark's deserializer builds it
          assertThat(EpochDays.of(d)).as("%s in %s", d, zone).isEqualTo(d.toLocalDate().toEpochDay());
          assertThat(EpochDays.localDate(d)).isEqualTo(d.toLocalDate());
          java.sql.Date v = java.sql.Date.valueOf(LocalDate.ofEpochDay(Math.max(day, -100_000)));
          assertThat(EpochDays.of(v)).isEqualTo(v.toLocalDate().toEpochDay());
        }
      }
    } finally {
      TimeZone.setDefault(before);
    }
  }
}
