package io.retention.churn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retention.schema.ChurnColumns;
import io.retention.schema.Columns;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The registry: save/load round trip, the newest complete version, refusals with their exact messages. */
class ModelRegistryTest {
  private static final List<String> EXPECTED = ModelRegistry.expectedSchema(ChurnColumns.FEATURES);

  /** 20 customers whose churn follows days since last purchase. */
  private static Dataset<Row> featureRows() {
    List<StructField> fields = new ArrayList<>();
    fields.add(Schemas.field(Columns.CUSTOMER_ID, DataTypes.StringType));
    ChurnColumns.FEATURES.forEach(f -> fields.add(Schemas.field(f, DataTypes.DoubleType)));
    fields.add(Schemas.field(ChurnColumns.LABEL, DataTypes.DoubleType));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Object[] v = new Object[ChurnColumns.FEATURES.size() + 2];
      v[0] = "c" + i;
      for (int k = 1; k <= ChurnColumns.FEATURES.size(); k++) {
        v[k] = (double) ((i * 7 + k * 3) % 11);
      }
      v[1] = i * 10.0; // days since last purchase
      v[v.length - 1] = i >= 10 ? 1.0 : 0.0;
      rows.add(RowFactory.create(v));
    }
    return SharedSpark.get().createDataFrame(rows, new StructType(fields.toArray(new StructField[0])));
  }

  private static Map<String, Object> meta(String version, List<Map<String, Object>> features) {
    return Map.of("version", version, "features", features);
  }

  @Test
  void savesLoadsAndPicksTheNewestCompleteVersion() throws Exception {
    ModelRegistry registry = new ModelRegistry(SharedSpark.tempDir("registry"));
    assertThat(registry.latest()).isEmpty();
    assertThat(registry.retrainReason(30, Instant.EPOCH)).contains("no complete churn model under "
        + registry.root());
    Dataset<Row> rows = featureRows();
    PipelineModel raw = ChurnTrainer.pipeline(new LogisticRegression().setMaxIter(10)).fit(rows);
    ChurnModel model = new ChurnModel(raw, ChurnModel.calibrator(ChurnModel.CALIBRATION_ISOTONIC,
        ChurnModel.rawScores(raw, rows), true));
    ChurnEvaluation.Metrics m = new ChurnEvaluation.Metrics("logistic_regression+isotonic", 1, 1, 2, 0, List.of());
    ChurnTrainer.Result r = new ChurnTrainer.Result(model, "logistic_regression", "isotonic", m, List.of(),
        List.of(m), true, null, 20, 20, List.of());
    String version = ChurnTrainer.version(Instant.parse("2024-01-02T03:04:05Z"));
    assertThat(version).isEqualTo("20240102T030405Z");
    registry.save(version, model, ChurnTrainer.metadata(version, r,
        ChurnTrainer.Options.defaults(LocalDate.parse("2024-06-30"), 90, 365, 42), Instant.EPOCH));
    Files.createDirectories(Path.of(registry.root()).resolve("20990101T000000Z")); // newer but incomplete: ignored
    assertThat(registry.latest()).contains(version);

    assertThat(registry.retrainReason(30, Instant.parse("1970-01-20T00:00:00Z"))).isEmpty();
    assertThat(registry.retrainReason(30, Instant.parse("1970-02-01T00:00:00Z")))
        .contains("model 20240102T030405Z is 31 days old (max 30)");

    ModelRegistry.Loaded loaded = registry.load(version, EXPECTED);
    assertThat(loaded.metadata()).containsEntry("model_type", "logistic_regression").containsKey("training");
    assertThat(loaded.metadata()).containsEntry("calibration", "isotonic");
    SharedSpark.assertSameRows(model.score(rows).select(ChurnModel.RAW_SCORE, ChurnTrainer.SCORE),
        loaded.model().score(rows).select(ChurnModel.RAW_SCORE, ChurnTrainer.SCORE));
    assertThat(Files.isDirectory(Path.of(registry.root()).resolve(version).resolve(ModelRegistry.CALIBRATOR))).isTrue();
  }

  @Test
  void categoricalAttributesAreOneHotWithAnUnknownSlotAndPartOfTheSchema() throws Exception {
    Dataset<Row> rows = featureRows().withColumn("attr_country", org.apache.spark.sql.functions.expr(
        "element_at(array('DE', 'FR', NULL), cast(substr(customer_id, 2) as int) % 3 + 1)"));
    PipelineModel raw = ChurnTrainer.pipeline(new LogisticRegression().setMaxIter(10), List.of("country")).fit(rows);
    ChurnModel model = new ChurnModel(raw, ChurnModel.calibrator(ChurnModel.CALIBRATION_NONE,
        ChurnModel.rawScores(raw, rows), true));
    ChurnTrainer.Options o = new ChurnTrainer.Options(LocalDate.parse("2024-06-30"), 90, 365, 0.0, 42, 10, 0.01, 5,
        3, 3, "test", List.of("country"));
    ChurnEvaluation.Metrics m = new ChurnEvaluation.Metrics("logistic_regression+none", 1, 1, 2, 0, List.of());
    ChurnTrainer.Result r = new ChurnTrainer.Result(model, "logistic_regression", "none", m, List.of(), List.of(m),
        true, null, 20, 20, List.of());
    ModelRegistry registry = new ModelRegistry(SharedSpark.tempDir("registry"));
    registry.save("c1", model, ChurnTrainer.metadata("c1", r, o, Instant.EPOCH));
    List<String> schema = ModelRegistry.expectedSchema(ChurnColumns.FEATURES, List.of("country"));
    assertThat(schema.get(schema.size() - 1)).isEqualTo("attr_country:string");
    ModelRegistry.Loaded loaded = registry.load("c1", schema);
    // a value never seen in training and NULL both score (the "unknown" slot) instead of failing
    Dataset<Row> unseen = rows.withColumn("attr_country", org.apache.spark.sql.functions.expr(
        "CASE WHEN cast(substr(customer_id, 2) as int) % 2 = 0 THEN 'NL' ELSE NULL END"));
    assertThat(loaded.model().score(unseen).where(org.apache.spark.sql.functions.col(ChurnTrainer.SCORE)
        .between(0.0, 1.0)).count()).isEqualTo(20);
    assertThatThrownBy(() -> registry.load("c1", EXPECTED)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("attr_country:string] but this build computes");
  }

  @Test
  void refusesAFolderWithoutTheMarker() throws Exception {
    ModelRegistry registry = new ModelRegistry(SharedSpark.tempDir("registry"));
    Path dir = Files.createDirectories(Path.of(registry.root()).resolve("v1"));
    Files.writeString(dir.resolve(ModelRegistry.METADATA), "{}");
    assertThat(registry.latest()).isEmpty();
    assertThatThrownBy(() -> registry.load("v1", EXPECTED)).isInstanceOf(IllegalStateException.class)
        .hasMessage("churn model " + dir + " has no _COMPLETE marker: it was not completely written; "
            + "retrain with train-churn");
  }

  @Test
  void refusesAModelWithAnotherFeatureSchema() throws Exception {
    ModelRegistry registry = new ModelRegistry(SharedSpark.tempDir("registry"));
    Path dir = Files.createDirectories(Path.of(registry.root()).resolve("v2"));
    new com.fasterxml.jackson.databind.ObjectMapper().writeValue(dir.resolve(ModelRegistry.METADATA).toFile(),
        meta("v2", List.of(Map.of("name", "days_since_last", "type", "double"),
            Map.of("name", "loyalty_tier", "type", "string"))));
    Files.writeString(dir.resolve(ModelRegistry.MARKER), "v2\n");
    assertThatThrownBy(() -> registry.load("v2", List.of("days_since_last:double", "orders:double")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("churn model v2 was trained on features [days_since_last:double, loyalty_tier:string] but "
            + "this build computes [days_since_last:double, orders:double]: retrain with train-churn");
  }
}
