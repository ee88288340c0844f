package io.retention.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

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
        if (st.isDirectory()) {
          RemoteIterator<LocatedFileStatus> it = fs.listFiles(st.getPath(), true);
          while (it.hasNext()) {
            add(out, it.next());
          }
        } else {
          add(out, st);
        }
      }
      out.sort((a, b) -> a.path().compareTo(b.path()));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + input + ": " + e.getMessage(), e);
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
