package io.retention.churn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.app.ConfigException;
import io.retention.app.ExportCommand;
import io.retention.app.JobConfig;
import io.retention.app.ScoreChurnCommand;
import io.retention.app.TrainChurnCommand;
import io.retention.export.AtRiskExport;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Option handling of train-churn, score-churn and export: config defaults, bad values fail before Spark. */
class ChurnCommandsTest {
  private static final JobConfig CONFIG = JobConfig.load(null, Map.of());
  private static final LocalDate D = LocalDate.parse("2024-06-30");

  private static <T> T parse(T cmd, String... args) {
    new CommandLine(cmd).parseArgs(args);
    return cmd;
  }

  @Test
  void trainDefaultsAndBadValues() {
    ChurnTrainer.Options o = parse(new TrainChurnCommand()).options(CONFIG, D);
    assertThat(o.cutoff()).isEqualTo(D);
    assertThat(o.horizonDays()).isEqualTo(90);
    assertThat(o.lookbackDays()).isEqualTo(365);
    assertThat(o.seed()).isEqualTo(42);
    assertThat(parse(new TrainChurnCommand(), "--cutoff", "1997-09-30", "--horizon-days", "60").options(CONFIG, D))
        .extracting(ChurnTrainer.Options::cutoff, ChurnTrainer.Options::horizonDays)
        .containsExactly(LocalDate.parse("1997-09-30"), 60);
    assertThatThrownBy(() -> parse(new TrainChurnCommand(), "--horizon-days", "0").options(CONFIG, D))
        .isInstanceOf(ConfigException.class).hasMessage("--horizon-days must be between 1 and 3650, cannot be: 0");
    assertThatThrownBy(() -> parse(new TrainChurnCommand(), "--cutoff", "tomorrow").options(CONFIG, D))
        .isInstanceOf(ConfigException.class).hasMessage("--cutoff must be a date YYYY-MM-DD, cannot be: tomorrow");
  }

  @Test
  void scoreUsesTheConfiguredBands() {
    ChurnScorer.Options o = parse(new ScoreChurnCommand(), "--as-of", "2024-06-30").options(CONFIG);
    assertThat(o).isEqualTo(new ChurnScorer.Options(D, 365, 90, 0.0, 0.6, 0.3, null));
  }

  @Test
  void categoricalAttributesAndCalibrationFoldsComeFromTheConfig() {
    assertThat(parse(new TrainChurnCommand()).options(CONFIG, D).categoricals()).isEmpty();
    assertThat(parse(new TrainChurnCommand()).options(CONFIG, D).calibrationFolds()).isEqualTo(3);
    JobConfig set = JobConfig.load(null, Map.of("churn.categoricalAttributes", "[\"Country\"]",
        "churn.calibrationFolds", "5"));
    assertThat(parse(new TrainChurnCommand()).options(set, D).categoricals()).containsExactly("Country");
    assertThat(parse(new TrainChurnCommand()).options(set, D).calibrationFolds()).isEqualTo(5);
    assertThat(parse(new ScoreChurnCommand()).options(set).categoricals()).containsExactly("Country");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("churn.categoricalAttributes", "[\"bad name\"]")))
        .isInstanceOf(ConfigException.class).hasMessage("configuration key retention.churn.categoricalAttributes = "
            + "[bad name]: a name must be letters, digits or _, cannot be: 'bad name'");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("churn.calibrationFolds", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("configuration key retention.churn.calibrationFolds = 1.0: must be a whole number between 2 and 20");
  }

  @Test
  void stackedTrainingCutoffsComeFromTheConfig() {
    ChurnTrainer.Options d = parse(new TrainChurnCommand()).options(CONFIG, D);
    assertThat(List.of(d.trainingCutoffs(), d.trainingCutoffStepDays())).containsExactly(3, 30);
    // c = 2024-06-30, H = 90: c - 90 = 2024-04-01, then 30 and 60 days earlier
    assertThat(d.trainCutoffs()).containsExactly(LocalDate.parse("2024-04-01"), LocalDate.parse("2024-03-02"),
        LocalDate.parse("2024-02-01"));
    JobConfig set = JobConfig.load(null, Map.of("churn.trainingCutoffs", "2", "churn.trainingCutoffStepDays", "7"));
    assertThat(parse(new TrainChurnCommand(), "--horizon-days", "60").options(set, D).trainCutoffs())
        .containsExactly(LocalDate.parse("2024-05-01"), LocalDate.parse("2024-04-24"));
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("churn.trainingCutoffs", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("configuration key retention.churn.trainingCutoffs = 0.0: must be a whole number between 1 and 24");
  }

  @Test
  void classifierHyperParametersComeFromTheConfig() {
    ChurnTrainer.Options d = parse(new TrainChurnCommand()).options(CONFIG, D);
    assertThat(List.of(d.lrMaxIter(), d.lrRegParam(), d.gbtMaxIter(), d.gbtMaxDepth()))
        .containsExactly(50, 0.01, 20, 4); // conf/application.conf
    JobConfig set = JobConfig.load(null, Map.of("churn.logistic.maxIter", "7", "churn.logistic.regParam", "0.5",
        "churn.gbt.maxIter", "3", "churn.gbt.maxDepth", "2"));
    ChurnTrainer.Options o = parse(new TrainChurnCommand()).options(set, D);
    assertThat(List.of(o.lrMaxIter(), o.lrRegParam(), o.gbtMaxIter(), o.gbtMaxDepth()))
        .containsExactly(7, 0.5, 3, 2);
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("churn.gbt.maxDepth", "2.5")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("configuration key retention.churn.gbt.maxDepth = 2.5: must be a whole number between 1 and 30");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("churn.logistic.regParam", "-1")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("configuration key retention.churn.logistic.regParam = -1.0: must be between 0.0 and 1000.0");
    assertThat(d.minimumGain()).isEqualTo(0.01);
    assertThat(parse(new TrainChurnCommand()).options(JobConfig.load(null, Map.of("churn.minimumGain", "0")), D)
        .minimumGain()).isZero();
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("churn.minimumGain", "0.6")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("configuration key retention.churn.minimumGain = 0.6: must be between 0.0 and 0.5");
  }

  @Test
  void exportOptions() {
    AtRiskExport.Options o = parse(new ExportCommand()).options(CONFIG, D, null);
    assertThat(o.top()).isEqualTo(500);
    assertThat(o.minRisk()).isNull();
    assertThat(o.outDir()).isEqualTo("exports");
    assertThat(o.rules()).isEqualTo(new AtRiskExport.Rules(200.0, 0.6));
    JobConfig set = JobConfig.load(null, Map.of("export.actions.vipMinClv", "1000"));
    assertThat(parse(new ExportCommand()).options(set, D, null).rules().vipMinClv()).isEqualTo(1000.0);
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("export.actions.winBackMinRisk", "2")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("configuration key retention.export.actions.winBackMinRisk = 2.0: must be between 0.0 and 1.0");
    AtRiskExport.Options m = parse(new ExportCommand(), "--min-risk", "0.5", "--out", "/tmp/x").options(CONFIG, D,
        null);
    assertThat(m.top()).isNull();
    assertThat(m.minRisk()).isEqualTo(0.5);
    assertThatThrownBy(() -> parse(new ExportCommand(), "--top", "5", "--min-risk", "0.5").options(CONFIG, D, null))
        .isInstanceOf(ConfigException.class).hasMessage("--top and --min-risk exclude each other, cannot be: both");
    assertThatThrownBy(() -> parse(new ExportCommand(), "--pseudonymise").options(CONFIG, D, null))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--pseudonymise needs $RETENTION_EXPORT_HMAC_KEY set to a key of at least 16 bytes");
    assertThat(parse(new ExportCommand(), "--pseudonymise").options(CONFIG, D, "a-long-enough-secret-key")
        .hmacKey()).isNotNull();
  }

  @Test
  void listPolicyAndControlGroupFromConfig() {
    AtRiskExport.Options o = parse(new ExportCommand()).options(CONFIG, D, null);
    assertThat(o.policy()).isEqualTo(new io.retention.export.ListPolicy("medium", 0.0, 1.0));
    assertThat(o.control().share()).isEqualTo(0.10);
    assertThat(o.control().period()).isEqualTo("month");
    JobConfig set = JobConfig.load(null, Map.of("export.minBand", "high", "export.minValueSaved", "25",
        "export.saveRate", "0.3", "export.control.share", "0.2", "export.control.period", "week"));
    AtRiskExport.Options s = parse(new ExportCommand()).options(set, D, null);
    assertThat(s.policy()).isEqualTo(new io.retention.export.ListPolicy("high", 25.0, 0.3));
    assertThat(List.of(s.control().share(), s.control().period())).containsExactly(0.2, "week");
    Map<String, String> bad = Map.of(
        "export.minBand", "configuration key retention.export.minBand = urgent: must be one of low, medium, high",
        "export.saveRate", "configuration key retention.export.saveRate = 0.0: must be above 0",
        "export.minValueSaved", "configuration key retention.export.minValueSaved = -1.0: must be between 0.0 and 1.0E15",
        "export.control.share", "configuration key retention.export.control.share = 1.5: must be between 0.0 and 1.0",
        "export.control.period", "configuration key retention.export.control.period = year: must be one of day, "
            + "week, month, quarter");
    Map<String, String> values = Map.of("export.minBand", "urgent", "export.saveRate", "0",
        "export.minValueSaved", "-1", "export.control.share", "1.5", "export.control.period", "year");
    bad.forEach((key, message) -> assertThatThrownBy(() -> JobConfig.load(null, Map.of(key, values.get(key))))
        .isInstanceOf(ConfigException.class).hasMessage(message));
  }
}
