package io.retention.testing;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.actions.Protocol;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * A reader outside Spark: the Delta Kernel's Java API with its default (Hadoop + Parquet) engine, as
 * delta-rs, DuckDB's delta extension or Trino read a table: the log, then every data file of the latest
 * snapshot with its deletion vector applied.
 */
public final class KernelReader {
  private static final Engine ENGINE = DefaultEngine.create(new Configuration());

  private KernelReader() {}

  public static Snapshot latest(String path) {
    return TableManager.loadSnapshot(path).build(ENGINE);
  }

  public static Protocol protocol(String path) {
    return latest(path).getProtocol();
  }

  /** The column names of the latest snapshot, in order. */
  public static List<String> columns(String path) {
    return latest(path).getSchema().fieldNames();
  }

  /** Every row of the latest snapshot as {@link RowText}, sorted. */
  public static List<String> rows(String path) {
    Scan scan = latest(path).getScanBuilder().build();
    Row state = scan.getScanState(ENGINE);
    StructType physical = ScanStateRow.getPhysicalDataReadSchema(state);
    List<String> out = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(ENGINE)) {
      while (files.hasNext()) {
        try (CloseableIterator<Row> fileRows = files.next().getRows()) {
          while (fileRows.hasNext()) {
            readFile(state, fileRows.next(), physical, out);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort(null);
    return out;
  }

  private static void readFile(Row state, Row file, StructType physical, List<String> out) throws IOException {
    FileStatus status = InternalScanFileUtils.getAddFileStatus(file);
    CloseableIterator<ColumnarBatch> data = ENGINE.getParquetHandler()
        .readParquetFiles(Utils.singletonCloseableIterator(status), physical, Optional.empty())
        .map(FileReadResult::getData);
    try (CloseableIterator<FilteredColumnarBatch> logical = Scan.transformPhysicalData(ENGINE, state, file, data)) {
      while (logical.hasNext()) {
        RowText.addKernel(logical.next(), out);
      }
    }
  }
}
