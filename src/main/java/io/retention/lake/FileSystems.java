package io.retention.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/** Hadoop file systems for the files the job writes beside its tables (models, exports). */
public final class FileSystems {
  private FileSystems() {}

  /**
   * The file system of {@code p}; on the local file system the raw one, so that no {@code .crc} side files
   * appear next to the registry's and the export's files.
   */
  public static FileSystem of(Path p, Configuration conf) {
    try {
      FileSystem fs = p.getFileSystem(conf);
      return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the file system of " + p + ": " + e.getMessage(), e);
    }
  }
}
