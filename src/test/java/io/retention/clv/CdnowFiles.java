package io.retention.clv;

import io.retention.testing.SharedSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** Reads the shared CDNOW files (skips the calling test when the datasets folder is absent). */
final class CdnowFiles {
  private CdnowFiles() {}

  static Path dir() {
    Path d = SharedSpark.sharedDatasets();
    Assumptions.assumeTrue(d != null && Files.isDirectory(d.resolve("cdnow")),
        "../shared/datasets absent: skipping");
    return d.resolve("cdnow");
  }

  /** CSV rows split on commas, header dropped. */
  static List<String[]> csv(String relative) {
    try {
      List<String> lines = Files.readAllLines(dir().resolve(relative), StandardCharsets.UTF_8);
      List<String[]> out = new ArrayList<>();
      for (String l : lines.subList(1, lines.size())) {
        if (!l.isBlank()) {
          out.add(l.trim().split(","));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Distinct patterns of cdnow_customers_summary.csv (weeks) with their counts. */
  static RfmPatterns summaryPatterns() {
    Map<List<Double>, Double> counts = new LinkedHashMap<>();
    for (String[] r : csv("cdnow_customers_summary.csv")) {
      counts.merge(List.of(Double.parseDouble(r[1]), Double.parseDouble(r[2]), Double.parseDouble(r[3])), 1.0,
          Double::sum);
    }
    List<double[]> rows = new ArrayList<>();
    counts.forEach((k, v) -> rows.add(new double[] {k.get(0), k.get(1), k.get(2), v}));
    return RfmPatterns.of(rows);
  }

  /** The CDNOW_sample.txt lines as {sample customer id 0001..2357 (the summaries' ID), yyyymmdd, cds, dollars}. */
  static List<String[]> sampleLines() {
    try {
      List<String[]> out = new ArrayList<>();
      for (String l : Files.readAllLines(dir().resolve("CDNOW_sample.txt"), StandardCharsets.US_ASCII)) {
        String[] f = l.trim().split("\\s+");
        if (f.length == 5) {
          out.add(new String[] {f[1], f[2], f[3], f[4]});
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
