package io.retention.lake;

import io.delta.storage.HDFSLogStore;
import java.io.IOException;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Delta's default log store for HDFS-compatible and local file systems, plus one fault-injection hook: after
 * each commit file is written it asks {@link FaultInjection} whether to halt the JVM there. Used only when a
 * {@code commit:<layer>/<table>} halt point is set (crash tests); normal runs keep Delta's own log store.
 */
public final class HaltingLogStore extends HDFSLogStore {
  public HaltingLogStore(Configuration conf) {
    super(conf);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration conf) throws IOException {
    super.write(path, actions, overwrite, conf);
    FaultInjection.afterCommit(path.toString());
  }
}
