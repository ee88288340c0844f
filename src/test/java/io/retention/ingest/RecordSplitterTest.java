package io.retention.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.retention.ingest.RecordSplitter.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordSplitterTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void quotedNewlinesJoinLinesAndBlankLinesAreCounted() {
    byte[] b = utf8("\uFEFFh1,h2\r\na,\"x\r\ny\"\r\n\r\nb,c\n");
    RecordSplitter.Split s = RecordSplitter.split(b, true);
    assertThat(s.records()).containsExactly(
        new RawRecord(1, 1, "h1,h2", false),
        new RawRecord(2, 2, "a,\"x\ny\"", false),
        new RawRecord(5, 1, "b,c", false));
    assertThat(s.blankLines()).isEqualTo(1);
    assertThat(RecordSplitter.countLines(b)).isEqualTo(5);
  }

  @Test
  void unterminatedQuoteTakesTheRestOfTheFileWhenNoLineIsARecordOfItsOwn() {
    byte[] b = utf8("a,b\n\"c,d\ne\nf");
    RecordSplitter.Split s = RecordSplitter.split(b, true);
    assertThat(s.records()).extracting(RawRecord::lineNumber, RawRecord::lineCount)
        .containsExactly(tuple(1L, 1), tuple(2L, 3));
    assertThat(RecordSplitter.countLines(b)).isEqualTo(4);
  }

  /** The open quote of line 2 costs only line 2: lines 3 and 4 are complete records of the header's width. */
  @Test
  void anUnbalancedQuoteCostsOnlyItsOwnRecord() {
    byte[] b = utf8("h1,h2,h3\nA,\"x,1\nB,y,2\nC,\"z\nz\",3\nD,w,4\n");
    RecordSplitter.Split s = RecordSplitter.split(b, true);
    assertThat(s.records()).containsExactly(
        new RawRecord(1, 1, "h1,h2,h3", false),
        new RawRecord(2, 1, "A,\"x,1", false),
        new RawRecord(3, 1, "B,y,2", false),
        new RawRecord(4, 2, "C,\"z\nz\",3", false),
        new RawRecord(6, 1, "D,w,4", false));
    assertThat(RecordSplitter.countLines(b)).isEqualTo(6);
  }

  @Test
  void lfCrlfAndLoneCrAllEndLines() {
    byte[] cr = utf8("h1,h2\ra,\"x\ry\"\r\rb,c\r");
    RecordSplitter.Split s = RecordSplitter.split(cr, true);
    assertThat(s.records()).containsExactly(
        new RawRecord(1, 1, "h1,h2", false),
        new RawRecord(2, 2, "a,\"x\ny\"", false),
        new RawRecord(5, 1, "b,c", false));
    assertThat(s.blankLines()).isEqualTo(1);
    assertThat(RecordSplitter.countLines(cr)).isEqualTo(5);
    // CRLF is one line end; LF then CR is two (a blank line between)
    byte[] mixed = utf8("a\r\nb\rc\n\rd");
    RecordSplitter.Split m = RecordSplitter.split(mixed, true);
    assertThat(m.records()).extracting(RawRecord::text).containsExactly("a", "b", "c", "d");
    assertThat(m.records()).extracting(RawRecord::lineNumber).containsExactly(1L, 2L, 3L, 5L);
    assertThat(m.blankLines()).isEqualTo(1);
    assertThat(RecordSplitter.countLines(mixed)).isEqualTo(5);
  }

  @Test
  void aFileOfOnlyAByteOrderMarkIsOneBlankLine() {
    byte[] b = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    assertThat(RecordSplitter.countLines(b)).isEqualTo(1);
    assertThat(RecordSplitter.split(b, true).blankLines()).isEqualTo(1);
    assertThat(RecordSplitter.split(b, true).records()).isEmpty();
  }

  @Test
  void invalidUtf8MarksOnlyItsRecord() {
    byte[] b = {'o', 'k', '\n', 'b', (byte) 0xff, 'd', '\n'};
    List<RawRecord> r = RecordSplitter.split(b, false).records();
    assertThat(r).extracting(RawRecord::badEncoding).containsExactly(false, true);
  }

  @Test
  void quotesAreNotSpecialOutsideCsv() {
    byte[] b = utf8("{\"a\":\"x\"}\n{\"b\":\"\\\"\"}\n");
    assertThat(RecordSplitter.split(b, false).records()).hasSize(2);
  }
}
