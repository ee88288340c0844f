package io.retention.bench;

import java.lang.management.ManagementFactory;
import org.apache.spark.sql.SparkSession;

/** What the figures were measured on. */
public record Machine(int cores, int sparkCores, long maxHeapBytes, String java, String os, double loadBefore,
    String master) {
  public static Machine current(SparkSession spark) {
    return new Machine(Runtime.getRuntime().availableProcessors(), spark.sparkContext().defaultParallelism(),
        Runtime.getRuntime().maxMemory(),
        System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), spark.sparkContext().master());
  }

  /** The 1-minute load average now (the machine may be shared). */
  public static double loadNow() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
