package io.retention.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Lists the landed files an input names: a file, a folder (recursively) or a glob. Driver-side metadata only. */
public final class LandingFiles {
  /** One landed file. */
  public record Landed(String path, long size, long modifiedMillis) {}

  private LandingFiles() {}

  public static List<Landed> list(Configuration conf, String input) {
    try {
      Path p = new Path(input);
      FileSystem fs = p.getFileSystem(conf);
      List<Landed> out = new ArrayList<>();
      FileStatus[] matches = fs.globStatus(p);
      if (matches == null) {
        return out;
      }
      for (FileStatus st : matches) {
        addTree(fs, st, out);
      }
      out.sort((a, b) -> a.path().compareTo(b.path()));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + input + ": " + e.getMessage(), e);
    }
  }

  /**
   * The file, or every file under the folder. listStatus, not listFiles: the local file system's
   * LocatedFileStatus forks a shell per file for its permissions (seconds for a few hundred files).
   */
  private static void addTree(FileSystem fs, FileStatus st, List<Landed> out) throws IOException {
    if (!st.isDirectory()) {
      add(out, st);
      return;
    }
    for (FileStatus child : fs.listStatus(st.getPath())) {
      addTree(fs, child, out);
    }
  }

  private static void add(List<Landed> out, FileStatus st) {
    String name = st.getPath().getName();
    if (name.startsWith("_") || name.startsWith(".") || name.endsWith(".crc")) {
      return; // _SUCCESS, .part files, checksums
    }
    out.add(new Landed(st.getPath().toString(), st.getLen(), st.getModificationTime()));
  }
}
