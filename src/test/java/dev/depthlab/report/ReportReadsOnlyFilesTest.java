package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code depthlab report} reads files only: {@link StudyReport#write} runs in a class loader that
 * refuses every class of the packages {@code signal} and {@code backend} (and their subpackages),
 * so building a network, running a backend or measuring the signal analysis would fail here; it
 * must still write the whole report, its signal section drawn from the signal files written by hand
 * (numbers no analysis would give), and ask for none of the refused classes.
 */
class ReportReadsOnlyFilesTest {
  @TempDir Path tmp;

  private static final List<String> REFUSED =
      List.of("dev.depthlab.signal.", "dev.depthlab.backend.");

  /** The test's class path, with the refused packages cut off; records what was asked for. */
  private static final class WithoutNetworks extends URLClassLoader {
    final List<String> asked = new CopyOnWriteArrayList<>();

    WithoutNetworks() throws Exception {
      super(classPath(), ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      for (String p : REFUSED) {
        if (name.startsWith(p)) {
          asked.add(name);
          throw new ClassNotFoundException(name + " (refused: the report reads files only)");
        }
      }
      return super.loadClass(name, resolve);
    }

    private static URL[] classPath() throws Exception {
      List<URL> urls = new ArrayList<>();
      for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
        urls.add(Path.of(e).toUri().toURL());
      }
      return urls.toArray(URL[]::new);
    }
  }

  @Test
  void theReportLoadsNoBackendAndNoSignalClass() throws Exception {
    StudyConfig cfg =
        ConfigLoader.parse(
            """
            name: fake
            data: {sets: [circle], n_train: 100, test: {n: 50, seed_offset: 100}}
            model: {depths: [1, 2], width: 4}
            training: {epochs: 6, batch_size: 10, lr: 0.01}
            seeds: [0, 1, 2]
            diagnostics: {signal: {draws: 3, batch: 20}}
            """,
            "fake.yaml",
            List.of());
    FakeStudy.lock(tmp, cfg);
    for (int d : List.of(1, 2)) {
      for (int s = 0; s < 3; s++) {
        FakeStudy.run(tmp, "circle", d, s, 6, "ok");
      }
    }
    // made-up numbers: an analysis that ran would give others
    SignalCsv.write(
        tmp,
        new SignalCsv.Analysis(
            List.of(
                new SignalCsv.Row("circle", 1, 1, 4, 3, 0.75, 0.125, 0.5, 3.0, 0.25, 2.0),
                new SignalCsv.Row("circle", 2, 1, 4, 3, 0.75, 0.125, 0.5, 6.0, 0.5, 4.0),
                new SignalCsv.Row("circle", 2, 2, 4, 3, 1.5, 0.0625, 1.25, 3.0, 0.25, 2.0)),
            3,
            7,
            20,
            2.0,
            1.5,
            0.875));
    WithoutNetworks loader = new WithoutNetworks();
    try (loader) {
      Class<?> report = loader.loadClass(StudyReport.class.getName());
      assertNotSame(StudyReport.class, report, "the report must run in the cut-off loader");
      report.getMethod("write", Path.class).invoke(null, tmp);
    } catch (InvocationTargetException e) {
      throw new AssertionError(
          "the report failed without signal and backend classes (asked for " + loader.asked + ")",
          e.getCause());
    }
    String md = Files.readString(tmp.resolve("report.md"));
    String html = Files.readString(tmp.resolve("report.html"));
    assertAll(
        () ->
            assertEquals(List.of(), loader.asked, "signal or backend classes the report asked for"),
        () -> assertTrue(md.contains("| 1 | 0.7500 (0.13) | 0.5000 | 3.000 (0.25) | 2.000 |"), md),
        () -> assertTrue(md.contains("| 2 | 1.500 (0.063) | 1.250 | 6.000 (0.50) | 4.000 |"), md),
        () -> assertTrue(md.contains("run seeds 7..), the first 20 training points"), md),
        () -> assertTrue(md.contains("q* = 1.500 with chi_1 = 0.8750 there"), md),
        () -> assertTrue(Files.size(tmp.resolve("figures/signal-forward-circle.png")) > 0),
        () -> assertTrue(html.contains("signal-backward-circle"), "report.html lacks the figure"));
  }
}
