package dev.depthlab.report;

import dev.depthlab.signal.SignalStudy;
import dev.depthlab.signal.SignalStudy.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report.md's "Signal propagation at initialisation" (diagnostics.signal): per data set and depth,
 * the last hidden layer's forward mean square and the first's backward one, measured beside the
 * mean-field prediction; every layer's are in signal.csv and the signal-* figures.
 */
final class SignalSection {
  static final String TITLE = "## Signal propagation at initialisation";

  private SignalSection() {}

  static String markdown(SignalStudy.Result r) {
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
            r.rows().get(0).draws(),
            r.seeds().get(0),
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
