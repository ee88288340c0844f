package io.retention.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.retention.lake.FileSystems;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Writes the at-risk rows as one CSV under {@code <out>/at_risk/<date>/}: Spark writes a single part file
 * (coalesce(1), UTF-8, header, ISO dates, RFC 4180 quoting) into a hidden temporary folder, which gets the
 * file renamed to {@code at_risk_<date>.csv}, a {@code manifest.json} (rows, sha256, model version) and
 * owner-only permissions, and is then moved into place with one rename. A CRM import watching
 * {@code at_risk/} never sees a half-written file. A rerun for the same date keeps the existing folder
 * untouched when its CSV has the same SHA-256 (no rewrite), and otherwise replaces the folder (the old one is
 * moved aside, the new one renamed in, the old one deleted).
 *
 * <p>File operations go through the Hadoop FileSystem API with the session's Hadoop configuration, so
 * {@code <out>} may be a local path or an hdfs://, s3a://, ... URI. The final rename is atomic on local file
 * systems and HDFS; on object stores (S3A) a rename is a copy, so there an import should wait for
 * {@code manifest.json} and check the checksum. Permissions are set where the file system supports them
 * (local, HDFS). Only the file's checksum is computed on the driver (streamed).
 */
public final class ExportWriter {
  private ExportWriter() {}

  public static final String MANIFEST = "manifest.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  private static final FsPermission FILE = new FsPermission((short) 0600);
  private static final FsPermission DIR = new FsPermission((short) 0700);

  /** Where the export went: folder and file as local paths, or URIs on other file systems. */
  public record Written(String folder, String file, long rows, String sha256) {
    /** The folder on the local file system (only meaningful for local exports). */
    public java.nio.file.Path localFolder() {
      return java.nio.file.Path.of(folder);
    }

    /** The CSV file on the local file system (only meaningful for local exports). */
    public java.nio.file.Path localFile() {
      return java.nio.file.Path.of(file);
    }
  }

  public static String fileName(LocalDate asOf) {
    return "at_risk_" + asOf + ".csv";
  }

  /** As {@link #write(Dataset, String, LocalDate, String)} into a local folder. */
  public static Written write(Dataset<Row> rows, java.nio.file.Path outDir, LocalDate asOf, String modelVersion) {
    return write(rows, outDir.toAbsolutePath().toString(), asOf, modelVersion);
  }

  /** Writes the export of {@code asOf} under {@code outDir} (a local path or a file system URI). */
  public static Written write(Dataset<Row> rows, String outDir, LocalDate asOf, String modelVersion) {
    Configuration conf = rows.sparkSession().sessionState().newHadoopConf();
    Path atRisk = new Path(new Path(outDir), "at_risk");
    FileSystem fs = FileSystems.of(atRisk, conf);
    atRisk = fs.makeQualified(atRisk);
    Path tmp = new Path(atRisk, ".tmp-" + asOf + "-" + UUID.randomUUID());
    Path sparkOut = new Path(tmp, "spark");
    try {
      fs.mkdirs(atRisk);
      fs.mkdirs(tmp, DIR);
      rows.coalesce(1).write().option("header", "true").option("encoding", "UTF-8")
          .option("dateFormat", "yyyy-MM-dd").option("quote", "\"").option("escape", "\"")
          .option("ignoreLeadingWhiteSpace", "false").option("ignoreTrailingWhiteSpace", "false")
          .option("lineSep", "\n").csv(sparkOut.toString());
      Path file = new Path(tmp, fileName(asOf));
      if (!fs.rename(single(fs, sparkOut), file)) {
        throw new IOException("cannot move the part file to " + file);
      }
      fs.delete(sparkOut, true);
      long count = rows.count();
      String sha = sha256(fs, file);
      Path target = new Path(atRisk, asOf.toString());
      Path existing = new Path(target, file.getName());
      if (fs.isFile(existing) && sha.equals(sha256(fs, existing))) {
        deleteQuietly(fs, tmp); // same content already exported: keep that folder (and its manifest) untouched
        return new Written(display(target), display(existing), count, sha);
      }
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("file", file.getName());
      manifest.put("as_of", asOf.toString());
      manifest.put("rows", count);
      manifest.put("sha256", sha);
      manifest.put("model_version", modelVersion);
      manifest.put("columns", List.of(rows.columns()));
      manifest.put("created_at", Instant.now().toString());
      try (FSDataOutputStream out = fs.create(new Path(tmp, MANIFEST), true)) {
        JSON.writeValue((java.io.OutputStream) out, manifest);
      }
      ownerOnly(fs, tmp);
      io.retention.lake.FaultInjection.point("export.before-rename");
      replace(fs, tmp, target);
      return new Written(display(target), display(new Path(target, file.getName())), count, sha);
    } catch (IOException e) {
      deleteQuietly(fs, tmp);
      throw new UncheckedIOException("export: cannot write " + display(atRisk) + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteQuietly(fs, tmp);
      throw e;
    }
  }

  private static String display(Path p) {
    return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
  }

  private static Path single(FileSystem fs, Path sparkOut) throws IOException {
    List<Path> parts = new ArrayList<>();
    for (FileStatus st : fs.listStatus(sparkOut)) {
      String name = st.getPath().getName();
      if (name.startsWith("part-") && name.endsWith(".csv")) {
        parts.add(st.getPath());
      }
    }
    if (parts.size() != 1) {
      throw new IOException("expected one part file in " + sparkOut + ", found " + parts.size());
    }
    return parts.get(0);
  }

  /** Moves an existing folder aside, renames tmp into place, then deletes the old one. */
  private static void replace(FileSystem fs, Path tmp, Path target) throws IOException {
    Path old = null;
    if (fs.exists(target)) {
      old = new Path(target.getParent(), ".old-" + target.getName() + "-" + UUID.randomUUID());
      if (!fs.rename(target, old)) {
        throw new IOException("cannot move the previous export " + target + " aside");
      }
    }
    if (!fs.rename(tmp, target)) {
      throw new IOException("cannot rename " + tmp + " to " + target);
    }
    if (old != null) {
      fs.delete(old, true);
    }
  }

  private static void ownerOnly(FileSystem fs, Path dir) throws IOException {
    for (FileStatus st : fs.listStatus(dir)) {
      fs.setPermission(st.getPath(), st.isDirectory() ? DIR : FILE);
    }
    fs.setPermission(dir, DIR);
  }

  /** The SHA-256 of a local file. */
  static String sha256(java.nio.file.Path file) throws IOException {
    Path p = new Path(file.toAbsolutePath().toUri());
    return sha256(p.getFileSystem(new Configuration()), p);
  }

  static String sha256(FileSystem fs, Path file) throws IOException {
    try (InputStream in = new DigestInputStream(fs.open(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteQuietly(FileSystem fs, Path p) {
    try {
      fs.delete(p, true);
    } catch (IOException ignored) {
      // best effort: a leftover hidden .tmp- folder is never picked up by an import
    }
  }
}
