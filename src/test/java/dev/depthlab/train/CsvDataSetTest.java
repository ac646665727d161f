package dev.depthlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.ConfigYaml;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DataExport;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.data.Datasets;
import dev.depthlab.data.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data set read from CSV files (kind {@code csv}): it trains exactly like the built-in set whose
 * points it holds, its hash follows the files' bytes (not their paths), relative paths resolve
 * against the config's folder, and n-D features set the network's input width.
 */
class CsvDataSetTest {
  @TempDir Path dir;

  private static final String PROTOCOL =
      "model: {depths: [2], width: 8}\ntraining: {epochs: 4, batch_size: 16, lr: 0.01}\n"
          + "seeds: [0, 1]\n";

  private static List<RunResult> train(StudyConfig cfg) {
    DatasetSpec set = cfg.data().sets().get(0);
    List<RunResult> out = new java.util.ArrayList<>();
    for (long seed : cfg.seeds()) {
      out.addAll(
          Trainer.train(
              new CpuBackend(), List.of(new RunSpec(cfg, set, 2, seed)), TrainListener.NONE));
    }
    return out;
  }

  /** The built-in circle set's points, exported and read back, give the same runs bit for bit. */
  @Test
  void aCsvOfABuiltInSetTrainsExactlyLikeIt() throws Exception {
    String data = "data: {sets: [circle], n_train: 200, test: {n: 60}}\n";
    StudyConfig builtIn = ConfigLoader.parse(data + PROTOCOL, "circle.yaml", List.of());
    Split split = Datasets.forRun(DatasetSpec.of("circle"), 200, builtIn.data().test(), 0.0, 0);
    DataExport.write(split.train(), dir.resolve("train.csv"));
    DataExport.write(split.test(), dir.resolve("test.csv"));
    Path config = dir.resolve("csv.yaml");
    Files.writeString(
        config,
        "data: {sets: [{kind: csv, path: train.csv, label: label, test_path: test.csv}]}\n"
            + PROTOCOL.replace("seeds: [0, 1]", "seeds: [0]"));
    StudyConfig fromCsv = ConfigLoader.load(config, List.of());
    StudyConfig circle0 =
        ConfigLoader.parse(data + PROTOCOL.replace("seeds: [0, 1]", "seeds: [0]"), "c", List.of());
    RunResult a = train(circle0).get(0);
    RunResult b = train(fromCsv).get(0);
    assertEquals(a.epochs().size(), b.epochs().size());
    for (int e = 0; e < a.epochs().size(); e++) {
      EpochRecord x = a.epochs().get(e);
      EpochRecord y = b.epochs().get(e);
      assertEquals(x.batchLoss(), y.batchLoss(), 0.0, "epoch " + e);
      assertEquals(x.testAccuracy(), y.testAccuracy(), 0.0, "epoch " + e);
      assertArrayEquals(x.layerGradMean(), y.layerGradMean(), 0.0, "epoch " + e);
    }
    for (int l = 0; l < a.finalParameters().layers(); l++) {
      assertArrayEquals(a.finalParameters().weights()[l], b.finalParameters().weights()[l], 0.0);
      assertArrayEquals(a.finalParameters().biases()[l], b.finalParameters().biases()[l], 0.0);
    }
  }

  @Test
  void theHashFollowsTheBytesNotThePath() throws Exception {
    String rows = "a,b,y\n0.1,0.2,0\n0.3,-0.4,1\n0.5,0.6,0\n-0.7,0.8,1\n0.9,1.0,0\n";
    Files.createDirectories(dir.resolve("one"));
    Files.createDirectories(dir.resolve("two"));
    Files.writeString(dir.resolve("one/d.csv"), rows);
    Files.writeString(dir.resolve("two/d.csv"), rows);
    String cfg = "data: {sets: [{kind: csv, path: d.csv, label: y}], test: {n: 1}}\n" + PROTOCOL;
    Files.writeString(dir.resolve("one/s.yaml"), cfg);
    Files.writeString(dir.resolve("two/s.yaml"), cfg);
    StudyConfig one = ConfigLoader.load(dir.resolve("one/s.yaml"), List.of());
    StudyConfig two = ConfigLoader.load(dir.resolve("two/s.yaml"), List.of());
    // relative paths resolve against each config's own folder
    assertEquals(dir.resolve("one/d.csv").toString(), one.data().sets().get(0).csv().path());
    assertEquals(dir.resolve("two/d.csv").toString(), two.data().sets().get(0).csv().path());
    assertEquals(ConfigYaml.hash(one), ConfigYaml.hash(two), "same bytes elsewhere: same hash");
    Files.writeString(dir.resolve("two/d.csv"), rows.replace("0.9,", "0.91,"));
    StudyConfig changed = ConfigLoader.load(dir.resolve("two/s.yaml"), List.of());
    assertNotEquals(ConfigYaml.hash(one), ConfigYaml.hash(changed), "one byte changed");
    // the sha256 is that of the file's bytes
    String sha =
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(dir.resolve("one/d.csv"))));
    assertEquals(sha, one.data().sets().get(0).csv().sha256());
    // study.yaml's text reads back to the same config and hash
    StudyConfig back = ConfigLoader.parseRecorded(ConfigYaml.toYaml(one), "study.yaml");
    assertEquals(one, back);
    assertEquals(ConfigYaml.hash(one), ConfigYaml.hash(back));
    // features default to every column but the label
    assertEquals(List.of("a", "b"), one.data().sets().get(0).csv().features());
    assertNull(one.data().sets().get(0).csv().testPath());
  }

  @Test
  void nDimensionalFeaturesSetTheInputWidthAndTrain() throws Exception {
    StringBuilder rows = new StringBuilder("x1,x2,x3,x4,label\n");
    dev.depthlab.common.Rng rng = new dev.depthlab.common.Rng(7);
    for (int i = 0; i < 120; i++) {
      double[] v = {rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)};
      double r = v[0] * v[0] + v[1] * v[1] + v[2] * v[2] + v[3] * v[3];
      rows.append(v[0]).append(',').append(v[1]).append(',').append(v[2]).append(',');
      rows.append(v[3]).append(',').append(r < 1.0 ? 1 : 0).append('\n');
    }
    Files.writeString(dir.resolve("four.csv"), rows);
    Files.writeString(
        dir.resolve("s.yaml"),
        "data: {sets: [{kind: csv, path: four.csv, label: label, features: [x1, x3, x4]}],"
            + " test: {fraction: 0.25}}\n"
            + PROTOCOL);
    StudyConfig cfg = ConfigLoader.load(dir.resolve("s.yaml"), List.of());
    DatasetSpec set = cfg.data().sets().get(0);
    assertEquals(3, set.inputs());
    RunSpec run = new RunSpec(cfg, set, 2, 0);
    assertEquals(3, run.net().inputs());
    Split split = Datasets.forRun(set, cfg.data().nTrain(), cfg.data().test(), 0.0, 0);
    assertEquals(90, split.train().size()); // the first 75% of the rows
    assertEquals(30, split.test().size());
    // row 0's features are columns x1, x3, x4 of the file's first data line, in that order
    String[] first = rows.toString().split("\n")[1].split(",");
    assertEquals(Double.parseDouble(first[0]), split.train().x()[0], 0.0);
    assertEquals(Double.parseDouble(first[2]), split.train().x()[1], 0.0);
    assertEquals(Double.parseDouble(first[3]), split.train().x()[2], 0.0);
    List<RunResult> runs = train(cfg);
    for (RunResult r : runs) {
      double firstLoss = r.epochs().get(0).batchLoss();
      double lastLoss = r.epochs().get(r.epochs().size() - 1).batchLoss();
      assertTrue(Double.isFinite(lastLoss) && lastLoss < firstLoss, firstLoss + " -> " + lastLoss);
    }
  }
}
