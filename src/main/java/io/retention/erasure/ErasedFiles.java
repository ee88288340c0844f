package io.retention.erasure;

import io.retention.export.CsvSafety;
import io.retention.export.ExportWriter;
import io.retention.lake.FileSystems;
import io.retention.lake.FolderReplace;
import io.retention.report.HtmlReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The files outside the warehouse that show customer ids: every export {@code <exports>/at_risk/<date>/} (its CSV
 * and manifest) and every report {@code <reports>/<date>/index.html} (the at-risk table). Each one holding an
 * erased customer is rewritten without the customer's rows and replaced atomically ({@link FolderReplace}; the
 * export's manifest gets the new row count and checksum). A customer is recognised as the file shows them: the
 * id, the id as the export's formula guard writes it ({@link CsvSafety#neutralise}), and, when
 * {@code pseudonymKey} is given ($RETENTION_EXPORT_HMAC_KEY), the pseudonym. Hidden leftovers of interrupted
 * writes ({@code .tmp-*}, {@code .old-*}), which nobody reads but which may hold ids, are deleted.
 *
 * @param exportDir the exports folder (local path or file system URI); reportDir the local reports folder
 */
public record ErasedFiles(String exportDir, java.nio.file.Path reportDir, byte[] pseudonymKey, PrintStream progress) {

  /** Rows removed from the exports and reports, in total and per customer id. */
  public record Removed(Map<String, Long> exports, Map<String, Long> reports) {
    public long exportRows() {
      return exports.values().stream().mapToLong(Long::longValue).sum();
    }

    public long reportRows() {
      return reports.values().stream().mapToLong(Long::longValue).sum();
    }

    public long exportRowsOf(String id) {
      return exports.getOrDefault(id, 0L);
    }

    public long reportRowsOf(String id) {
      return reports.getOrDefault(id, 0L);
    }
  }

  /** The ways the files may show {@code id}. */
  Set<String> shown(String id) {
    Set<String> s = new HashSet<>(List.of(id, CsvSafety.neutralise(id)));
    if (pseudonymKey != null) {
      s.add(CsvSafety.pseudonym(pseudonymKey, id));
    }
    return s;
  }

  /** Removes the customers' rows from every export and report ({@code dryRun}: only counts them). */
  public Removed remove(SparkSession spark, List<String> ids, boolean dryRun) throws IOException {
    Map<String, Long> exports = new HashMap<>();
    Map<String, Long> reports = new HashMap<>();
    for (String id : ids) { // per customer, so the audit can say what each one lost; exports are few and small
      exports.put(id, exports(spark.sessionState().newHadoopConf(), shown(id), dryRun));
      reports.put(id, reports(shown(id), dryRun));
    }
    return new Removed(exports, reports);
  }

  private long exports(Configuration conf, Set<String> shown, boolean dryRun) throws IOException {
    Path atRisk = new Path(new Path(exportDir), "at_risk");
    FileSystem fs = FileSystems.of(atRisk, conf);
    if (!fs.isDirectory(atRisk)) {
      return 0;
    }
    long removed = 0;
    for (FileStatus st : fs.listStatus(atRisk)) {
      String name = st.getPath().getName();
      if (!st.isDirectory()) {
        continue;
      }
      if (FolderReplace.isLeftover(name)) {
        if (!dryRun) {
          FolderReplace.deleteQuietly(fs, st.getPath());
        }
        continue;
      }
      long n = dryRun ? ExportWriter.countRows(conf, st.getPath(), shown)
          : ExportWriter.rewriteWithout(conf, st.getPath(), shown);
      if (n > 0) {
        progress.println("forget: " + (dryRun ? "would remove " : "removed ") + n + " rows from export "
            + st.getPath().toUri().getPath());
      }
      removed += n;
    }
    return removed;
  }

  private long reports(Set<String> shown, boolean dryRun) throws IOException {
    if (reportDir == null || !Files.isDirectory(reportDir)) {
      return 0;
    }
    List<java.nio.file.Path> folders;
    try (Stream<java.nio.file.Path> s = Files.list(reportDir)) {
      folders = s.filter(Files::isDirectory).sorted().toList();
    }
    long removed = 0;
    for (java.nio.file.Path dir : folders) {
      if (FolderReplace.isLeftover(dir.getFileName().toString())) {
        if (!dryRun) {
          HtmlReport.deleteTree(dir);
        }
        continue;
      }
      java.nio.file.Path index = dir.resolve("index.html");
      if (!Files.isRegularFile(index)) {
        continue;
      }
      String html = Files.readString(index, StandardCharsets.UTF_8);
      String kept = HtmlReport.withoutRows(html, shown);
      long n = HtmlReport.rowCount(html) - HtmlReport.rowCount(kept);
      if (n == 0) {
        continue;
      }
      if (!dryRun) {
        java.nio.file.Path tmp = FolderReplace.temporarySibling(dir);
        Files.createDirectory(tmp);
        try {
          try (Stream<java.nio.file.Path> s = Files.list(dir)) {
            for (java.nio.file.Path f : s.filter(Files::isRegularFile).toList()) {
              Files.copy(f, tmp.resolve(f.getFileName()));
            }
          }
          Files.writeString(tmp.resolve("index.html"), kept, StandardCharsets.UTF_8);
          FolderReplace.replace(tmp, dir);
        } catch (IOException | RuntimeException e) {
          HtmlReport.deleteTree(tmp);
          throw e;
        }
      }
      progress.println("forget: " + (dryRun ? "would remove " : "removed ") + n + " rows from report " + index);
      removed += n;
    }
    return removed;
  }
}
