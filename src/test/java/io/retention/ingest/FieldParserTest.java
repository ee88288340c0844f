package io.retention.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FieldParserTest {
  /** The split without a CSV parser (records with no quote and no line break) must read what the parser reads. */
  @Test
  void unquotedFastPathReadsWhatTheCsvParserReads() {
    List<String> lines = List.of("a,b,c", "a,,b,", ",", ",,", " a , b ", "x", "O1,C1,2025-01-02T10:00:00Z,12.50",
        "tab\tin,field", "semi;colon,é,\u00a0", "trailing,comma,");
    for (String line : lines) {
      assertThat(FieldParser.csvValues(line)).as(line).isEqualTo(FieldParser.parsedCsvValues(line));
    }
    assertThat(FieldParser.csvValues("a,,b,")).containsExactly("a", "", "b", "");
    assertThat(FieldParser.csvValues(",")).containsExactly("", "");
  }

  /** Quoted records still go through the parser: commas inside quotes, doubled quotes, unbalanced quotes. */
  @Test
  void quotedRecordsGoThroughTheParser() {
    assertThat(FieldParser.csvValues("\"a,b\",c")).containsExactly("a,b", "c");
    assertThat(FieldParser.csvValues("\"say \"\"hi\"\"\",x")).containsExactly("say \"hi\"", "x");
    assertThat(FieldParser.csvValues("\"open,x")).isNull();
  }
}
