package io.retention.lake;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The one way a finished folder (an export, a report, a rewritten one after {@code forget}, a migrated table)
 * takes the place of another, on the Hadoop FileSystem API: the complete new folder is written to a hidden
 * temporary sibling first, then the existing target is moved aside ({@code .old-<name>-<uuid>}), the new one
 * renamed in and the old one deleted. A reader sees the previous folder or the new one, never half of one; a run
 * killed in between leaves only hidden leftovers. Renames are atomic on local file systems and HDFS; on object
 * stores (S3A) a rename is a copy, so there a reader should wait for the folder's manifest.
 */
public final class FolderReplace {
  private FolderReplace() {}

  /** A hidden temporary sibling of {@code target} to write the new folder into (not created). */
  public static Path temporarySibling(Path folder) {
    Path target = folder(folder);
    return new Path(target.getParent(), ".tmp-" + target.getName() + "-" + UUID.randomUUID());
  }

  /** As {@link #temporarySibling(Path)} for a local folder. */
  public static java.nio.file.Path temporarySibling(java.nio.file.Path target) {
    return target.resolveSibling(".tmp-" + target.getFileName() + "-" + UUID.randomUUID());
  }

  /** Whether {@code name} is a leftover of a replacement that did not finish (never read by anyone). */
  public static boolean isLeftover(String name) {
    return name.startsWith(".tmp-") || name.startsWith(".old-");
  }

  /** Replaces {@code target} (which may not exist yet) by the complete folder {@code tmp}. */
  public static void replace(FileSystem fs, Path tmp, Path folder) throws IOException {
    Path target = folder(folder);
    Path old = null;
    if (fs.exists(target)) {
      old = new Path(target.getParent(), ".old-" + target.getName() + "-" + UUID.randomUUID());
      if (!fs.rename(target, old)) {
        throw new IOException("cannot move the previous " + target + " aside");
      }
    }
    if (!fs.rename(tmp, target)) {
      if (old != null) {
        fs.rename(old, target); // put the previous folder back
      }
      throw new IOException("cannot rename " + tmp + " to " + target);
    }
    if (old != null) {
      fs.delete(old, true);
    }
  }

  /** As {@link #replace(FileSystem, Path, Path)} for local folders. */
  public static void replace(java.nio.file.Path tmp, java.nio.file.Path target) throws IOException {
    Path t = local(target);
    replace(FileSystems.of(t, new Configuration()), local(tmp), t);
  }

  /** {@code p} without a trailing slash (a folder's URI has one; its name would then be empty). */
  public static Path folder(Path p) {
    java.net.URI u = p.toUri();
    String path = u.getPath();
    return path != null && path.length() > 1 && path.endsWith("/")
        ? new Path(u.getScheme(), u.getAuthority(), path.substring(0, path.length() - 1)) : p;
  }

  private static Path local(java.nio.file.Path p) {
    return new Path("file", null, p.toAbsolutePath().normalize().toString());
  }

  /** Deletes {@code p} and everything under it, ignoring failures (hidden leftovers are never read). */
  public static void deleteQuietly(FileSystem fs, Path p) {
    try {
      fs.delete(p, true);
    } catch (IOException ignored) {
      // best effort
    }
  }
}
