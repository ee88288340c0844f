package io.retention.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Writes the at-risk rows as one CSV under {@code <out>/at_risk/<date>/}: Spark writes a single part file
 * (coalesce(1), UTF-8, header, ISO dates, RFC 4180 quoting) into a hidden temporary folder, which gets the
 * file renamed to {@code at_risk_<date>.csv}, a {@code manifest.json} (rows, sha256, model version) and
 * owner-only permissions, and is then moved into place with one atomic rename. A CRM import watching
 * {@code at_risk/} never sees a half-written file. A rerun for the same date keeps the existing folder
 * untouched when its CSV has the same SHA-256 (no rewrite), and otherwise replaces the folder (the old one is
 * moved aside, the new one renamed in, the old one deleted).
 * Local file system only. Only the file's checksum is computed on the driver (streamed).
 */
public final class ExportWriter {
  private ExportWriter() {}

  public static final String MANIFEST = "manifest.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Where the export went. */
  public record Written(Path folder, Path file, long rows, String sha256) {}

  public static String fileName(LocalDate asOf) {
    return "at_risk_" + asOf + ".csv";
  }

  public static Written write(Dataset<Row> rows, Path outDir, LocalDate asOf, String modelVersion) {
    Path atRisk = outDir.toAbsolutePath().resolve("at_risk");
    Path tmp = atRisk.resolve(".tmp-" + asOf + "-" + UUID.randomUUID());
    Path sparkOut = tmp.resolve("spark");
    try {
      Files.createDirectories(atRisk);
      rows.coalesce(1).write().option("header", "true").option("encoding", "UTF-8")
          .option("dateFormat", "yyyy-MM-dd").option("quote", "\"").option("escape", "\"")
          .option("ignoreLeadingWhiteSpace", "false").option("ignoreTrailingWhiteSpace", "false")
          .option("lineSep", "\n").csv(sparkOut.toUri().toString());
      Path file = tmp.resolve(fileName(asOf));
      Files.move(single(sparkOut), file);
      deleteTree(sparkOut);
      long count = rows.count();
      String sha = sha256(file);
      Path target = atRisk.resolve(asOf.toString());
      Path existing = target.resolve(file.getFileName());
      if (Files.isRegularFile(existing) && sha.equals(sha256(existing))) {
        deleteTree(tmp); // same content already exported: keep that folder (and its manifest) untouched
        return new Written(target, existing, count, sha);
      }
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("file", file.getFileName().toString());
      manifest.put("as_of", asOf.toString());
      manifest.put("rows", count);
      manifest.put("sha256", sha);
      manifest.put("model_version", modelVersion);
      manifest.put("columns", List.of(rows.columns()));
      manifest.put("created_at", Instant.now().toString());
      JSON.writeValue(tmp.resolve(MANIFEST).toFile(), manifest);
      ownerOnly(tmp);
      io.retention.lake.FaultInjection.point("export.before-rename");
      replace(tmp, target);
      return new Written(target, target.resolve(file.getFileName()), count, sha);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new UncheckedIOException("export: cannot write " + atRisk + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  private static Path single(Path sparkOut) throws IOException {
    try (Stream<Path> s = Files.list(sparkOut)) {
      List<Path> parts = s.filter(p -> p.getFileName().toString().startsWith("part-")
          && p.getFileName().toString().endsWith(".csv")).toList();
      if (parts.size() != 1) {
        throw new IOException("expected one part file in " + sparkOut + ", found " + parts.size());
      }
      return parts.get(0);
    }
  }

  /** Moves an existing folder aside, renames tmp into place atomically, then deletes the old one. */
  private static void replace(Path tmp, Path target) throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = target.resolveSibling(".old-" + target.getFileName() + "-" + UUID.randomUUID());
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    if (old != null) {
      deleteTree(old);
    }
  }

  private static void ownerOnly(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
      }
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      deleteTree(p);
    } catch (IOException ignored) {
      // best effort: a leftover hidden .tmp- folder is never picked up by an import
    }
  }
}
