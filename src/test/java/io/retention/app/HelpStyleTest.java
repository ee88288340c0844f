package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Style rules for every command's {@code --help}: dates are spelled {@code YYYY-MM-DD} only; an option that takes
 * a date shows the placeholder {@code DATE}; placeholders are upper-case words (no picocli {@code <field>}
 * default); a {@code Default:} names a value, not a configuration key.
 */
class HelpStyleTest {
  private static final Pattern DATE_SPELLING = Pattern.compile("(?i)y{4}-m{2}-d{2}");
  private static final Pattern PLACEHOLDER = Pattern.compile("[A-Z][A-Z0-9_]*(=[A-Z][A-Z0-9_]*)?");
  private static final Pattern DEFAULT = Pattern.compile("(?i)default: *([^ ,;)]+)");
  private static final Config CONFIG = JobConfig.load(null, Map.of()).raw();

  /** Every violation, as {@code "<command> [<option>]: <rule>"}; options of the common mixin as {@code common}. */
  static List<String> violations() {
    List<String> out = new ArrayList<>();
    CommandLine main = new CommandLine(new Main());
    checkText("retention", String.join(" ", main.getCommandSpec().usageMessage().description()), out);
    Set<String> common = new java.util.TreeSet<>();
    for (CommandLine sub : main.getSubcommands().values()) {
      String name = sub.getCommandName();
      checkText(name, String.join(" ", sub.getCommandSpec().usageMessage().description()), out);
      Set<String> mixed = new java.util.HashSet<>();
      sub.getCommandSpec().mixins().values().forEach(m -> m.options().forEach(o -> mixed.add(o.longestName())));
      for (OptionSpec o : sub.getCommandSpec().options()) {
        if (o.hidden()) {
          continue;
        }
        if (mixed.contains(o.longestName())) {
          List<String> c = new ArrayList<>();
          checkOption("common", o, c);
          common.addAll(c);
        } else {
          checkOption(name, o, out);
        }
      }
    }
    out.addAll(common);
    return out;
  }

  private static void checkText(String where, String text, List<String> out) {
    Matcher d = DATE_SPELLING.matcher(text);
    while (d.find()) {
      if (!d.group().equals("YYYY-MM-DD")) {
        out.add(where + ": date spelled " + d.group() + " (use YYYY-MM-DD)");
      }
    }
  }

  private static void checkOption(String command, OptionSpec o, List<String> out) {
    String where = command + " " + o.longestName();
    String text = String.join(" ", o.description());
    checkText(where, text, out);
    if (o.arity().max() > 0 && !o.usageHelp() && !o.versionHelp()) {
      String label = o.paramLabel();
      if (!PLACEHOLDER.matcher(label).matches()) {
        out.add(where + ": placeholder " + label + " (use an upper-case word such as N, DIR, DATE)");
      }
      if (DATE_SPELLING.matcher(text).find() && !label.equals("DATE")) {
        out.add(where + ": takes a date but shows the placeholder " + label + " (use DATE)");
      }
    }
    Matcher m = DEFAULT.matcher(text);
    while (m.find()) {
      String value = m.group(1).replaceAll("[.]$", "");
      if (isConfigKey(value)) {
        out.add(where + ": Default: names the configuration key " + value + " (show its value)");
      }
    }
  }

  private static boolean isConfigKey(String token) {
    if (!token.matches("[A-Za-z][A-Za-z0-9.]*\\.[A-Za-z][A-Za-z0-9]*")) {
      return false;
    }
    try {
      return CONFIG.hasPath(token) || CONFIG.hasPath(JobConfig.ROOT + "." + token);
    } catch (com.typesafe.config.ConfigException.BadPath e) {
      return false;
    }
  }

  @Test
  void theRulesCatchWhatTheyAreFor() {
    List<String> out = new ArrayList<>();
    CommandLine cl = new CommandLine(new Sample());
    cl.getCommandSpec().options().forEach(o -> checkOption("sample", o, out));
    assertThat(out).containsExactly(
        "sample --day: date spelled yyyy-mm-dd (use YYYY-MM-DD)",
        "sample --day: placeholder <day> (use an upper-case word such as N, DIR, DATE)",
        "sample --day: takes a date but shows the placeholder <day> (use DATE)",
        "sample --profile: Default: names the configuration key retention.profile (show its value)",
        "sample --grain: Default: names the configuration key metrics.grain (show its value)");
  }

  /**
   * Every command's help ends with {@code Example: jobs/retention <command> …}, and the example parses: its
   * options exist and take the values shown (quoted arguments kept whole).
   */
  @Test
  void everyCommandShowsAnExampleThatParses() {
    CommandLine main = new CommandLine(new Main());
    Pattern arg = Pattern.compile("\"([^\"]*)\"|(\\S+)");
    for (CommandLine sub : main.getSubcommands().values()) {
      String name = sub.getCommandName();
      Pattern example = Pattern.compile("Example: jobs/retention (" + Pattern.quote(name) + "( .*)?)");
      List<String> lines = new ArrayList<>(List.of(sub.getCommandSpec().usageMessage().footer()));
      lines.addAll(List.of(sub.getCommandSpec().usageMessage().description()));
      Matcher m = lines.stream().map(example::matcher).filter(Matcher::matches).findFirst().orElse(null);
      assertThat(m).as(name + ": a line 'Example: jobs/retention " + name + " …' in --help").isNotNull();
      List<String> args = new ArrayList<>();
      Matcher a = arg.matcher(m.group(1));
      while (a.find()) {
        args.add(a.group(1) != null ? a.group(1) : a.group(2));
      }
      assertThatCode(() -> new CommandLine(new Main()).parseArgs(args.toArray(String[]::new)))
          .as(name + " example " + args).doesNotThrowAnyException();
    }
  }

  @Test
  void noViolationsAtAll() {
    assertThat(violations()).isEmpty();
  }

  @CommandLine.Command(name = "sample")
  static final class Sample {
    @CommandLine.Option(names = "--day", description = "As-of date (yyyy-mm-dd).")
    String day;

    @CommandLine.Option(names = "--as-of", paramLabel = "DATE", description = "As-of date (YYYY-MM-DD). Default: "
        + "the latest purchase.")
    String asOf;

    @CommandLine.Option(names = "--profile", paramLabel = "NAME", description = "Profile. Default: retention.profile.")
    String profile;

    @CommandLine.Option(names = "--grain", paramLabel = "GRAIN", description = "Grain (default: metrics.grain).")
    String grain;
  }
}
