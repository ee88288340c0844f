package io.retention.bench;

import io.retention.generate.GeneratorOptions;
import io.retention.generate.SyntheticPurchases;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;

/**
 * The incremental night's input: one more daily file, {@code <landing>/<date>.csv}, for the day after the
 * generated window, made by the same seeded generator with another seed and a one-day window. Its customer ids
 * (C0000000 ...) are existing customers of the history, so the night touches old cohorts as a real night does;
 * its order ids are re-prefixed ({@code O...} → {@code N<date>-...}) so they cannot collide with the history's.
 * The file is a few thousand lines (≈ orders / days), rewritten line by line on the driver.
 */
public final class NightFile {
  private static final Pattern ORDER_ID = Pattern.compile("^(\"?)O");

  private NightFile() {}

  /** Generates the file and returns its path and its order count. */
  public static Result write(SparkSession spark, Path landing, Path scratch, LocalDate date, long orders,
      long seed) throws IOException {
    long customers = Math.max(1, orders / 2);
    GeneratorOptions o = GeneratorOptions.of(Math.max(orders, customers), customers, 1, seed, date,
        GeneratorOptions.FORMAT_CSV, 0.0);
    Path gen = scratch.resolve("night-" + date);
    SyntheticPurchases.Result r = new SyntheticPurchases(spark, o, gen.toString()).run();
    Path src = gen.resolve(date + ".csv");
    Path dst = landing.resolve(date + ".csv");
    String prefix = "N" + date.toString().replace("-", "") + "-";
    try (BufferedReader in = Files.newBufferedReader(src, StandardCharsets.UTF_8);
        BufferedWriter out = Files.newBufferedWriter(dst, StandardCharsets.UTF_8)) {
      String line = in.readLine();
      out.write(line);
      out.write('\n');
      while ((line = in.readLine()) != null) {
        out.write(ORDER_ID.matcher(line).replaceFirst("$1" + prefix));
        out.write('\n');
      }
    }
    return new Result(dst, r.orders());
  }

  /** The written file and its valid orders. */
  public record Result(Path file, long orders) {}
}
