package io.retention.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** Turns one record's text into named source fields with a real CSV / JSON parser. */
final class FieldParser {
  private static final CSVFormat CSV = CSVFormat.RFC4180.builder().get();
  /** Refuses a JSON object with a duplicated key (instead of keeping the last value). */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      // numbers keep their exact decimal value: 1e-400 must stay 1E-400 (refused), not underflow to 0.0
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();
  private static final Pattern COMMA = Pattern.compile(",");
  static final Pattern WHITESPACE = Pattern.compile("\\s+");

  /** Parsed fields, or why the record could not be parsed. */
  record Parsed(Map<String, String> fields, Reason reason, String detail) {
    static Parsed ok(Map<String, String> f) {
      return new Parsed(f, null, null);
    }

    static Parsed error(Reason r, String d) {
      return new Parsed(null, r, d);
    }
  }

  private FieldParser() {}

  /** The values of one CSV record, or null when the text is not exactly one well-formed CSV record. */
  static List<String> csvValues(String text) {
    if (!text.isEmpty() && text.indexOf('"') < 0 && text.indexOf('\r') < 0 && text.indexOf('\n') < 0) {
      // no quotes and no line break: RFC 4180 reads exactly the comma-separated pieces (the common case, without
      // a CSVParser per record)
      return List.of(COMMA.split(text, -1));
    }
    return parsedCsvValues(text);
  }

  /** {@link #csvValues} always through the CSV parser (what the fast path must agree with). */
  static List<String> parsedCsvValues(String text) {
    try (CSVParser p = CSVParser.parse(text, CSV)) {
      List<CSVRecord> recs = p.getRecords();
      if (recs.size() != 1) {
        return null;
      }
      List<String> vals = new ArrayList<>();
      recs.get(0).forEach(vals::add);
      return vals;
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      return null;
    }
  }

  static Parsed csv(String text, List<String> header) {
    List<String> vals = csvValues(text);
    if (vals == null) {
      return Parsed.error(Reason.MALFORMED_RECORD, "not a well-formed CSV record (unbalanced quotes?)");
    }
    if (vals.size() != header.size()) {
      return Parsed.error(Reason.WRONG_COLUMN_COUNT, vals.size() + " fields, header has " + header.size());
    }
    return Parsed.ok(zip(header, vals));
  }

  static Parsed whitespace(String text, List<String> names) {
    List<String> vals = List.of(WHITESPACE.split(text.trim()));
    if (vals.size() != names.size()) {
      return Parsed.error(Reason.WRONG_COLUMN_COUNT, vals.size() + " fields, expected " + names.size());
    }
    return Parsed.ok(zip(names, vals));
  }

  /**
   * One JSON Lines record: a JSON object whose keys are unique; {@code scalarKeys} (the id columns) must hold a
   * string, number or boolean, not an object or array.
   */
  static Parsed json(String text, Set<String> scalarKeys) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (IOException e) {
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      return Parsed.error(Reason.MALFORMED_RECORD, "not valid JSON: " + firstLine(why));
    }
    if (node == null || !node.isObject()) {
      return Parsed.error(Reason.MALFORMED_RECORD, "a JSON Lines record must be a JSON object");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      JsonNode v = e.getValue();
      if (v.isContainerNode() && scalarKeys.contains(e.getKey())) {
        return Parsed.error(Reason.MALFORMED_RECORD, e.getKey() + " must be a string or a number, not "
            + (v.isObject() ? "an object" : "an array"));
      }
      if (!v.isNull()) {
        out.put(e.getKey(), v.isValueNode() ? v.asText() : v.toString());
      }
    }
    return Parsed.ok(out);
  }

  private static Map<String, String> zip(List<String> names, List<String> vals) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), vals.get(i));
    }
    return m;
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
