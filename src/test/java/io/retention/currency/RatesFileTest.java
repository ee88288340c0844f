package io.retention.currency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rates CSV: a good file read as written, and each kind of bad line named by file and line. */
class RatesFileTest {
  static final Path FILE = Path.of("rates.csv");

  static RatesFile parse(String text) {
    return RatesFile.parse(FILE, text.getBytes(StandardCharsets.UTF_8), "EUR");
  }

  @Test
  void readsAGoodFileWithCommentsBlankLinesAndTheReportingCurrencyAtOne() {
    RatesFile f = parse("# sample rates\ncurrency,valid_from,rate\nGBP,2024-01-01,1.1534\n\n"
        + " usd , 2024-01-01 , 0.9\nEUR,2024-01-01,1.000\nGBP,2024-02-01,1.16\n");

    assertThat(f.rates()).containsExactly(
        new RatesFile.Rate("GBP", LocalDate.of(2024, 1, 1), new BigDecimal("1.1534000000")),
        new RatesFile.Rate("USD", LocalDate.of(2024, 1, 1), new BigDecimal("0.9000000000")),
        new RatesFile.Rate("GBP", LocalDate.of(2024, 2, 1), new BigDecimal("1.1600000000")));
    assertThat(f.sha256()).hasSize(64).isEqualTo(parse("# sample rates\ncurrency,valid_from,rate\n"
        + "GBP,2024-01-01,1.1534\n\n usd , 2024-01-01 , 0.9\nEUR,2024-01-01,1.000\nGBP,2024-02-01,1.16\n").sha256())
        .isNotEqualTo(parse("currency,valid_from,rate\n").sha256());
    assertThat(parse("currency,valid_from,rate\n").rates()).isEmpty();
  }

  @Test
  void aBadLineIsOneMessageNamingTheFileAndTheLine() {
    String head = "# comment\ncurrency,valid_from,rate\nGBP,2024-01-01,1.15\n";
    List<String[]> cases = List.of(
        new String[] {head + "GBP,2024-13-01,1.15\n", "line 4: valid_from '2024-13-01' is not a date yyyy-mm-dd"},
        new String[] {head + "\nGBP,2024-02-01,abc\n", "line 5: rate 'abc' is not a number"},
        new String[] {head + "GBP,2024-02-01,-1\n", "line 4: rate -1 must be above 0"},
        new String[] {head + "GBP,2024-02-01,0\n", "line 4: rate 0 must be above 0"},
        new String[] {head + "GBP,2024-02-01,1.12345678901\n", "line 4: rate 1.12345678901 has more than 10 decimals"},
        new String[] {head + "POUND,2024-02-01,1.1\n", "line 4: currency 'POUND' is not a three-letter code"},
        new String[] {head + "GBP,2024-02-01\n", "line 4: expected 3 fields currency,valid_from,rate, found 2"},
        new String[] {head + "GBP,2024-01-01,1.16\n", "line 4: GBP valid_from 2024-01-01 is given twice (also line 3)"},
        new String[] {head + "EUR,2024-01-01,1.1\n", "line 4: EUR is the reporting currency: its rate is 1"},
        new String[] {"currency,date,rate\nGBP,2024-01-01,1.1\n", "line 1: the header must be currency,valid_from,rate"},
        new String[] {"", "line 1: empty file"});
    for (String[] c : cases) {
      assertThatThrownBy(() -> parse(c[0])).as(c[1]).isInstanceOf(RatesFile.BadRatesFile.class)
          .hasMessageStartingWith("rates file rates.csv " + c[1]).hasMessageNotContaining("\n");
    }
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(() -> RatesFile.read(Path.of("no/such/rates.csv"), "EUR"))
        .isInstanceOf(RatesFile.BadRatesFile.class).hasMessageStartingWith("rates file no/such/rates.csv: cannot be read");
  }
}
