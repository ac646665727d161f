package dev.depthlab.phase;

import dev.depthlab.common.AtomicFiles;
import dev.depthlab.plot.Figure;
import dev.depthlab.report.StudyIndex;
import dev.depthlab.sweep.Variant;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds a phase grid's outputs from its variants' run folders: phase.csv and its heatmaps, and for
 * a (sigma_w, sigma_b | depth) grid the mean-field theory beside them ({@link PhaseTheory}).
 */
public final class PhaseDiagram {
  /** The folder below the grid's root that holds the heatmaps. */
  public static final String FIGURES = "phase-figures";

  private PhaseDiagram() {}

  /** What was written: phase.csv, its cells and the heatmaps. */
  public record Built(Path csv, List<PhaseTable.Cell> cells, List<Figure> figures) {}

  /** Writes {@code root/phase.csv} and {@code root/phase-figures/phase-*.png|svg}. */
  public static Built write(Path root, PhaseGrid grid, List<Variant> variants) {
    // what a phase killed while writing these left (the variants' folders are cleaned by the sweep)
    AtomicFiles.removeLeftovers(root);
    AtomicFiles.removeLeftovers(root.resolve(FIGURES));
    List<PhaseTable.Cell> cells = PhaseTable.read(grid, variants);
    Path csv = root.resolve(PhaseTable.FILE);
    PhaseTable.write(csv, grid, cells);
    List<Figure> figures =
        new java.util.ArrayList<>(PhaseFigures.write(root.resolve(FIGURES), grid, cells));
    // the mean-field prediction, where the grid is (sigma_w, sigma_b | depth) of a parametrised
    // init
    var theory = PhaseTheory.of(grid, variants.get(0).config());
    if (theory.isPresent()) {
      PhaseTheory.write(root, theory.get());
      java.util.Set<String> sets = new java.util.LinkedHashSet<>();
      for (PhaseTable.Cell c : cells) {
        sets.add(c.dataset());
      }
      for (String set : sets) {
        List<PhaseTable.Cell> mine = new java.util.ArrayList<>();
        for (PhaseTable.Cell c : cells) {
          if (c.dataset().equals(set)) {
            mine.add(c);
          }
        }
        figures.add(TheoryOverlay.write(root.resolve(FIGURES), grid, set, mine, theory.get()));
      }
    }
    // the index (written by the sweep before these files existed) now links them
    StudyIndex.write(root);
    return new Built(csv, cells, figures);
  }
}
