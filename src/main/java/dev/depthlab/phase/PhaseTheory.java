package dev.depthlab.phase;

import dev.depthlab.common.CsvFiles;
import dev.depthlab.config.ModelConfig;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.signal.MeanField;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The mean-field prediction laid over a phase grid whose x axis is {@code model.sigma_w} (init
 * gaussian or orthogonal) and whose y axis is {@code model.sigma_b} or {@code model.depths}: per
 * grid point chi_1 and the correlation depth scale xi_c ({@link MeanField#point}), the critical
 * line chi_1 = 1 (order to chaos) and the predicted trainable depth {@value #XI_C_MULTIPLE} xi_c
 * (Schoenholz et al. 2017, "Deep information propagation", Fig. 5: nets train up to about 6 xi_c).
 */
public final class PhaseTheory {
  /** The file written beside phase.csv. */
  public static final String FILE = "phase_theory.csv";

  /** Trainable up to this many correlation depth scales (Schoenholz et al. 2017). */
  public static final double XI_C_MULTIPLE = 6.0;

  static final String SIGMA_W = "model.sigma_w";
  static final String SIGMA_B = "model.sigma_b";

  private PhaseTheory() {}

  /** One grid point's theory; {@code depth} is 0 where y is not the depth axis. */
  public record Point(
      int xi, int yi, double sigmaW, double sigmaB, int depth, double chi1, double xiC) {
    /** The predicted trainable depth, XI_C_MULTIPLE * xi_c (infinite on the critical line). */
    public double maxDepth() {
      return XI_C_MULTIPLE * xiC;
    }
  }

  /** The theory's points, or empty where the grid is not (sigma_w, sigma_b | depth) as above. */
  public static Optional<List<Point>> of(PhaseGrid grid, StudyConfig cfg) {
    ModelConfig m = cfg.model();
    boolean depthAxis = grid.y().key().equals(PhaseGrid.DEPTHS);
    if (!grid.x().key().equals(SIGMA_W)
        || !(depthAxis || grid.y().key().equals(SIGMA_B))
        || !m.init().parametrised()) {
      return Optional.empty();
    }
    List<Point> out = new ArrayList<>();
    for (int yi = 0; yi < grid.y().values().size(); yi++) {
      String y = grid.y().values().get(yi);
      double sigmaB = depthAxis ? m.sigmaB() : Double.parseDouble(y);
      int depth = depthAxis ? Integer.parseInt(y) : 0;
      MeanField mf = new MeanField(m.activation(), m.leakySlope(), 0.0, sigmaB * sigmaB);
      for (int xi = 0; xi < grid.x().values().size(); xi++) {
        double sigmaW = Double.parseDouble(grid.x().values().get(xi));
        MeanField.Point p = mf.point(sigmaW * sigmaW);
        out.add(new Point(xi, yi, sigmaW, sigmaB, depth, p.chi1(), p.xiC()));
      }
    }
    return Optional.of(out);
  }

  /**
   * The sigma_w where chi_1 crosses 1 between two neighbouring x points of row {@code yi}, by
   * linear interpolation of chi_1; NaN where it does not cross inside the grid.
   */
  public static double criticalSigmaW(List<Point> points, int yi) {
    Point prev = null;
    for (Point p : points) {
      if (p.yi() != yi) {
        continue;
      }
      if (p.chi1() == 1.0) {
        return p.sigmaW();
      }
      if (prev != null && (prev.chi1() - 1) * (p.chi1() - 1) < 0) {
        double t = (1 - prev.chi1()) / (p.chi1() - prev.chi1());
        return prev.sigmaW() + t * (p.sigmaW() - prev.sigmaW());
      }
      prev = p;
    }
    return Double.NaN;
  }

  /** Writes {@code root/phase_theory.csv}. */
  public static void write(Path root, List<Point> points) {
    CsvFiles.write(
        root.resolve(FILE),
        List.of("sigma_w", "sigma_b", "depth", "chi_1", "xi_c", "max_depth", "predicted"),
        p -> {
          for (Point t : points) {
            p.printRecord(
                CsvFiles.num(t.sigmaW()),
                CsvFiles.num(t.sigmaB()),
                t.depth() > 0 ? Integer.toString(t.depth()) : "",
                CsvFiles.num(t.chi1()),
                CsvFiles.num(t.xiC()),
                CsvFiles.num(t.maxDepth()),
                t.depth() > 0 ? (t.depth() <= t.maxDepth() ? "trainable" : "untrainable") : "");
          }
        });
  }
}
