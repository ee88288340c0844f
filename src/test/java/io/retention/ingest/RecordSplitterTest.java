package io.retention.ingest;

import static org.assertj.core.api.Assertions.assertThat;

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
  void unterminatedQuoteTakesTheRestOfTheFile() {
    byte[] b = utf8("a,b\n\"c,d\ne,f");
    RecordSplitter.Split s = RecordSplitter.split(b, true);
    assertThat(s.records()).extracting(RawRecord::lineNumber, RawRecord::lineCount)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 1), org.assertj.core.groups.Tuple.tuple(2L, 2));
    assertThat(RecordSplitter.countLines(b)).isEqualTo(3);
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
