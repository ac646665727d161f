package dev.depthlab.report;

import dev.depthlab.common.Parallel;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DataSet;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.data.Datasets;
import dev.depthlab.plot.Figure;
import dev.depthlab.plot.MapGrid;
import dev.depthlab.plot.PaintedFigure;
import dev.depthlab.plot.ProbabilityMap;
import dev.depthlab.train.RunSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * The study's decision-boundary figures, one per data set: depths (rows) x the first three seeds
 * (columns), each panel the final predicted probability from the run's boundary.csv with the test
 * set (regenerated from the config and the seed, as {@code depthlab data} does) on top. Drawn with
 * Java2D ({@link MapGrid}): XChart's heat map cannot carry points over it.
 */
public final class BoundaryFigures {
  static final int MAX_SEEDS = 3;

  private BoundaryFigures() {}

  /** Draws into {@code studyDir/figures}; one figure per data set of {@code cfg}. */
  public static List<Figure> draw(Path studyDir, StudyConfig cfg, List<RunRecord> runs) {
    return Parallel.map(perSet(studyDir, cfg, runs), Parallel.cores());
  }

  /** The drawing of each data set's figure as a task of its own, in data-set order. */
  static List<Callable<Figure>> perSet(Path studyDir, StudyConfig cfg, List<RunRecord> runs) {
    List<Callable<Figure>> out = new ArrayList<>();
    for (DatasetSpec set : cfg.data().sets()) {
      out.add(() -> drawSet(studyDir, cfg, runs, set));
    }
    return out;
  }

  private static Figure drawSet(
      Path studyDir, StudyConfig cfg, List<RunRecord> runs, DatasetSpec set) {
    Path figures = studyDir.resolve("figures");
    String label = set.label();
    TreeSet<Integer> depths = new TreeSet<>();
    TreeSet<Long> seeds = new TreeSet<>();
    for (RunRecord r : runs) {
      if (r.dataset().equals(label)) {
        depths.add(r.depth());
        seeds.add(r.seed());
      }
    }
    if (depths.isEmpty()) {
      depths.addAll(RunSpec.depthsOf(cfg));
      seeds.addAll(cfg.seeds());
    }
    List<Long> shown = seeds.stream().limit(MAX_SEEDS).toList();
    List<Integer> rows = List.copyOf(depths);
    MapGrid.Panel[][] panels = new MapGrid.Panel[rows.size()][shown.size()];
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      for (int j = 0; j < shown.size(); j++) {
        Path runDir = runDir(studyDir, label, rows.get(i), shown.get(j));
        List<BoundaryCsv.Snapshot> snaps = BoundaryCsv.read(runDir);
        if (snaps.isEmpty()) {
          panels[i][j] = MapGrid.Panel.missing("no boundary.csv");
          missing.add("depth " + rows.get(i) + " seed " + shown.get(j));
          continue;
        }
        panels[i][j] =
            MapGrid.Panel.of(
                snaps.get(snaps.size() - 1).grid(), testPoints(cfg, set, shown.get(j)));
      }
    }
    Figure fig =
        new Figure(
            "boundary-" + Figure.stem(label, "data"),
            "Decision boundaries: " + label,
            "Predicted probability of class 1 after the last epoch (blue 0, white 0.5, red 1; black"
                + " line p = 0.5) over the input square, for each depth (rows) and the first "
                + shown.size()
                + " seeds (columns), with each seed's test set on top coloured by its label."
                + (missing.isEmpty() ? "" : " Missing: " + String.join(", ", missing) + "."));
    List<String> rowLabels = rows.stream().map(d -> "depth " + d).toList();
    List<String> colLabels = shown.stream().map(s -> "seed " + s).toList();
    return PaintedFigure.write(
        MapGrid.painter(fig.title(), rowLabels, colLabels, panels, "x1", "x2"),
        MapGrid.width(shown.size()),
        MapGrid.height(rows.size()),
        figures,
        fig);
  }

  /** runs/<dataset>/depth-<d>/seed-<s>, the study layout. */
  static Path runDir(Path studyDir, String dataset, int depth, long seed) {
    return studyDir
        .resolve("runs")
        .resolve(dataset)
        .resolve("depth-" + depth)
        .resolve("seed-" + seed);
  }

  /** The run's test set, drawn again from the config and the seed (no file holds it). */
  static ProbabilityMap.Points testPoints(StudyConfig cfg, DatasetSpec set, long seed) {
    var d = cfg.data();
    DataSet test = Datasets.forRun(set, d.nTrain(), d.test(), d.noise(), seed).test();
    int n = test.size();
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = test.x()[2 * i];
      y[i] = test.x()[2 * i + 1];
    }
    return new ProbabilityMap.Points(x, y, test.y());
  }
}
