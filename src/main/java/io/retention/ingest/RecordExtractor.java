package io.retention.ingest;

import io.retention.schema.Columns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.SerializableConfiguration;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Runs on the executors, once per group of landed files (one task each): reads each file whole through the
 * Hadoop file system, hashes the bytes, un-gzips, splits into records, parses and validates each, and emits one
 * row per record (accepted lines typed, rejected ones with their reason) plus one summary row per file with its
 * independently counted lines. The driver hands over paths it has listed already, so no second listing runs.
 */
final class RecordExtractor implements FlatMapFunction<List<String>, Row> {
  private static final long serialVersionUID = 1L;
  private final SourceProfile profile;
  private final ValidationRules rules;
  private final Broadcast<SerializableConfiguration> hadoopConf;

  RecordExtractor(SourceProfile profile, ValidationRules rules, Broadcast<SerializableConfiguration> hadoopConf) {
    this.profile = profile;
    this.rules = rules;
    this.hadoopConf = hadoopConf;
  }

  /** The rows of each file of the group, one file after the other (only one file's bytes held at a time). */
  @Override
  public Iterator<Row> call(List<String> paths) {
    Configuration conf = hadoopConf.value().value();
    return paths.stream().flatMap(path -> {
      Path p = new Path(path);
      try {
        FileSystem fs = p.getFileSystem(conf);
        FileStatus st = fs.getFileStatus(p);
        byte[] bytes;
        try (FSDataInputStream in = fs.open(p)) {
          bytes = in.readAllBytes();
        }
        return rows(path, bytes, new Timestamp(st.getModificationTime())).stream();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read landed file " + path + ": " + e.getMessage(), e);
      }
    }).iterator();
  }

  /** The rows of one file: its records, then its summary row (or only the summary row of a file set aside). */
  List<Row> rows(String path, byte[] compressed, Timestamp modified) {
    String hash = sha256(compressed);
    byte[] bytes;
    try {
      bytes = SetAside.decompress(path, compressed);
    } catch (SetAside.Unreadable e) {
      return List.of(setAsideRow(path, hash, compressed.length, modified, e.setAside()));
    }
    String format = profile.formatOf(path);
    RecordSplitter.Split split = RecordSplitter.split(bytes, format.equals("csv"));
    FileParse fp = new FileParse(profile, format, new Validation(profile, rules));
    List<Row> out = new ArrayList<>(split.records().size() + 1);
    long headerLines = 0;
    for (RecordSplitter.RawRecord rec : split.records()) {
      if (fp.isHeader(rec)) {
        headerLines += rec.lineCount();
        continue;
      }
      out.add(recordRow(path, rec, fp.parse(rec)));
    }
    SetAside problem = fp.fileProblem(out.isEmpty());
    if (problem != null) {
      return List.of(setAsideRow(path, hash, compressed.length, modified, problem));
    }
    out.add(RowFactory.create(ExtractedSchema.TYPE_FILE, path, hash, (long) compressed.length, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null, null,
        RecordSplitter.countLines(bytes), split.blankLines(), headerLines, modified));
    return out;
  }

  /** The one row of a file set aside: its reason and detail, no records and no line counts. */
  private static Row setAsideRow(String path, String hash, long size, Timestamp modified, SetAside s) {
    return RowFactory.create(ExtractedSchema.TYPE_FILE, path, hash, size, null, null, null, null,
        s.reason().code(), s.detail(), null, null, null, null, null, null, null, null, null, null, null, null,
        modified);
  }

  /**
   * A record's row; the file's hash and size are on its file row only (not copied into every record). Only a
   * record that failed validation keeps its parsed source fields (for bronze): a valid record's values are its
   * typed columns, and a field map for every record was one of a first load's largest costs (BENCHMARKS.md).
   */
  private Row recordRow(String path, RecordSplitter.RawRecord rec, FileParse.Result r) {
    Validation.Line l = r.line();
    if (l == null) {
      Map<String, String> f = r.fields();
      return RowFactory.create(ExtractedSchema.TYPE_RECORD, path, null, null, rec.lineNumber(), rec.lineCount(),
          rec.text(), f == null ? null : CollectionConverters.asScala(f), r.reason().code(), r.detail(), null,
          f == null ? null : CustomerIds.of(profile, f), null, null, null, null, null, null, null,
          null, null, null, null);
    }
    Map<String, String> attrs = l.attributes();
    return RowFactory.create(ExtractedSchema.TYPE_RECORD, path, null, null, rec.lineNumber(), rec.lineCount(),
        rec.text(), null, null, null, l.orderId(), l.customerId(), Timestamp.from(l.ts()),
        Date.valueOf(l.orderDate()), l.amount(), l.currency(), l.quantity(), l.kind(),
        CollectionConverters.asScala(attrs), null, null, null, null);
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Per-file parsing state: the header (CSV names, or a whitespace layout) decides how records are read. */
  static final class FileParse {
    record Result(Map<String, String> fields, Validation.Line line, Reason reason, String detail) {}

    private final SourceProfile profile;
    private final String format;
    private final Validation validation;
    private final Set<String> idColumns;
    private List<String> header;
    private boolean headerBadEncoding;
    private String missing;
    private boolean first = true;

    FileParse(SourceProfile profile, String format, Validation validation) {
      this.profile = profile;
      this.format = format;
      this.validation = validation;
      Set<String> ids = new HashSet<>();
      for (String canonical : List.of(Columns.ORDER_ID, Columns.CUSTOMER_ID)) {
        if (profile.column(canonical) != null) {
          ids.add(profile.column(canonical));
        }
      }
      this.idColumns = Set.copyOf(ids);
    }

    /** True for the file's header record (the first record, when the profile says the file has one). */
    boolean isHeader(RecordSplitter.RawRecord rec) {
      if (!first) {
        return false;
      }
      first = false;
      if (format.equals("csv") && !profile.header().equals("false")) {
        List<String> names = FieldParser.csvValues(rec.text());
        header = names == null ? List.of() : names.stream().map(String::strip).toList();
        headerBadEncoding = rec.badEncoding();
        missing = missingColumn(); // once per file, not per record
        return true;
      }
      if (format.equals("whitespace") && profile.header().equals("auto")) {
        String[] toks = FieldParser.WHITESPACE.split(rec.text().trim());
        return toks.length < 2 || !toks[1].matches("\\d+");
      }
      return format.equals("whitespace") && profile.header().equals("true");
    }

    /**
     * Why the whole file is set aside, or null: a CSV header that is not UTF-8 or names a column twice; a file
     * of only a header that lacks a required column ({@code noRecords}: such a file, a one-line garbage file
     * for instance, would otherwise read as ingested with nothing in it; with records, each is quarantined as
     * {@code missing_column}).
     */
    SetAside fileProblem(boolean noRecords) {
      if (header == null) {
        return null;
      }
      if (headerBadEncoding) {
        return new SetAside(SetAside.Code.INVALID_ENCODING, "the header line is not valid UTF-8");
      }
      Set<String> seen = new HashSet<>();
      for (String h : header) {
        if (!seen.add(h)) {
          return new SetAside(SetAside.Code.DUPLICATE_COLUMN, "the header names the column " + h + " twice");
        }
      }
      return noRecords && missing != null ? new SetAside(SetAside.Code.MISSING_COLUMN,
          "only a header line, and it has no column " + missing + " (it has: " + String.join(", ", header) + ")")
          : null;
    }

    Result parse(RecordSplitter.RawRecord rec) {
      if (rec.badEncoding()) {
        return new Result(null, null, Reason.INVALID_ENCODING, "bytes that are not valid UTF-8");
      }
      FieldParser.Parsed p = switch (format) {
        case "jsonl" -> FieldParser.json(rec.text(), idColumns);
        case "whitespace" -> whitespace(rec.text());
        default -> csv(rec.text());
      };
      if (p.reason() != null) {
        return new Result(null, null, p.reason(), p.detail());
      }
      Validation.Outcome o = validation.check(p.fields());
      return new Result(p.fields(), o.line(), o.reason(), o.detail());
    }

    private FieldParser.Parsed csv(String text) {
      if (missing != null) {
        return FieldParser.Parsed.error(Reason.MISSING_COLUMN,
            "the header has no column " + missing + " (it has: " + String.join(", ", header) + ")");
      }
      return FieldParser.csv(text, header);
    }

    private FieldParser.Parsed whitespace(String text) {
      int n = FieldParser.WHITESPACE.split(text.trim()).length;
      List<String> names = profile.layouts().get(n);
      if (names == null) {
        return FieldParser.Parsed.error(Reason.WRONG_COLUMN_COUNT,
            n + " fields, expected one of " + profile.layouts().keySet());
      }
      return FieldParser.whitespace(text, names);
    }

    private String missingColumn() {
      if (header == null) {
        return null;
      }
      for (String canonical : List.of(Columns.ORDER_ID, Columns.CUSTOMER_ID, Columns.ORDER_TS, Columns.AMOUNT,
          "unit_price", Columns.QUANTITY)) {
        String col = profile.column(canonical);
        boolean required = !canonical.equals(Columns.QUANTITY) || profile.aggregateLines();
        if (col != null && required && !header.contains(col)
            && !(canonical.equals(Columns.AMOUNT) && profile.aggregateLines())) {
          return col;
        }
      }
      return null;
    }
  }
}
