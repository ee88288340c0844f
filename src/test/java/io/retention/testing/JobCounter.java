package io.retention.testing;

import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/** Counts the Spark jobs started while it is registered ({@link #start}, then {@link #close}). */
public final class JobCounter extends SparkListener implements AutoCloseable {
  private final SparkSession spark;
  private final AtomicInteger jobs = new AtomicInteger();

  private JobCounter(SparkSession spark) {
    this.spark = spark;
  }

  public static JobCounter start(SparkSession spark) {
    JobCounter c = new JobCounter(spark);
    spark.sparkContext().addSparkListener(c);
    return c;
  }

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    jobs.incrementAndGet();
  }

  /** The jobs started since the last call (after the listener bus delivered every event). */
  public int drain() throws TimeoutException {
    spark.sparkContext().listenerBus().waitUntilEmpty();
    return jobs.getAndSet(0);
  }

  @Override
  public void close() {
    spark.sparkContext().removeSparkListener(this);
  }
}
