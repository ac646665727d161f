package dev.depthlab.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.depthlab.common.UserError;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.sweep.Variant;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep runs on one backend with one setting of each backend option: variants that differ in one
 * are refused before anything is written, the message naming the setting (not a backend's name
 * written into the sweep's code). The command line cannot build such variants (a multirun over a
 * setting alone is one protocol, refused by the grid); the check guards other callers.
 */
class SweepRunnerTest {
  @Test
  void variantsWithDifferentBackendSettingsAreRefusedByName(@TempDir Path tmp) {
    StudyConfig a = ConfigLoader.parse("name: a", "a.yaml", List.of("cuda.kernel=layered"));
    StudyConfig b = ConfigLoader.parse("name: b", "b.yaml", List.of());
    List<Variant> variants =
        List.of(
            new Variant("x=1", a, tmp.resolve("x=1")), new Variant("x=2", b, tmp.resolve("x=2")));
    UserError e =
        assertThrows(
            UserError.class,
            () -> SweepRunner.prepare(variants, tmp, null, new PrintWriter(new StringWriter())));
    assertEquals(
        "cuda.kernel cannot vary within a sweep; run one sweep per setting", e.getMessage());
    assertEquals(UserError.USAGE, e.exitCode());
    assertFalse(Files.exists(tmp.resolve("x=1")));
  }
}
