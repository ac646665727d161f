package dev.depthlab.signal;

import dev.depthlab.common.CsvFiles;
import dev.depthlab.config.StudyConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Dynamical isometry under Gaussian against orthogonal init (Pennington et al. 2017): {@link
 * JacobianStudy} run once per init on the same draws (run seeds), data sets and depths, the two
 * results in one file, {@value #FILE}: its columns are {@code init} followed by those of {@value
 * JacobianStudy#FILE}, the Gaussian rows first.
 */
public final class InitIsometry {
  public static final String FILE = "signal_jacobian_inits.csv";

  private InitIsometry() {}

  /** One init's spectrum summary of one data set and depth. */
  public record Row(String init, JacobianStudy.Row spectrum) {}

  /**
   * Both inits' rows: {@code gaussian} and {@code orthogonal} are the study's config with {@code
   * model.init} set to each (the same sigma_w, sigma_b, seeds and everything else).
   */
  public static List<Row> run(StudyConfig gaussian, StudyConfig orthogonal, int draws) {
    List<Row> rows = new ArrayList<>();
    for (JacobianStudy.Row r : JacobianStudy.run(gaussian, draws)) {
      rows.add(new Row(gaussian.model().init().key(), r));
    }
    for (JacobianStudy.Row r : JacobianStudy.run(orthogonal, draws)) {
      rows.add(new Row(orthogonal.model().init().key(), r));
    }
    return rows;
  }

  /** Writes {@value #FILE} into {@code dir}. */
  public static void write(Path dir, List<Row> rows) {
    List<String> header = new ArrayList<>();
    header.add("init");
    header.addAll(JacobianStudy.HEADER);
    CsvFiles.write(
        dir.resolve(FILE),
        header,
        p -> {
          for (Row r : rows) {
            List<Object> cells = new ArrayList<>();
            cells.add(r.init());
            cells.addAll(JacobianStudy.cells(r.spectrum()));
            p.printRecord(cells);
          }
        });
  }
}
