package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.cuda.CudaBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input through the real command line: exit code 2 (1 for an unusable backend), one line on
 * stderr naming the problem, nothing written.
 */
class CliErrorsTest {
  @TempDir Path tmp;

  private void assertRefused(int code, String expected, String... args) {
    Path out = tmp.resolve("out");
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--out";
    all[args.length + 1] = out.toString();
    var r = CliTestSupport.run(all);
    assertAll(
        () -> assertEquals(code, r.code(), r.err()),
        () -> assertTrue(r.err().contains(expected), "stderr: " + r.err()),
        () -> assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err()),
        () -> assertFalse(r.err().contains("\tat "), "no stack trace"),
        () -> assertFalse(Files.exists(out), "nothing written"));
  }

  private Path config(String yaml) throws Exception {
    Path p = tmp.resolve("c.yaml");
    Files.writeString(p, yaml);
    return p;
  }

  @Test
  void unknownKeyNamesFileLineAndPath() throws Exception {
    Path c = config("name: x\nmodel:\n  widht: 3\n");
    assertRefused(2, c + ":3: unknown key 'model.widht'", "train", c.toString());
  }

  @Test
  void yamlSyntaxErrorNamesLine() throws Exception {
    Path c = config("name: x\nmodel: [1, 2\n");
    assertRefused(2, c + ":", "train", c.toString());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "training.lr=0|training.lr: must be > 0",
        "training.batch_size=0|training.batch_size: must be >= 1",
        "model.depths=[2,-1]|model.depths: must be >= 0",
        "seeds=[]|seeds",
        "precision=fp16|precision",
        "model.activation=gelu|model.activation",
        "data.sets=[squares]|squares",
        "data.noise=0.7|noise",
        "training.lr=0.1,0.2|only allowed with 'sweep'"
      })
  void outOfRangeValuesAreRefusedBeforeAnythingRuns(String set, String expected) {
    assertRefused(2, expected, "train", "config/quick.yaml", "--set", set);
  }

  @Test
  void missingConfigFile() {
    assertRefused(2, "config file not found", "train", "config/none.yaml");
  }

  @Test
  void unknownOptionAndCommand() {
    assertRefused(2, "Unknown option", "train", "config/quick.yaml", "--frobnicate");
    assertRefused(2, "unknown command 'frobnicate'; commands: train, sweep,", "frobnicate");
  }

  @Test
  void optionsOfTrainAreChecked() {
    assertRefused(2, "--depth must be >= 0", "train", "config/quick.yaml", "--depth", "-2");
    assertRefused(
        2,
        "--dataset spiral: not in the study",
        "train",
        "config/quick.yaml",
        "--dataset",
        "spiral");
  }

  /**
   * {@code --backend cuda} on this machine: a run on the GPU where the probe says usable, else a
   * failure (exit 1) carrying the probe's reason.
   */
  @Test
  void cudaBackendRunsOrFailsWithTheProbesReason() throws Exception {
    Availability cuda = new CudaBackend().availability();
    if (cuda.usable()) {
      Path out = tmp.resolve("gpu-run");
      var r =
          CliTestSupport.run(
              "train",
              "config/quick.yaml",
              "--backend",
              "cuda",
              "--set",
              "training.epochs=2",
              "--quiet",
              "--out",
              out.toString());
      assertEquals(0, r.code(), r.err());
      assertTrue(
          Files.readString(out.resolve("run.json")).contains("\"backend\" : \"cuda\""),
          "run.json names the cuda backend");
      return;
    }
    assertRefused(
        1,
        "cuda backend unavailable: " + cuda.reason(),
        "train",
        "config/quick.yaml",
        "--backend",
        "cuda");
    var gradcheck = CliTestSupport.run("gradcheck", "--backend", "cuda");
    assertEquals(1, gradcheck.code(), gradcheck.err());
    assertEquals("depthlab: cuda backend unavailable: " + cuda.reason(), gradcheck.err().strip());
  }

  @Test
  void unknownBackendIsBadUsage() {
    assertRefused(2, "backend", "train", "config/quick.yaml", "--backend", "tpu");
  }
}
