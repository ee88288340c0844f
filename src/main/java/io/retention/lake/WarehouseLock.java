package io.retention.lake;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a warehouse, held by one writing command (ingest, nightly) at a time. It is an OS
 * file lock on {@code <warehouse>/_lock}: the kernel releases it when the process dies, even by
 * {@code kill -9}, so a crash never leaves a stale lock behind. Works for warehouses on a local or
 * shared POSIX file system; object stores rely on Delta's own conflict detection instead.
 */
public final class WarehouseLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private WarehouseLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock or fails at once with a message naming the holder. */
  public static WarehouseLock acquire(String warehouse, String holder) {
    if (warehouse.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*") && !warehouse.startsWith("file:")) {
      return new WarehouseLock(null, null); // remote warehouse: Delta's optimistic concurrency protects it
    }
    Path dir = Path.of(warehouse.replaceFirst("^file:", ""));
    Path file = dir.resolve("_lock");
    try {
      Files.createDirectories(dir);
      FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.READ);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      }
      if (l == null) {
        String who = Files.readString(file, StandardCharsets.UTF_8).trim();
        ch.close();
        throw new IllegalStateException("warehouse " + warehouse + " is busy: another run holds its lock ("
            + (who.isEmpty() ? "unknown" : who) + "); try again when it has finished");
      }
      ch.truncate(0);
      ch.write(StandardCharsets.UTF_8.encode(holder + " pid " + ProcessHandle.current().pid() + "\n"), 0);
      return new WarehouseLock(ch, l);
    } catch (IOException e) {
      throw new IllegalStateException("cannot lock warehouse " + warehouse + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      if (lock != null) {
        lock.release();
      }
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      // released with the process anyway
    }
  }
}
