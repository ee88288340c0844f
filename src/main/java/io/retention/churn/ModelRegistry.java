package io.retention.churn;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The churn model registry: one folder per version under {@code <warehouse>/models/churn/<version>/} holding
 * {@code model/} (the raw scorer, a Spark ML PipelineModel), {@code calibrator/} (the PipelineModel that turns
 * its raw score into a calibrated probability, see {@link ChurnModel}), {@code metadata.json} (features and their types, training window,
 * metrics, code version) and the {@code _COMPLETE} marker, written last. Readers ignore and refuse folders
 * without the marker, and refuse models whose feature schema differs from the one this build computes.
 * Local file system only (the warehouse is a local path here).
 */
public final class ModelRegistry {
  public static final String MARKER = "_COMPLETE";
  public static final String METADATA = "metadata.json";
  public static final String MODEL = "model";
  public static final String CALIBRATOR = "calibrator";
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;

  public ModelRegistry(Path root) {
    this.root = root;
  }

  /** {@code <warehouse>/models/churn}. */
  public static ModelRegistry under(String warehouse) {
    return new ModelRegistry(Path.of(warehouse, "models", "churn"));
  }

  public Path root() {
    return root;
  }

  /** A loaded model with its metadata. */
  public record Loaded(String version, ChurnModel model, Map<String, Object> metadata) {}

  /** Writes the raw scorer, its calibrator, then metadata, then the marker; returns the version folder. */
  public Path save(String version, ChurnModel model, Map<String, Object> metadata) {
    Path dir = root.resolve(version);
    try {
      Files.createDirectories(dir);
      model.raw().write().overwrite().save(dir.resolve(MODEL).toString());
      model.calibrator().write().overwrite().save(dir.resolve(CALIBRATOR).toString());
      JSON.writeValue(dir.resolve(METADATA).toFile(), metadata);
      Files.writeString(dir.resolve(MARKER), version + "\n");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("churn model registry: cannot write " + dir, e);
    }
  }

  /** The newest complete version (versions sort by name), if any; newer incomplete folders are logged. */
  public Optional<String> latest() {
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(root)) {
      List<Path> dirs = s.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
      for (Path d : dirs) {
        if (Files.isRegularFile(d.resolve(MARKER))) {
          return Optional.of(d.getFileName().toString());
        }
        LOG.warn("churn model registry: ignoring {}: no {} marker (incomplete training)", d, MARKER);
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Why the nightly run should retrain, or empty when the newest complete model is recent enough: no model
   * yet, or a model older than {@code maxAgeDays} at {@code now} (0 = retrain every night).
   */
  public Optional<String> retrainReason(int maxAgeDays, Instant now) {
    Optional<String> v = latest();
    if (v.isEmpty()) {
      return Optional.of("no complete churn model under " + root);
    }
    Object created = metadata(v.get()).get("created_at");
    Instant at = created == null ? Instant.EPOCH : Instant.parse(created.toString());
    long age = Duration.between(at, now).toDays();
    return age >= maxAgeDays ? Optional.of("model " + v.get() + " is " + age + " days old (max " + maxAgeDays + ")")
        : Optional.empty();
  }

  /** The version folder's metadata after the marker check (no model load). */
  @SuppressWarnings("unchecked")
  public Map<String, Object> metadata(String version) {
    Path dir = root.resolve(version);
    if (!Files.isRegularFile(dir.resolve(MARKER))) {
      throw new IllegalStateException("churn model " + dir + " has no " + MARKER
          + " marker: it was not completely written; retrain with train-churn");
    }
    try {
      return JSON.readValue(dir.resolve(METADATA).toFile(), Map.class);
    } catch (IOException e) {
      throw new IllegalStateException("churn model " + dir + ": cannot read " + METADATA + ": " + e.getMessage(), e);
    }
  }

  /** Loads {@code version} after checking its marker and that its feature schema equals {@code expected}. */
  public Loaded load(String version, List<String> expected) {
    Map<String, Object> meta = metadata(version);
    List<String> actual = featureSchema(meta);
    if (!actual.equals(expected)) {
      throw new IllegalStateException("churn model " + version + " was trained on features " + actual
          + " but this build computes " + expected + ": retrain with train-churn");
    }
    Path dir = root.resolve(version);
    return new Loaded(version, new ChurnModel(PipelineModel.load(dir.resolve(MODEL).toString()),
        PipelineModel.load(dir.resolve(CALIBRATOR).toString())), meta);
  }

  @SuppressWarnings("unchecked")
  static List<String> featureSchema(Map<String, Object> meta) {
    List<String> out = new ArrayList<>();
    Object f = meta.get("features");
    if (f instanceof List<?> list) {
      for (Object o : list) {
        Map<String, Object> m = (Map<String, Object>) o;
        out.add(m.get("name") + ":" + m.get("type"));
      }
    }
    return out;
  }

  /** The feature schema this build computes: {@code name:double} per feature, in vector order. */
  public static List<String> expectedSchema(List<String> features) {
    return features.stream().map(f -> f + ":double").toList();
  }

  /** As above, followed by {@code attr_<name>:string} per configured categorical attribute. */
  public static List<String> expectedSchema(List<String> features, List<String> categoricals) {
    List<String> out = new ArrayList<>(expectedSchema(features));
    categoricals.forEach(a -> out.add(io.retention.schema.ChurnColumns.attribute(a) + ":string"));
    return out;
  }
}
