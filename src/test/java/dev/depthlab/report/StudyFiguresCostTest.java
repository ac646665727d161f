package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthlab.config.StudyConfig;
import dev.depthlab.plot.Figure;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What drawing costs for the seed study's shape (2 sets x 5 depths x 10 seeds x 1000 epochs). */
class StudyFiguresCostTest {
  @TempDir Path tmp;

  @Test
  void seedStudyShape() {
    int epochs = Integer.getInteger("figs.epochs", 1000);
    List<Integer> depths = List.of(1, 2, 4, 6, 8);
    List<String> sets = List.of("circle", "nested_rings");
    StudyConfig cfg = FakeStudy.config(sets, depths, 10, epochs);
    FakeStudy.lock(tmp, cfg);
    for (String set : sets) {
      for (int d : depths) {
        for (int s = 0; s < 10; s++) {
          FakeStudy.run(tmp, set, d, s, epochs, "ok");
        }
      }
    }
    long t0 = System.nanoTime();
    StudyReport.Built b = StudyReport.write(tmp);
    long t1 = System.nanoTime();
    List<Figure> f = StudyFigures.draw(tmp, cfg, readAll(tmp, cfg));
    long t2 = System.nanoTime();
    System.out.printf(
        "report with figures %.2f s; figures alone (second time, warm) %.2f s; %d runs, %d figures%n",
        (t1 - t0) / 1e9, (t2 - t1) / 1e9, b.runs(), f.size());
    assertEquals(100, b.runs());
    assertEquals(16, f.size());
  }

  private static List<RunRecord> readAll(Path dir, StudyConfig cfg) {
    return dev.depthlab.sweep.Grid.runs(cfg).stream()
        .map(s -> RunReader.read(dir.resolve(s.relativeDir())))
        .toList();
  }
}
