package io.retention.clv;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes a synthetic silver.purchases for the {@code clv} stage benchmark (not a test: runs only with
 * {@code -Dclv.stage.customers=N -Dclv.stage.warehouse=DIR}). The generate + ingest route runs at ~8k rows/s,
 * so this writes the Delta table directly: N customers arriving uniformly over 730 days (2024-01-01 ..
 * 2025-12-30), BG/NBD purchases per day (r 0.5, a 1.5, b 8; alpha solved so that the expected number of
 * orders is {@code clv.stage.orders}, default 10 N), Gamma-Gamma order values (p 6, q 4, gamma 30: mean 60).
 * Purchases only (no refunds). Then time {@code RETENTION_WAREHOUSE=DIR jobs/retention clv}.
 */
@EnabledIfSystemProperty(named = "clv.stage.customers", matches = "\\d+")
class ClvStageBench {
  static final int DAYS = 730;
  static final LocalDate START = LocalDate.of(2024, 1, 1);

  @Test
  void writeSilverPurchases() {
    long n = Long.parseLong(System.getProperty("clv.stage.customers"));
    long orders = Long.parseLong(System.getProperty("clv.stage.orders", Long.toString(10 * n)));
    String warehouse = System.getProperty("clv.stage.warehouse");
    double alpha = solveAlpha(orders / (double) n);
    System.out.printf("clv-stage: %d customers, %d orders requested, alpha %.4f days%n", n, orders, alpha);
    SparkSession spark = SharedSpark.get();
    spark.conf().set("spark.sql.shuffle.partitions", "16");
    int slices = (int) Math.max(2, n / 50_000);
    FlatMapFunction<Long, Row> sim = id -> customer(id, alpha).iterator();
    var rows = spark.range(0, n, 1, slices).as(Encoders.LONG())
        .flatMap(sim, Encoders.row(Schemas.PURCHASES));
    long t0 = System.nanoTime();
    new DeltaTables(spark, warehouse).overwrite(Table.PURCHASES, rows.toDF());
    long written = new DeltaTables(spark, warehouse).read(Table.PURCHASES).count();
    System.out.printf("clv-stage: wrote %d silver.purchases rows in %.1f s to %s%n", written,
        (System.nanoTime() - t0) / 1e9, warehouse);
  }

  /** Alpha (days) such that the mean number of orders per customer (1 + E[X(T)], T uniform) is {@code mean}. */
  static double solveAlpha(double mean) {
    double lo = 0.01;
    double hi = 10_000;
    for (int i = 0; i < 100; i++) {
      double mid = Math.sqrt(lo * hi);
      BgNbd.Params p = new BgNbd.Params(0.5, mid, 1.5, 8.0);
      double s = 0;
      for (int t = 0; t < DAYS; t++) {
        s += 1 + BgNbd.expectedPurchasesNew(p, t + 0.5);
      }
      if (s / DAYS > mean) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return Math.sqrt(lo * hi);
  }

  static List<Row> customer(long id, double alpha) {
    SplittableRandom g = new SplittableRandom(0x9E3779B97F4A7C15L * (id + 1));
    String cid = String.format("C%09d", id);
    double first = g.nextDouble() * DAYS;
    double lambda = gamma(g, 0.5) / alpha;
    double x1 = gamma(g, 1.5);
    double drop = x1 / (x1 + gamma(g, 8.0));
    double nu = gamma(g, 4.0) / 30.0;
    List<Row> out = new ArrayList<>();
    double now = first;
    int k = 0;
    while (now < DAYS) {
      long cents = Math.max(1, Math.round(gamma(g, 6.0) / nu * 100));
      long sec = (long) (now * 86_400);
      LocalDate day = START.plusDays(sec / 86_400);
      String orderId = cid + "-" + k;
      out.add(RowFactory.create(orderId, cid, Timestamp.from(START.atStartOfDay(java.time.ZoneOffset.UTC)
              .toInstant().plusSeconds(sec)), Date.valueOf(day), BigDecimal.valueOf(cents, 2), "EUR", 1L,
          Columns.KIND_PURCHASE, null, Integer.toHexString(orderId.hashCode()), "bench", (long) k, "bench"));
      k++;
      if (k > 1 && g.nextDouble() < drop) {
        break;
      }
      now += -Math.log(1 - g.nextDouble()) / lambda;
    }
    return out;
  }

  /** Gamma(shape, 1) by Marsaglia and Tsang (shape &lt; 1 by the usual U^(1/shape) boost). */
  static double gamma(SplittableRandom g, double shape) {
    if (shape < 1) {
      return gamma(g, shape + 1) * Math.pow(g.nextDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        x = normal(g);
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = g.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  static double normal(SplittableRandom g) {
    double u1 = 1 - g.nextDouble();
    double u2 = g.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
