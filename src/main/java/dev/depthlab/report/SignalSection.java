package dev.depthlab.report;

import dev.depthlab.report.SignalCsv.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report.md's "Signal propagation at initialisation" (diagnostics.signal): per data set and depth,
 * the last hidden layer's forward mean square and the first's backward one, measured beside the
 * mean-field prediction; every layer's are in signal.csv and the signal-* figures. Read from the
 * analysis' files ({@link SignalCsv}), which the sweep writes.
 */
final class SignalSection {
  static final String TITLE = "## Signal propagation at initialisation";

  private SignalSection() {}

  /**
   * Said in the section's place when the study turns the analysis on but its folder has no signal
   * files (a folder written before the sweep measured it).
   */
  static final String ABSENT =
      "This study folder has no signal.csv and signal_map.csv: it was written before the sweep"
          + " measured signal propagation. Rerunning `depthlab sweep` with the study's config (its"
          + " finished runs are kept) writes them, and the report then shows them here.\n";

  static String absent() {
    return "\n" + TITLE + "\n\n" + ABSENT;
  }

  static String markdown(SignalCsv.Analysis r) {
    StringBuilder md = new StringBuilder();
    md.append("\n").append(TITLE).append("\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Networks drawn as the runs draw them (%d initialisations per data set and depth, run"
                + " seeds %d..), the first %d training points pushed forward and the loss gradient"
                + " back, before any step. Mean squares over units and points, mean (std) over the"
                + " draws, beside the mean-field length map's prediction (docs/metrics.md); the"
                + " length map's fixed point is q* = %.4g with chi_1 = %.4g there (sigma_w^2 ="
                + " %.4g). Every hidden layer's values are in signal.csv and the figures"
                + " signal-forward-<data set> and signal-backward-<data set>.%n",
            r.draws(),
            r.firstSeed(),
            r.batch(),
            r.fixedPoint(),
            r.chi(),
            r.sigmaW2()));
    Map<String, List<Row>> bySet = new LinkedHashMap<>();
    for (Row row : r.rows()) {
      bySet.computeIfAbsent(row.dataset(), k -> new ArrayList<>()).add(row);
    }
    bySet.forEach(
        (set, rows) -> {
          md.append("\n### ").append(set).append("\n\n");
          md.append(
              "| depth | last hidden layer: pre-activation mean square | theory | first hidden"
                  + " layer: dL/dz mean square | theory |\n"
                  + "| ---: | ---: | ---: | ---: | ---: |\n");
          Row first = null;
          for (Row row : rows) {
            first = row.layer() == 1 ? row : first;
            if (row.layer() == row.depth()) {
              md.append(
                  String.format(
                      Locale.ROOT,
                      "| %d | %.4g (%.2g) | %.4g | %.4g (%.2g) | %.4g |%n",
                      row.depth(),
                      row.forward(),
                      row.forwardStd(),
                      row.forwardTheory(),
                      first.backward(),
                      first.backwardStd(),
                      first.backwardTheory()));
            }
          }
        });
    return md.toString();
  }
}
