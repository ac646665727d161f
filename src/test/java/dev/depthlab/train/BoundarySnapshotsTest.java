package dev.depthlab.train;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.backend.reference.ReferenceBackend;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.model.Parameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * boundary.csv holds what the network predicts: its first and last rows are recomputed from the
 * initial and final parameters on another backend (the plain reference), not by the code that wrote
 * them.
 */
class BoundarySnapshotsTest {
  private static StudyConfig cfg(String snapshots) {
    return ConfigLoader.parse(
        """
        name: t
        data: {sets: [circle], n_train: 40, test: {n: 20, seed_offset: 100}}
        model: {depths: [2], width: 4}
        training: {epochs: 4, batch_size: 16, lr: 0.05}
        seeds: [1, 2]
        diagnostics: {snapshots: %s}
        """
            .formatted(snapshots),
        "t.yaml",
        List.of());
  }

  private static List<RunSpec> runs(StudyConfig c) {
    return c.seeds().stream().map(s -> new RunSpec(c, DatasetSpec.of("circle"), 2, s)).toList();
  }

  /** Rows of boundary.csv without the header, as numbers. */
  private static List<double[]> rows(Path csv) throws IOException {
    List<double[]> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(csv);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      double[] v = new double[f.length];
      for (int k = 0; k < f.length; k++) {
        v[k] = Double.parseDouble(f[k]);
      }
      out.add(v);
    }
    return out;
  }

  /** The reference backend's prediction with {@code params} over the run's grid. */
  private static double[] referencePredict(RunSpec run, Parameters params, BoundaryGrid grid) {
    ReplicaSetup s = Trainer.setupFor(run);
    GroupSpec spec = new GroupSpec(run.net(), run.config().precision(), 16, 3);
    try (Group g =
        new ReferenceBackend()
            .createGroup(spec, List.of(new ReplicaSetup(params, s.train(), s.test())))) {
      return g.predict(0, grid.points());
    }
  }

  @Test
  void snapshotRowsAreThePredictionsOfTheParametersAtThatEpoch(@TempDir Path tmp)
      throws IOException {
    StudyConfig c = cfg("{every: 2, grid: 9}");
    List<Path> dirs = List.of(tmp.resolve("a"), tmp.resolve("b"));
    List<RunResult> results =
        new RunRecorder(new CpuBackend())
            .trainAndRecord(runs(c), dirs, new RunRecorder.Listener() {});
    for (int r = 0; r < 2; r++) {
      RunSpec run = runs(c).get(r);
      List<double[]> rows = rows(dirs.get(r).resolve(RunFolder.BOUNDARY_CSV));
      BoundaryGrid grid = new BoundaryGrid(9, rows.get(0)[1], rows.get(0)[2]);
      double[] first = java.util.Arrays.copyOfRange(rows.get(0), 3, rows.get(0).length);
      double[] last = java.util.Arrays.copyOfRange(rows.get(2), 3, rows.get(2).length);
      double[] init = referencePredict(run, Trainer.setupFor(run).initial(), grid);
      double[] fin = referencePredict(run, results.get(r).finalParameters(), grid);
      int replica = r;
      assertAll(
          () -> assertEquals(3, rows.size(), "epochs 0, 2, 4"),
          () -> assertEquals(0, rows.get(0)[0]),
          () -> assertEquals(2, rows.get(1)[0]),
          () -> assertEquals(4, rows.get(2)[0]),
          () -> assertEquals(-1.0, grid.lo(), "circle lies in [-1,1]^2"),
          () -> assertEquals(1.0, grid.hi()),
          () -> assertEquals(81, first.length),
          () -> assertArrayEquals(init, first, 1e-12, "replica " + replica + " epoch 0"),
          () -> assertArrayEquals(fin, last, 1e-12, "replica " + replica + " final epoch"),
          () -> assertFalse(java.util.Arrays.equals(first, last), "training moved the boundary"));
    }
  }

  @Test
  void byDefaultOnlyTheFinalEpochIsSnapshotOnA41Grid(@TempDir Path tmp) throws IOException {
    StudyConfig c =
        ConfigLoader.parse(
            """
        name: t
        data: {sets: [circle], n_train: 40, test: {n: 20, seed_offset: 100}}
        model: {depths: [1], width: 4}
        training: {epochs: 3, batch_size: 16, lr: 0.05}
        seeds: [1]
        """,
            "t.yaml",
            List.of());
    RunSpec run = new RunSpec(c, DatasetSpec.of("circle"), 1, 1);
    new RunRecorder(new CpuBackend())
        .trainAndRecord(List.of(run), List.of(tmp), new RunRecorder.Listener() {});
    List<double[]> rows = rows(tmp.resolve(RunFolder.BOUNDARY_CSV));
    assertAll(
        () -> assertEquals(1, rows.size()),
        () -> assertEquals(3, rows.get(0)[0]),
        () -> assertEquals(3 + 41 * 41, rows.get(0).length),
        () -> assertTrue(Files.readString(tmp.resolve("run.json")).contains("boundary_s")));
  }
}
