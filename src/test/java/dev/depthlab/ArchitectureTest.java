package dev.depthlab;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The package arrows of docs/architecture.md, checked on the compiled main classes: each package
 * imports only the packages listed for it (so nothing above {@code backend} knows which device
 * runs: only {@code backend.registry} names the implementations, and {@code signal} the reference
 * network whose passes it reads), and no package cycle exists.
 */
class ArchitectureTest {
  /** Package (under dev.depthlab) to the packages it may import; the table of the docs. */
  static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

  static {
    ALLOWED.put("common", Set.of());
    ALLOWED.put("stats", Set.of());
    ALLOWED.put("model", Set.of("common"));
    ALLOWED.put("plot", Set.of("common"));
    ALLOWED.put("data", Set.of("common"));
    ALLOWED.put("config", Set.of("model", "data", "common"));
    ALLOWED.put("backend", Set.of("model", "data", "common"));
    ALLOWED.put("backend.cpu", Set.of("backend", "model", "data", "common"));
    ALLOWED.put("backend.cuda", Set.of("backend", "model", "data", "common"));
    ALLOWED.put("backend.reference", Set.of("backend", "model", "data", "common"));
    ALLOWED.put(
        "backend.registry",
        Set.of("backend", "backend.cpu", "backend.cuda", "backend.reference", "model", "common"));
    ALLOWED.put("train", Set.of("backend", "config", "model", "data", "common"));
    ALLOWED.put("sweep", Set.of("train", "backend", "config", "model", "data", "common"));
    ALLOWED.put(
        "report", Set.of("stats", "plot", "sweep", "train", "config", "model", "data", "common"));
    ALLOWED.put("bench", Set.of("plot", "train", "backend", "model", "data", "common"));
    ALLOWED.put(
        "phase",
        Set.of("signal", "model", "report", "plot", "sweep", "train", "config", "data", "common"));
    ALLOWED.put("cluster", Set.of("signal", "report", "sweep", "train", "config", "common"));
    // signal reads the reference network's own per-layer numbers (ReferenceTrace), by name: it is
    // a host analysis of the reference, not a choice of device
    ALLOWED.put(
        "signal",
        Set.of(
            "report",
            "train",
            "backend",
            "backend.reference",
            "config",
            "model",
            "data",
            "common"));
    ALLOWED.put(
        "runner",
        Set.of(
            "signal",
            "report",
            "sweep",
            "train",
            "backend",
            "backend.registry",
            "config",
            "model",
            "data",
            "common"));
    ALLOWED.put(
        "cli",
        Set.of(
            "runner",
            "report",
            "plot",
            "sweep",
            "cluster",
            "bench",
            "signal",
            "phase",
            "train",
            "backend",
            "backend.registry",
            "config",
            "model",
            "data",
            "common"));
  }

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.depthlab");

  @Test
  void everyPackageImportsOnlyWhatTheArchitectureAllows() {
    List<AssertionError> broken = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : ALLOWED.entrySet()) {
      TreeSet<String> forbidden = new TreeSet<>(ALLOWED.keySet());
      forbidden.remove(e.getKey());
      forbidden.removeAll(e.getValue());
      if (forbidden.isEmpty()) {
        continue;
      }
      String[] patterns = forbidden.stream().map(p -> "dev.depthlab." + p).toArray(String[]::new);
      try {
        noClasses()
            .that()
            .resideInAPackage("dev.depthlab." + e.getKey())
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(patterns)
            .because(e.getKey() + " may import only " + e.getValue())
            .allowEmptyShould(true)
            .check(MAIN);
      } catch (AssertionError err) {
        broken.add(err);
      }
    }
    if (!broken.isEmpty()) {
      AssertionError all = new AssertionError(broken.size() + " packages break their arrows");
      broken.forEach(all::addSuppressed);
      throw all;
    }
  }

  @Test
  void everyMainPackageIsInTheTable() {
    TreeSet<String> unknown = new TreeSet<>();
    MAIN.forEach(
        c -> {
          String p = c.getPackageName().substring("dev.depthlab".length());
          p = p.startsWith(".") ? p.substring(1) : p;
          if (!ALLOWED.containsKey(p)) {
            unknown.add(p);
          }
        });
    if (!unknown.isEmpty()) {
      throw new AssertionError(
          "packages missing from ArchitectureTest.ALLOWED and docs/architecture.md: " + unknown);
    }
  }

  @Test
  void noPackageCycles() {
    slices().matching("dev.depthlab.(**)").should().beFreeOfCycles().check(MAIN);
  }

  /** About 400 lines, formatted: the rooms of backend.cuda stay split by job (issue 25). */
  static final int MAX_CUDA_LINES = 420;

  @Test
  void noCudaClassOutgrowsItsRoom() throws java.io.IOException {
    java.nio.file.Path dir = java.nio.file.Path.of("src/main/java/dev/depthlab/backend/cuda");
    TreeSet<String> over = new TreeSet<>();
    int files = 0;
    try (var paths = java.nio.file.Files.list(dir)) {
      for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) paths::iterator) {
        if (f.toString().endsWith(".java")) {
          files++;
          long lines = java.nio.file.Files.readAllLines(f).size();
          if (lines > MAX_CUDA_LINES) {
            over.add(f.getFileName() + " (" + lines + " lines)");
          }
        }
      }
    }
    if (files < 10) {
      throw new AssertionError("expected the backend.cuda sources in " + dir.toAbsolutePath());
    }
    if (!over.isEmpty()) {
      throw new AssertionError(
          "backend.cuda classes above " + MAX_CUDA_LINES + " lines: split them by job: " + over);
    }
  }

  /** A device holds memory, kernels and properties; a lane its queue's work (issue 25). */
  @Test
  void deviceAndLaneAreSeparate() {
    Set<String> device = new TreeSet<>();
    for (java.lang.reflect.Method m : dev.depthlab.backend.cuda.Device.class.getMethods()) {
      device.add(m.getName());
    }
    for (java.lang.reflect.Method m : dev.depthlab.backend.cuda.Lane.class.getMethods()) {
      if (!m.getName().equals("close") && device.contains(m.getName())) {
        throw new AssertionError("Device and Lane both declare " + m.getName());
      }
    }
  }
}
