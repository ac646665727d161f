package dev.depthlab.train;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.ConfigYaml;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DataSet;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Reduction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run diagnostic {@code diagnostics.jacobian}: its singular values at a probe point against
 * NumPy's SVD of the dense Jacobian built from the same parameters (tools/jacobian_golden.py,
 * jacobian-golden.json), and jacobian.csv holding, at epoch 0 and the last epoch, the spectra of
 * the initial and the final parameters.
 */
class JacobianSnapshotTest {
  @Test
  void singularValuesAtAProbeMatchNumpysDenseJacobian() throws IOException {
    JsonNode g;
    try (InputStream in = getClass().getResourceAsStream("/jacobian-golden.json")) {
      g = new ObjectMapper().readTree(in);
    }
    List<Executable> checks = new ArrayList<>();
    for (JsonNode c : g.get("cases")) {
      Activation act = Activation.valueOf(c.get("activation").asText().toUpperCase());
      NetworkSpec net =
          NetworkSpec.of(2, 3, 5, act, g.get("leaky_slope").asDouble(), Reduction.SUM, 1e-8);
      Parameters p = Parameters.zeros(net);
      for (int l = 0; l < 3; l++) {
        for (int k = 0; k < p.weights()[l].length; k++) {
          p.weights()[l][k] = c.get("weights").get(l).get(k).asDouble();
        }
        for (int k = 0; k < p.biases()[l].length; k++) {
          p.biases()[l][k] = c.get("biases").get(l).get(k).asDouble();
        }
      }
      double[] x = {c.get("x").get(0).asDouble(), c.get("x").get(1).asDouble()};
      DataSet one = new DataSet("probe", 2, x, new double[] {1});
      JacobianSnapshot s = JacobianSnapshot.of(7, net, p, one, 16);
      JsonNode want = c.get("sv");
      checks.add(() -> assertEquals(7, s.epoch()));
      checks.add(() -> assertEquals(1, s.sv().length, act + ": one probe (the set has one point)"));
      checks.add(() -> assertEquals(want.size(), s.sv()[0].length, act + " count"));
      for (int i = 0; i < want.size(); i++) {
        double w = want.get(i).asDouble();
        double got = s.sv()[0][i];
        String who = act + " sv " + (i + 1);
        // ReLU zeroes whole columns: exact zeros come back as zeros within eps * s_max
        checks.add(() -> assertEquals(w, got, 1e-9 * want.get(0).asDouble() + 1e-9 * w, who));
      }
    }
    assertAll(checks);
  }

  private static StudyConfig cfg(String jacobian) {
    return ConfigLoader.parse(
        """
        name: t
        data: {sets: [circle], n_train: 40, test: {n: 20, seed_offset: 100}}
        model: {depths: [3], width: 4, activation: tanh}
        training: {epochs: 5, batch_size: 16, lr: 0.05}
        seeds: [1, 2]
        diagnostics: {jacobian: %s}
        """
            .formatted(jacobian),
        "t.yaml",
        List.of());
  }

  @Test
  void jacobianCsvHoldsTheSpectraOfTheInitialAndFinalParameters(@TempDir Path tmp) {
    StudyConfig c = cfg("{every: 2, probes: 3}");
    List<RunSpec> runs =
        c.seeds().stream().map(s -> new RunSpec(c, DatasetSpec.of("circle"), 3, s)).toList();
    List<Path> dirs = List.of(tmp.resolve("a"), tmp.resolve("b"));
    List<RunResult> results =
        new RunRecorder(new CpuBackend()).trainAndRecord(runs, dirs, new RunRecorder.Listener() {});
    List<Executable> checks = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      RunSpec run = runs.get(r);
      DataSet train = Trainer.setupFor(run).train();
      List<JacobianSnapshot> snaps = JacobianCsv.read(dirs.get(r));
      JacobianSnapshot init =
          JacobianSnapshot.of(0, run.net(), Trainer.setupFor(run).initial(), train, 3);
      JacobianSnapshot fin =
          JacobianSnapshot.of(5, run.net(), results.get(r).finalParameters(), train, 3);
      String who = "replica " + r;
      checks.add(() -> assertEquals(List.of(0, 2, 4, 5), epochs(snaps), who + ": epochs"));
      for (int k = 0; k < 3; k++) {
        int probe = k;
        checks.add(
            () -> assertArrayEquals(init.sv()[probe], snaps.get(0).sv()[probe], who + " init"));
        checks.add(
            () -> assertArrayEquals(fin.sv()[probe], snaps.get(3).sv()[probe], who + " final"));
        checks.add(
            () ->
                assertFalse(
                    java.util.Arrays.equals(init.sv()[probe], fin.sv()[probe]),
                    who + ": training moved the spectrum"));
      }
      Path json = dirs.get(r).resolve(RunFolder.RUN_JSON);
      checks.add(
          () -> assertTrue(Files.readString(json).contains(RunFolder.JACOBIAN_CSV), "checksummed"));
      Path dir = dirs.get(r);
      checks.add(() -> assertTrue(RunCheck.problem(dir, run).isEmpty(), who + " verifies"));
    }
    assertAll(checks);
  }

  @Test
  void offByDefaultAndHashNeutral(@TempDir Path tmp) {
    StudyConfig off = cfg("{}");
    StudyConfig on = cfg("{every: 2}");
    RunSpec run = new RunSpec(off, DatasetSpec.of("circle"), 3, 1);
    new RunRecorder(new CpuBackend())
        .trainAndRecord(List.of(run), List.of(tmp), new RunRecorder.Listener() {});
    StudyConfig plain = // the same study written before the key existed
        ConfigLoader.parse(
            """
            name: t
            data: {sets: [circle], n_train: 40, test: {n: 20, seed_offset: 100}}
            model: {depths: [3], width: 4, activation: tanh}
            training: {epochs: 5, batch_size: 16, lr: 0.05}
            seeds: [1, 2]
            """,
            "p.yaml",
            List.of());
    assertAll(
        () -> assertFalse(Files.exists(tmp.resolve(RunFolder.JACOBIAN_CSV)), "no file when off"),
        () -> assertFalse(off.diagnostics().jacobian().on()),
        () -> assertEquals(16, on.diagnostics().jacobian().probes(), "default probes"),
        () -> assertEquals(ConfigYaml.hash(plain), ConfigYaml.hash(off), "off: the old hash"),
        () -> assertFalse(ConfigYaml.hash(on).equals(ConfigYaml.hash(off)), "on: a new hash"));
  }

  private static List<Integer> epochs(List<JacobianSnapshot> snaps) {
    return snaps.stream().map(JacobianSnapshot::epoch).toList();
  }
}
