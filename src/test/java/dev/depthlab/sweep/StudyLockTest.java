package dev.depthlab.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.UserError;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.ConfigYaml;
import dev.depthlab.config.StudyConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** study.yaml locks a folder to one protocol and reads back as the same config. */
class StudyLockTest {
  @TempDir Path dir;

  private static StudyConfig cfg(String... overrides) {
    return ConfigLoader.parse(
        "name: lock\ntraining: {epochs: 3}\n", "lock.yaml", List.of(overrides));
  }

  @Test
  void writesALoadableConfigWithItsHash() {
    StudyConfig c = cfg();
    StudyLock.acquire(dir, c);
    assertEquals(c, StudyLock.read(dir));
    assertEquals(ConfigYaml.hash(c), StudyLock.storedHash(dir).orElseThrow());
    assertEquals(c, ConfigLoader.load(dir.resolve(StudyLock.FILE), List.of()));
  }

  @Test
  void sameProtocolOnAnotherBackendIsAccepted() {
    StudyLock.acquire(dir, cfg("backend=cpu"));
    StudyLock.acquire(dir, cfg("backend=auto"));
  }

  @Test
  void anotherProtocolIsRefusedNamingBothHashes() {
    StudyConfig a = cfg();
    StudyConfig b = cfg("training.lr=0.5");
    StudyLock.acquire(dir, a);
    UserError e = assertThrows(UserError.class, () -> StudyLock.acquire(dir, b));
    assertEquals(UserError.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains(ConfigYaml.shortHash(a)), e.getMessage());
    assertTrue(e.getMessage().contains(ConfigYaml.shortHash(b)), e.getMessage());
    assertTrue(e.getMessage().contains("--out"), e.getMessage());
  }
}
