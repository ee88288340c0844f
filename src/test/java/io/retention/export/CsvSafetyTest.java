package io.retention.export;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The formula guard, case by case: what gets a leading quote and what is left exactly as it is. */
class CsvSafetyTest {

  @ParameterizedTest(name = "guarded: [{0}]")
  @ValueSource(strings = {
      "=1+1", "+1+1", "-1+1", "@SUM(A1:A9)", "=HYPERLINK(\"http://x\")",
      "\tstarts with a tab", "\rstarts with a CR", "\t-7",
      " =1+1", "  @x", "\u00A0=1+1", "\u00A0\u00A0-cmd", "\u2007=1", "\u3000=1", "\u200B=1", "\uFEFF=1",
      "\u202E=1", "\u2060+x", "\u0001=1", "\n=1", " \u200B\u00A0\uFEFF=1",
      "\uFF1D1+1", "\uFF0B1", "\uFF0D1", "\uFF20x",
      "-30% trend", "-7 ", "- 7", "-7-", "--7", "-0x1F", "-Infinity", "-NaN", "+", "-", "-.", "-1e", "-1e+",
      "-1,5", "+1 2"})
  void formulaStartsAreGuarded(String cell) {
    assertThat(CsvSafety.neutralise(cell)).isEqualTo("'" + cell);
  }

  @ParameterizedTest(name = "unchanged: [{0}]")
  @ValueSource(strings = {
      "-7", "+3", "-1.5", "+0.25", "-.5", "-7.", "-2e5", "+1E-3", "-1e+10", "1e5", "0042", "\u00A0-7", " +3",
      "Anna", "plain", "a=b", "x-1", "buys regularly", "", "   ", "\u00A0", "\u200B", "'=already quoted",
      "5 + 5", "ab@example.com", "٣"})
  void harmlessCellsAreLeftAsTheyAre(String cell) {
    assertThat(CsvSafety.neutralise(cell)).isEqualTo(cell);
  }

  @ParameterizedTest(name = "first visible index of [{0}] = {1}")
  @CsvSource(delimiterString = "|", value = {"abc|0", "' \u00A0\u200B\uFEFFx'|4", "' '|1", "'\uD834\uDD73='|2"})
  void skipsWhitespaceAndInvisibleCodePoints(String s, int index) {
    assertThat(CsvSafety.firstVisible(s)).isEqualTo(index);
  }

  @org.junit.jupiter.api.Test
  void nullStaysNull() {
    assertThat(CsvSafety.neutralise(null)).isNull();
  }
}
