package dev.depthlab.cli;

import dev.depthlab.common.UserError;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.plot.Figure;
import dev.depthlab.report.InitIsometryFigure;
import dev.depthlab.runner.Studies;
import dev.depthlab.signal.InitIsometry;
import dev.depthlab.signal.JacobianStudy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code depthlab signal --gaussian-vs-orthogonal}: the config loaded twice, with {@code
 * model.init} set to gaussian and to orthogonal after the user's own overrides, and {@link
 * InitIsometry} over both, printed, written and drawn.
 */
final class SignalInitPair {
  private SignalInitPair() {}

  static int run(
      PrintWriter out, Path config, List<String> overrides, int draws, OutOption outDir) {
    StudyConfig gaussian = load(config, overrides, "gaussian");
    StudyConfig orthogonal = load(config, overrides, "orthogonal");
    Path dir = outDir.or(() -> SignalCommand.defaultDir(gaussian));
    List<InitIsometry.Row> rows = InitIsometry.run(gaussian, orthogonal, draws);
    if (rows.isEmpty()) {
      throw new UserError(
          "--gaussian-vs-orthogonal needs a depth of 2 or more in model.depths (the hidden stack's"
              + " Jacobian is d a_L / d a_1)");
    }
    out.printf(
        "%d draws; %s, sigma_w %s, sigma_b %s; hidden-stack Jacobian at init (first point):%n",
        draws,
        gaussian.model().activation().key(),
        gaussian.model().sigmaW(),
        gaussian.model().sigmaB());
    out.printf(
        "%-11s %-14s %-6s %-12s %-12s %-12s%n",
        "init", "dataset", "depth", "sv max", "sv min", "max/min");
    // data set -> init -> rows, in file order
    Map<String, Map<String, List<JacobianStudy.Row>>> bySet = new LinkedHashMap<>();
    for (InitIsometry.Row r : rows) {
      JacobianStudy.Row j = r.spectrum();
      out.printf(
          "%-11s %-14s %-6d %-12.4g %-12.4g %-12.4g%n",
          r.init(),
          j.dataset(),
          j.depth(),
          j.svMax().median(),
          j.svMin().median(),
          j.ratio().median());
      bySet
          .computeIfAbsent(j.dataset(), k -> new LinkedHashMap<>())
          .computeIfAbsent(r.init(), k -> new ArrayList<>())
          .add(j);
    }
    InitIsometry.write(dir, rows);
    out.println("wrote " + dir.resolve(InitIsometry.FILE));
    bySet.forEach(
        (set, byInit) -> {
          List<InitIsometryFigure.Line> lines = new ArrayList<>();
          byInit.forEach((init, js) -> lines.add(line(init, js)));
          Figure f = InitIsometryFigure.draw(dir, set, lines, draws);
          out.println("wrote " + dir.resolve(f.name() + ".png") + " (and .svg)");
        });
    return 0;
  }

  /** The config with the user's overrides and then {@code model.init} set (last: it wins). */
  private static StudyConfig load(Path config, List<String> overrides, String init) {
    List<String> sets = new ArrayList<>(overrides);
    sets.add("model.init=" + init);
    return Studies.load(config, "quick", sets);
  }

  private static InitIsometryFigure.Line line(String init, List<JacobianStudy.Row> js) {
    int n = js.size();
    double[] depth = new double[n];
    double[] max = new double[n];
    double[] min = new double[n];
    double[] ratio = new double[n];
    for (int i = 0; i < n; i++) {
      depth[i] = js.get(i).depth();
      max[i] = js.get(i).svMax().median();
      min[i] = js.get(i).svMin().median();
      ratio[i] = js.get(i).ratio().median();
    }
    return new InitIsometryFigure.Line(init, depth, max, min, ratio);
  }
}
