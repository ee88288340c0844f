package io.retention.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Why a landed file is set aside as a whole (recorded in ops.rejected_files, none of its lines ingested, tried
 * again when its content changes): the {@code reason} code and a one-line detail.
 */
public record SetAside(Code reason, String detail) {
  private static final int MAX_DETAIL = 300;

  /** The reason codes of ops.rejected_files. */
  public enum Code {
    /** Named {@code .gz} but not gzip data. */
    NOT_GZIP("not_gzip"),
    /** gzip data that cannot be decompressed (truncated, corrupt). */
    CORRUPT_GZIP("corrupt_gzip"),
    /** The CSV header line is not valid UTF-8 (the file is in another encoding). */
    INVALID_ENCODING("invalid_encoding"),
    /** The CSV header names a column twice: which value a row means is ambiguous. */
    DUPLICATE_COLUMN("duplicate_column"),
    /** A file holding only a header line that lacks a required column (such as a one-line garbage file). */
    MISSING_COLUMN("missing_column");

    private final String code;

    Code(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  public SetAside {
    detail = detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) + "…" : detail;
  }

  /** Thrown where a file is found unreadable; carries the reason. */
  static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient SetAside setAside;

    Unreadable(Code reason, String detail) {
      super(detail, null, false, false);
      this.setAside = new SetAside(reason, detail);
    }

    SetAside setAside() {
      return setAside;
    }
  }

  /**
   * The file's bytes, un-gzipped when they start with the gzip magic bytes.
   *
   * @throws Unreadable a file named {@code .gz} that is not gzip, or gzip data that cannot be decompressed
   */
  static byte[] decompress(String path, byte[] b) throws Unreadable {
    boolean magic = b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
    if (!magic) {
      if (path.toLowerCase(Locale.ROOT).endsWith(".gz")) {
        throw new Unreadable(Code.NOT_GZIP, "named .gz but not gzip data (no gzip magic bytes)");
      }
      return b;
    }
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new Unreadable(Code.CORRUPT_GZIP, "cannot decompress: " + e.getMessage());
    }
  }
}
