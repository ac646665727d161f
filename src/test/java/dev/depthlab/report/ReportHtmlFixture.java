package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthlab.cli.Main;
import dev.depthlab.plot.Figure;
import dev.depthlab.plot.FigureFiles;
import dev.depthlab.sweep.StudyLock;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** A real study folder for the report.html tests: a tiny sweep, and two tiny XChart figures. */
final class ReportHtmlFixture {
  /** 2 data sets x 2 depths x 2 seeds of 4 epochs on 64 points: well under a second. */
  static final String TINY =
      """
      name: tiny-html
      data:
        sets: [circle, nested_rings]
        n_train: 64
        test: {n: 32, seed_offset: 100}
      model: {depths: [1, 3], width: 8}
      training: {epochs: 4, batch_size: 16, lr: 0.01}
      seeds: [0, 1]
      backend: cpu
      """;

  /** A study folder, what the sweep printed, its hash, its run folders and its figures. */
  record Study(Path dir, String sweepOut, String hash, List<Path> runDirs, List<Figure> figures) {
    Path html() {
      return dir.resolve(ReportHtml.FILE);
    }

    /** Writes report.html again with the figures (the sweep wrote it with none). */
    Path writeHtml() {
      return ReportHtml.write(dir, hash, runDirs, figures);
    }
  }

  private ReportHtmlFixture() {}

  static Study make(Path tmp) throws IOException {
    Path config = tmp.resolve("tiny.yaml");
    Files.writeString(config, TINY);
    Path dir = tmp.resolve("study");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new String[] {"sweep", config.toString(), "--out", dir.toString(), "--quiet"},
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertEquals(0, code, "sweep failed: " + err);
    List<Path> runDirs;
    try (Stream<Path> s = Files.walk(dir.resolve("runs"))) {
      runDirs = s.filter(p -> p.endsWith("run.json")).map(Path::getParent).sorted().toList();
    }
    Path figs = dir.resolve(ReportHtml.FIGURES_DIR);
    List<Figure> figures =
        List.of(
            FigureFiles.write(
                chart("loss", new double[] {0.7, 0.4, 0.3, 0.25}),
                figs,
                new Figure("loss-tiny", "Loss <per> epoch", "Mean batch loss & its fall.")),
            FigureFiles.write(
                chart("grad norm", new double[] {3, 2.5, 2.2, 2.1}),
                figs,
                new Figure(
                    "grad-tiny", "Gradient norm per epoch", "Global weight-gradient norm.")));
    String hash = StudyLock.storedHash(dir).orElseThrow();
    return new Study(dir, out.toString(), hash, runDirs, figures);
  }

  private static XYChart chart(String series, double[] y) {
    XYChart c = new XYChartBuilder().width(320).height(200).title(series).build();
    c.addSeries(series, new double[] {1, 2, 3, 4}, y);
    return c;
  }
}
