package io.retention.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.retention.lake.FileSystems;
import io.retention.lake.FolderReplace;
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
import java.util.Set;
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
 * file renamed to {@code at_risk_<date>.csv} (or copied behind a UTF-8 byte order mark, {@link Format#bom}), a
 * {@code manifest.json} (rows, sha256, model version, every column with its type) and owner-only permissions
 * (group read with {@link Format#groupRead}), and is then moved into place with one rename. A CRM import watching
 * {@code at_risk/} never sees a half-written file. A rerun for the same date keeps the existing folder
 * untouched when its CSV has the same SHA-256 (no rewrite), and otherwise replaces the folder (the old one is
 * moved aside, the new one renamed in, the old one deleted).
 *
 * <p>File operations go through the Hadoop FileSystem API with the session's Hadoop configuration, so
 * {@code <out>} may be a local path or an hdfs://, s3a://, ... URI. The final rename is atomic on local file
 * systems and HDFS; on object stores (S3A) a rename is a copy, so there an import should wait for
 * {@code manifest.json} and check the checksum. Permissions are set where the file system supports them
 * (local, HDFS). Only the file's checksum (and, with a BOM, its copy behind the mark) is streamed through the
 * driver.
 */
public final class ExportWriter {
  private ExportWriter() {}

  public static final String MANIFEST = "manifest.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  /**
   * How the files are written: a UTF-8 byte order mark before the header (spreadsheets then read UTF-8), group
   * read permission (files 0640, folder 0750; else 0600 / 0700), and the attribute exported as match_key (for
   * the manifest; null: none).
   */
  public record Format(boolean bom, boolean groupRead, String matchKey) {
    public static Format defaults() {
      return new Format(false, false, null);
    }

    FsPermission file() {
      return new FsPermission(groupRead ? (short) 0640 : (short) 0600);
    }

    FsPermission dir() {
      return new FsPermission(groupRead ? (short) 0750 : (short) 0700);
    }
  }

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

  /** As {@link #write(Dataset, String, LocalDate, String, Format)} into a local folder, default format. */
  public static Written write(Dataset<Row> rows, java.nio.file.Path outDir, LocalDate asOf, String modelVersion) {
    return write(rows, outDir.toAbsolutePath().toString(), asOf, modelVersion, Format.defaults());
  }

  /** As {@link #write(Dataset, String, LocalDate, String, Format)} with the default format. */
  public static Written write(Dataset<Row> rows, String outDir, LocalDate asOf, String modelVersion) {
    return write(rows, outDir, asOf, modelVersion, Format.defaults());
  }

  /** Writes the export of {@code asOf} under {@code outDir} (a local path or a file system URI). */
  public static Written write(Dataset<Row> rows, String outDir, LocalDate asOf, String modelVersion,
      Format format) {
    Configuration conf = rows.sparkSession().sessionState().newHadoopConf();
    Path atRisk = new Path(new Path(outDir), "at_risk");
    FileSystem fs = FileSystems.of(atRisk, conf);
    atRisk = fs.makeQualified(atRisk);
    Path target = new Path(atRisk, asOf.toString());
    Path tmp = FolderReplace.temporarySibling(target);
    Path sparkOut = new Path(tmp, "spark");
    try {
      fs.mkdirs(atRisk);
      fs.mkdirs(tmp, format.dir());
      rows.coalesce(1).write().option("header", "true").option("encoding", "UTF-8")
          .option("dateFormat", "yyyy-MM-dd").option("quote", "\"").option("escape", "\"")
          .option("ignoreLeadingWhiteSpace", "false").option("ignoreTrailingWhiteSpace", "false")
          .option("lineSep", "\n").csv(sparkOut.toString());
      Path file = new Path(tmp, fileName(asOf));
      place(fs, single(fs, sparkOut), file, format.bom());
      fs.delete(sparkOut, true);
      long count = rows.count();
      String sha = sha256(fs, file);
      Path existing = new Path(target, file.getName());
      if (fs.isFile(existing) && sha.equals(sha256(fs, existing))) {
        deleteQuietly(fs, tmp); // same content already exported: keep that folder (and its manifest) untouched
        permissions(fs, target, format.file(), format.dir()); // only a changed export.groupRead changes anything
        return new Written(display(target), display(existing), count, sha);
      }
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("file", file.getName());
      manifest.put("as_of", asOf.toString());
      manifest.put("rows", count);
      manifest.put("sha256", sha);
      manifest.put("model_version", modelVersion);
      manifest.put("columns", columns(rows.schema()));
      manifest.put("encoding", format.bom() ? "UTF-8 with BOM" : "UTF-8");
      manifest.put("match_key", format.matchKey());
      manifest.put("created_at", Instant.now().toString());
      writeManifest(fs, tmp, manifest);
      permissions(fs, tmp, format.file(), format.dir());
      io.retention.lake.FaultInjection.point("export.before-rename");
      FolderReplace.replace(fs, tmp, target);
      return new Written(display(target), display(new Path(target, file.getName())), count, sha);
    } catch (IOException e) {
      deleteQuietly(fs, tmp);
      throw new UncheckedIOException("export: cannot write " + display(atRisk) + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteQuietly(fs, tmp);
      throw e;
    }
  }

  /** Renames the part file to {@code file}, or copies it there behind a UTF-8 byte order mark. */
  private static void place(FileSystem fs, Path part, Path file, boolean bom) throws IOException {
    if (!bom) {
      if (!fs.rename(part, file)) {
        throw new IOException("cannot move the part file to " + file);
      }
      return;
    }
    try (InputStream in = fs.open(part); FSDataOutputStream out = fs.create(file, false)) {
      out.write(BOM);
      in.transferTo(out);
    }
  }

  /** Each column's name and Spark SQL type ({@code string}, {@code double}, {@code decimal(18,2)}, {@code date}...). */
  static List<Map<String, String>> columns(org.apache.spark.sql.types.StructType schema) {
    List<Map<String, String>> out = new ArrayList<>();
    for (org.apache.spark.sql.types.StructField f : schema.fields()) {
      Map<String, String> c = new LinkedHashMap<>();
      c.put("name", f.name());
      c.put("type", f.dataType().simpleString());
      out.add(c);
    }
    return out;
  }

  private static void writeManifest(FileSystem fs, Path dir, Map<String, Object> manifest) throws IOException {
    try (FSDataOutputStream out = fs.create(new Path(dir, MANIFEST), true)) {
      JSON.writeValue((java.io.OutputStream) out, manifest);
    }
  }

  /**
   * Rewrites the export folder {@code folder} (an {@code at_risk/<date>/} with its manifest) without the rows
   * whose {@code customer_id} cell is one of {@code ids} (raw ids, or pseudonyms for a pseudonymised export); every
   * other row is kept byte for byte. The manifest gets the new row count and SHA-256 and {@code rewritten_at}; the
   * folder is replaced atomically ({@link FolderReplace}). Returns the rows removed (0: the folder is untouched).
   */
  public static long rewriteWithout(Configuration conf, Path folder, Set<String> ids) throws IOException {
    return rewrite(conf, folder, ids, true);
  }

  /** The rows of the export folder {@code folder} whose {@code customer_id} cell is one of {@code ids}. */
  public static long countRows(Configuration conf, Path folder, Set<String> ids) throws IOException {
    return rewrite(conf, folder, ids, false);
  }

  private static long rewrite(Configuration conf, Path exportFolder, Set<String> ids, boolean write)
      throws IOException {
    Path folder = FolderReplace.folder(exportFolder);
    FileSystem fs = FileSystems.of(folder, conf);
    Path manifestFile = new Path(folder, MANIFEST);
    if (!fs.isFile(manifestFile)) {
      return 0;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> manifest;
    try (InputStream in = fs.open(manifestFile)) {
      manifest = JSON.readValue(in, LinkedHashMap.class);
    }
    Path csv = new Path(folder, String.valueOf(manifest.get("file")));
    if (!fs.isFile(csv)) {
      return 0;
    }
    String text;
    try (InputStream in = fs.open(csv)) {
      text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    List<String> records = CsvRecords.split(text);
    if (records.isEmpty()) {
      return 0;
    }
    String header = records.get(0);
    int column = CsvRecords.fields(header.startsWith("\uFEFF") ? header.substring(1) : header).indexOf("customer_id");
    if (column < 0) {
      throw new IOException(csv + " has no customer_id column");
    }
    StringBuilder kept = new StringBuilder(text.length());
    kept.append(records.get(0));
    long removed = 0;
    for (String r : records.subList(1, records.size())) {
      List<String> cells = CsvRecords.fields(r);
      if (column < cells.size() && ids.contains(cells.get(column))) {
        removed++;
      } else {
        kept.append(r);
      }
    }
    if (removed == 0 || !write) {
      return removed;
    }
    Path tmp = FolderReplace.temporarySibling(folder);
    FsPermission filePermission = fs.getFileStatus(csv).getPermission();
    FsPermission dirPermission = fs.getFileStatus(folder).getPermission();
    try {
      fs.mkdirs(tmp, dirPermission);
      for (FileStatus st : fs.listStatus(folder)) {
        String name = st.getPath().getName();
        if (st.isFile() && !name.equals(MANIFEST) && !name.equals(csv.getName())) {
          org.apache.hadoop.fs.FileUtil.copy(fs, st.getPath(), fs, new Path(tmp, name), false, conf);
        }
      }
      Path file = new Path(tmp, csv.getName());
      try (FSDataOutputStream out = fs.create(file, true)) {
        out.write(kept.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      manifest.put("rows", ((Number) manifest.get("rows")).longValue() - removed);
      manifest.put("sha256", sha256(fs, file));
      manifest.put("rewritten_at", Instant.now().toString());
      writeManifest(fs, tmp, manifest);
      permissions(fs, tmp, filePermission, dirPermission); // as the export was written
      FolderReplace.replace(fs, tmp, folder);
      return removed;
    } catch (IOException | RuntimeException e) {
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

  private static void permissions(FileSystem fs, Path dir, FsPermission file, FsPermission folder)
      throws IOException {
    for (FileStatus st : fs.listStatus(dir)) {
      fs.setPermission(st.getPath(), st.isDirectory() ? folder : file);
    }
    fs.setPermission(dir, folder);
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
    io.retention.lake.FolderReplace.deleteQuietly(fs, p); // a leftover hidden .tmp- folder is never imported
  }
}
