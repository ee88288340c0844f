package io.retention.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Peak heap of this JVM (driver and, in local mode, executors) during a benchmark step. A daemon thread polls
 * {@link MemoryMXBean#getHeapMemoryUsage()} every {@code periodMillis}; the heap pools' own peak counters
 * (reset at each {@link #reset()}) catch what happens between two polls, so the peak reported is the larger of
 * the polled maximum and the largest single-pool peak (the sum of pool peaks would over-count).
 */
public final class HeapSampler implements AutoCloseable {
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final AtomicLong peak = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  public HeapSampler(long periodMillis) {
    thread = new Thread(() -> {
      while (running) {
        sample();
        try {
          Thread.sleep(periodMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "bench-heap-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void sample() {
    long used = memory.getHeapMemoryUsage().getUsed();
    peak.accumulateAndGet(used, Math::max);
  }

  /** Starts a new step: forgets the peak so far. */
  public void reset() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
    peak.set(0);
    sample();
  }

  /** The peak heap in bytes since the last {@link #reset()}. */
  public long peakBytes() {
    sample();
    long pools = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        pools = Math.max(pools, pool.getPeakUsage().getUsed());
      }
    }
    return Math.max(peak.get(), pools);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
