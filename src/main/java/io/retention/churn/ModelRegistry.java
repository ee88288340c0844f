package io.retention.churn;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The churn model registry: one folder per version under {@code <warehouse>/models/churn/<version>/} holding
 * {@code model/} (the raw scorer, a Spark ML PipelineModel), {@code calibrator/} (the PipelineModel that turns
 * its raw score into a calibrated probability, see {@link ChurnModel}), {@code metadata.json} (features and their types, training window,
 * metrics, code version) and the {@code _COMPLETE} marker, written last. Readers ignore and refuse folders
 * without the marker, and refuse models whose feature schema differs from the one this build computes.
 * Uses the Hadoop FileSystem API with the session's Hadoop configuration, so the warehouse may be local,
 * hdfs:// or s3a://; the marker, written last, is what makes a version visible (no rename needed), which
 * also holds on object stores.
 */
public final class ModelRegistry {
  public static final String MARKER = "_COMPLETE";
  public static final String METADATA = "metadata.json";
  public static final String MODEL = "model";
  public static final String CALIBRATOR = "calibrator";
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  private final Path root;
  private final Configuration conf;

  /** A registry at {@code root} (any Hadoop file system URI) with {@code conf} (e.g. the session's). */
  public ModelRegistry(Path root, Configuration conf) {
    this.root = root;
    this.conf = conf;
  }

  /** A registry in a local folder. */
  public ModelRegistry(java.nio.file.Path root) {
    this(new Path(root.toAbsolutePath().toUri()), hadoopConf());
  }

  /** {@code <warehouse>/models/churn}; the warehouse may be a local path or an hdfs://, s3a://, ... URI. */
  public static ModelRegistry under(String warehouse) {
    return new ModelRegistry(new Path(new Path(warehouse), "models/churn"), hadoopConf());
  }

  /** The active session's Hadoop configuration (file system settings, credentials providers), else defaults. */
  static Configuration hadoopConf() {
    return SparkSession.getActiveSession().isDefined()
        ? SparkSession.getActiveSession().get().sessionState().newHadoopConf() : new Configuration();
  }

  /** The registry folder as people read it: a local path, or the URI on other file systems. */
  public String root() {
    return display(root);
  }

  static String display(Path p) {
    return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath().replaceAll("/$", "") : p.toString();
  }

  private FileSystem fs() {
    return io.retention.lake.FileSystems.of(root, conf);
  }

  /** A loaded model with its metadata. */
  public record Loaded(String version, ChurnModel model, Map<String, Object> metadata) {}

  /**
   * Writes the raw scorer, its calibrator, then metadata, then the marker (each a complete write before the
   * next starts); returns the version folder.
   */
  public String save(String version, ChurnModel model, Map<String, Object> metadata) {
    Path dir = new Path(root, version);
    FileSystem fs = fs();
    try {
      fs.mkdirs(dir);
      model.raw().write().overwrite().save(new Path(dir, MODEL).toString());
      model.calibrator().write().overwrite().save(new Path(dir, CALIBRATOR).toString());
      try (FSDataOutputStream out = fs.create(new Path(dir, METADATA), true)) {
        JSON.writeValue((java.io.OutputStream) out, metadata);
      }
      try (FSDataOutputStream out = fs.create(new Path(dir, MARKER), true)) {
        out.write((version + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return display(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("churn model registry: cannot write " + display(dir), e);
    }
  }

  /** The newest complete version (versions sort by name), if any; newer incomplete folders are logged. */
  public Optional<String> latest() {
    FileSystem fs = fs();
    try {
      if (!fs.exists(root)) {
        return Optional.empty();
      }
      List<FileStatus> dirs = new ArrayList<>();
      for (FileStatus st : fs.listStatus(root)) {
        if (st.isDirectory()) {
          dirs.add(st);
        }
      }
      dirs.sort(Comparator.comparing((FileStatus st) -> st.getPath().getName()).reversed());
      for (FileStatus d : dirs) {
        if (fs.isFile(new Path(d.getPath(), MARKER))) {
          return Optional.of(d.getPath().getName());
        }
        LOG.warn("churn model registry: ignoring {}: no {} marker (incomplete training)", display(d.getPath()),
            MARKER);
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("churn model registry: cannot list " + root(), e);
    }
  }

  /**
   * Why the nightly run should retrain, or empty when the newest complete model is recent enough: no model
   * yet, or a model older than {@code maxAgeDays} at {@code now} (0 = retrain every night).
   */
  public Optional<String> retrainReason(int maxAgeDays, Instant now) {
    Optional<String> v = latest();
    if (v.isEmpty()) {
      return Optional.of("no complete churn model under " + root());
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
    Path dir = new Path(root, version);
    FileSystem fs = fs();
    try {
      if (!fs.isFile(new Path(dir, MARKER))) {
        throw new IllegalStateException("churn model " + display(dir) + " has no " + MARKER
            + " marker: it was not completely written; retrain with train-churn");
      }
      try (FSDataInputStream in = fs.open(new Path(dir, METADATA))) {
        return JSON.readValue((java.io.InputStream) in, Map.class);
      }
    } catch (IOException e) {
      throw new IllegalStateException("churn model " + display(dir) + ": cannot read " + METADATA + ": "
          + e.getMessage(), e);
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
    Path dir = new Path(root, version);
    return new Loaded(version, new ChurnModel(PipelineModel.load(new Path(dir, MODEL).toString()),
        PipelineModel.load(new Path(dir, CALIBRATOR).toString())), meta);
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
