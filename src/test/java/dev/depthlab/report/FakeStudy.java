package dev.depthlab.report;

import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.sweep.StudyLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A study folder written by hand, without training: study.yaml from a config, and run folders whose
 * epochs.csv holds known curves, so a figure can be checked against the numbers it was drawn from.
 * Run (depth d, seed s), epoch e: batch loss {@code 0.6 exp(-e / (5 d)) + 0.01 (s + 1)}, gradient
 * norm of weight layer l {@code 2^l}, dead fraction of hidden layer h {@code h / (10 d)}.
 */
final class FakeStudy {
  private FakeStudy() {}

  /** The config of a study of these data sets, depths, seeds and epochs. */
  static StudyConfig config(List<String> sets, List<Integer> depths, int seeds, int epochs) {
    String yaml =
        "name: fake\n"
            + "data: {sets: ["
            + String.join(", ", sets)
            + "], n_train: 100, test: {n: 50, seed_offset: 100}}\n"
            + "model: {depths: "
            + depths
            + ", width: 4}\n"
            + "training: {epochs: "
            + epochs
            + ", batch_size: 10, lr: 0.01}\n"
            + "seeds: "
            + java.util.stream.IntStream.range(0, seeds).boxed().toList()
            + "\n";
    return ConfigLoader.parse(yaml, "fake.yaml", List.of());
  }

  /** Writes study.yaml of {@code cfg} into {@code dir}. */
  static void lock(Path dir, StudyConfig cfg) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StudyLock.acquire(dir, cfg);
  }

  /** Writes the run folder of (set, depth, seed) with {@code status} (ok or diverged). */
  static void run(Path study, String set, int depth, int seed, int epochs, String status) {
    Path dir = study.resolve("runs/" + set + "/depth-" + depth + "/seed-" + seed);
    String hash = StudyLock.storedHash(study).orElseThrow();
    List<String> header = new ArrayList<>(List.of("epoch", "batch_loss", "grad_norm_mean"));
    for (int l = 1; l <= depth + 1; l++) {
      header.add("grad_norm_l" + l + "_mean");
    }
    for (int h = 1; h <= depth; h++) {
      header.add("dead_h" + h);
    }
    StringBuilder csv = new StringBuilder(String.join(",", header)).append('\n');
    for (int e = 1; e <= epochs; e++) {
      List<String> row = new ArrayList<>();
      row.add(String.valueOf(e));
      boolean blown = status.equals("diverged") && e > epochs / 2;
      row.add(blown ? "NaN" : String.valueOf(loss(depth, seed, e)));
      row.add(blown ? "Infinity" : String.valueOf(Math.pow(2, depth + 1)));
      for (int l = 1; l <= depth + 1; l++) {
        row.add(String.valueOf(Math.pow(2, l)));
      }
      for (int h = 1; h <= depth; h++) {
        row.add(String.valueOf(h / (10.0 * depth)));
      }
      csv.append(String.join(",", row)).append('\n');
    }
    String dead =
        java.util.stream.IntStream.rangeClosed(1, depth)
            .mapToObj(h -> String.valueOf(h / (10.0 * depth)))
            .collect(Collectors.joining(", "));
    byte[] bytes = csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve("epochs.csv"), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String json =
        String.format(
            Locale.ROOT,
            "{\"dataset\": \"%s\", \"depth\": %d, \"seed\": %d, \"config_hash\": \"%s\","
                + " \"backend\": \"cpu\", \"precision\": \"fp64\", \"status\": \"%s\", \"epochs\": %d,"
                + " \"timings\": {\"wall_s\": 1.0}, \"summary\": {\"train_acc\": %s, \"test_acc\": %s,"
                + " \"train_loss\": 0.1, \"test_loss\": 0.2, \"grad_norm_mean\": %s,"
                + " \"grad_norm_std\": 1.0, \"grad_norm_cv\": 0.1, \"dead_fraction\": [%s]},"
                + " \"files\": {\"epochs.csv\": {\"bytes\": %d, \"sha256\": \"%s\"}}}",
            set,
            depth,
            seed,
            hash,
            status,
            epochs,
            0.9 - 0.01 * depth,
            0.8 - 0.01 * depth,
            Math.pow(2, depth + 1),
            dead,
            bytes.length,
            sha256(bytes));
    try {
      Files.writeString(dir.resolve("run.json"), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SHA-256 in hex, computed here apart from the code that verifies it (RunCheck). */
  static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static double loss(int depth, int seed, int epoch) {
    return 0.6 * Math.exp(-epoch / (5.0 * depth)) + 0.01 * (seed + 1);
  }
}
