package io.retention.pipeline;

import io.retention.lake.DeltaTables;
import io.retention.lake.LatestPurchase;
import io.retention.lake.Table;
import java.time.LocalDate;

/**
 * The one place that resolves the default as-of date of every stage: the latest {@code order_date} of a
 * purchase in silver.purchases (not today), so a rerun of a past night computes the same tables.
 */
public final class AsOfDate {
  private AsOfDate() {}

  /** {@code pinned} when given, else the latest purchase day; fails with one line naming the stage. */
  public static LocalDate resolve(DeltaTables tables, LocalDate pinned, String stage) {
    if (pinned != null) {
      return pinned;
    }
    if (!tables.exists(Table.PURCHASES)) {
      throw new IllegalStateException(stage + ": " + Table.PURCHASES.qualifiedName() + " does not exist under "
          + tables.warehouse() + ": run ingest first");
    }
    return LatestPurchase.day(tables.read(Table.PURCHASES)).orElseThrow(() -> new IllegalStateException(stage
        + ": " + Table.PURCHASES.qualifiedName() + " holds no purchase, so there is no default as-of date"));
  }

  /**
   * {@code pinned} when given, else {@code latestPurchase}: the latest purchase day as the per-customer state's
   * watermark records it (the nightly reads it there instead of scanning silver); null when neither is known.
   */
  public static LocalDate pinnedOr(LocalDate pinned, LocalDate latestPurchase) {
    return pinned != null ? pinned : latestPurchase;
  }
}
