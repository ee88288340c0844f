package io.retention.generate;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes generated lines as one file per value of {@code file}: Spark's text writer, partitioned by file, into a
 * temporary folder under {@code out}; then the driver renames each {@code file=<name>/part-*} to
 * {@code <out>/<name>.<ext>} and removes the temporary folder. Only file names reach the driver. Days without
 * any line (JSON Lines has no header) get an empty file, so there is always one file per day.
 */
final class DailyFileWriter {
  private static final String VALUE = "value";

  private final SparkSession spark;
  private final String out;
  private final String extension;

  DailyFileWriter(SparkSession spark, String out, String extension) {
    this.spark = spark;
    this.out = out;
    this.extension = extension;
  }

  /**
   * Writes {@code lines}, which must already be partitioned so that each file's lines are in one task;
   * returns the number of files written.
   */
  int write(Dataset<Row> lines, GeneratorOptions o) throws IOException {
    Path root = new Path(out);
    FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    Path tmp = new Path(root, "_generate-" + UUID.randomUUID());
    FileSystem raw = fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
    Set<String> names = new HashSet<>();
    try {
      lines.sortWithinPartitions(SyntheticPurchases.FILE, SyntheticPurchases.RANK, SyntheticPurchases.TS,
              SyntheticPurchases.LINE)
          .select(col(SyntheticPurchases.FILE), col(SyntheticPurchases.LINE).cast("string").as(VALUE))
          .write()
          .partitionBy(SyntheticPurchases.FILE)
          .option("lineSep", "\n")
          .text(tmp.toString());
      for (FileStatus dir : fs.listStatus(tmp, p -> p.getName().startsWith(SyntheticPurchases.FILE + "="))) {
        names.add(moveOnlyPart(fs, raw, dir.getPath(), root));
      }
    } finally {
      fs.delete(tmp, true);
    }
    for (int d = 0; d < o.days(); d++) {
      String name = o.start().plusDays(d).toString();
      if (!names.contains(name)) {
        raw.create(new Path(root, name + "." + extension), false).close();
        names.add(name);
      }
    }
    return names.size();
  }

  /** Renames the one part file of {@code file=<name>} to {@code <root>/<name>.<ext>}; returns the name. */
  private String moveOnlyPart(FileSystem fs, FileSystem raw, Path dir, Path root) throws IOException {
    String name = dir.getName().substring(SyntheticPurchases.FILE.length() + 1);
    FileStatus[] parts = fs.listStatus(dir, p -> p.getName().startsWith("part-"));
    if (parts.length != 1) {
      throw new IOException("expected one part file for " + name + ", found " + parts.length);
    }
    Path target = new Path(root, name + "." + extension);
    if (!raw.rename(parts[0].getPath(), target)) {
      throw new IOException("cannot rename " + parts[0].getPath() + " to " + target);
    }
    return name;
  }
}
