package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.ConfigYaml;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `depthlab train` end to end on config/quick.yaml: exit code, and the files it writes. */
class TrainCommandTest {
  @Test
  void trainsQuickStudyAndWritesEveryDiagnostic(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    var r =
        CliTestSupport.run(
            "train",
            "config/quick.yaml",
            "--dataset",
            "nested_rings",
            "--depth",
            "3",
            "--seed",
            "7",
            "--out",
            out.toString(),
            "--quiet",
            "--set",
            "training.epochs=12",
            "--set",
            "diagnostics.steps=true");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("wrote " + out), r.out());

    JsonNode json = new ObjectMapper().readTree(out.resolve("run.json").toFile());
    var cfg =
        ConfigLoader.load(
            Path.of("config/quick.yaml"), List.of("training.epochs=12", "diagnostics.steps=true"));
    assertAll(
        () -> assertEquals("ok", json.get("status").asText()),
        () -> assertEquals("nested_rings", json.get("dataset").asText()),
        () -> assertEquals(3, json.get("depth").asInt()),
        () -> assertEquals(7, json.get("seed").asLong()),
        () -> assertEquals("cpu", json.get("backend").asText()),
        () -> assertEquals(ConfigYaml.hash(cfg), json.get("config_hash").asText()),
        () -> assertEquals("[2,16,16,16,1]", json.get("layer_sizes").toString()),
        () -> assertEquals(3, json.at("/summary/dead_fraction").size()),
        () -> assertTrue(json.at("/summary/test_acc").asDouble() > 0.0));

    List<CSVRecord> rows;
    try (Reader in = Files.newBufferedReader(out.resolve("epochs.csv"))) {
      rows = CSVFormat.DEFAULT.builder().setHeader().build().parse(in).getRecords();
    }
    assertEquals(12, rows.size());
    CSVRecord last = rows.get(11);
    List<String> columns = last.getParser().getHeaderNames();
    for (String c :
        List.of(
            "batch_loss",
            "grad_norm_mean",
            "grad_norm_std",
            "train_acc",
            "test_acc",
            "train_loss",
            "test_loss",
            "grad_norm_l1_mean",
            "grad_norm_l4_std",
            "weight_norm_l4",
            "update_ratio_l2",
            "dead_h1",
            "dead_h3")) {
      assertTrue(columns.contains(c), "epochs.csv lacks " + c);
      double v = Double.parseDouble(last.get(c));
      assertTrue(Double.isFinite(v) && v >= 0, c + " = " + v);
    }
    assertEquals(
        json.at("/summary/test_acc").asDouble(), Double.parseDouble(last.get("test_acc")), 0.0);
    // 500 training points in batches of 32: 16 steps per epoch
    assertEquals(1 + 12 * 16, Files.readAllLines(out.resolve("steps.csv")).size());
    try (var files = Files.list(out)) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }
  }

  @Test
  void scratchProtocolRunsWithItsExplicitLayers(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("scratch");
    var r = CliTestSupport.run("train", "config/scratch.yaml", "--out", out.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    JsonNode json = new ObjectMapper().readTree(out.resolve("run.json").toFile());
    assertEquals("[2,3,2,1]", json.get("layer_sizes").toString());
    assertEquals("leaky_relu", json.get("activation").asText());
    assertTrue(Files.exists(out.resolve("steps.csv")), "scratch logs steps");
  }
}
