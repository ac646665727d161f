package dev.depthlab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.BackendOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code cuda.graphs}, a setting the CUDA backend declares (config knows it only through the
 * standard {@code BackendCatalog}): auto by default and then not written (earlier study.yaml files
 * stand); set, it is written and read back but never hashed (how the GPU runs, not what it
 * computes); bad values are one-line errors.
 */
class CudaOptionsTest {
  private static StudyConfig seed(String... overrides) {
    return ConfigLoader.parse("", "seed-study.yaml", List.of(overrides));
  }

  @Test
  void autoByDefaultAndNotWritten() {
    assertEquals(BackendOptions.NONE, seed().backendOptions());
    assertEquals(BackendOptions.NONE, seed("cuda.graphs=auto").backendOptions(), "the default");
    assertFalse(ConfigYaml.toYaml(seed()).contains("cuda"));
  }

  @Test
  void setItIsWrittenAndReadBackButNotHashed() {
    for (String v : List.of("on", "off")) {
      StudyConfig c = seed("cuda.graphs=" + v);
      assertEquals(
          Map.of("graphs", v, "kernel", "auto"), c.backendOptions().sections().get("cuda"));
      String yaml = ConfigYaml.toYaml(c);
      assertTrue(yaml.contains("cuda:\n  graphs: " + v + "\n  kernel: auto\n"), yaml);
      assertEquals(c, ConfigLoader.parse(yaml, "study.yaml", List.of()), yaml);
      assertEquals(ConfigYaml.hash(seed()), ConfigYaml.hash(c), "cuda.graphs must not be hashed");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "cuda:|  graphs: yes; 2; cuda.graphs: must be one of auto, on, off, got 'yes'",
        "cuda:|  grafs: on; 2; unknown key 'cuda.grafs' (did you mean 'graphs'?)",
        "cuda: on; 1; cuda: expected a map of keys, got 'on'"
      })
  void badCudaKeysAreOneLineErrors(String yaml, int line, String message) {
    ConfigErrorsTest.assertRefused(yaml, line, message);
  }
}
