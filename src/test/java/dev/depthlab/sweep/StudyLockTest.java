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

  /** A body edited under an unchanged hash line is refused, naming the file and that line. */
  @Test
  void anEditedBodyUnderAnUnchangedHashIsRefused() throws Exception {
    StudyLock.acquire(dir, cfg());
    Path file = dir.resolve(StudyLock.FILE);
    String text = java.nio.file.Files.readString(file);
    java.nio.file.Files.writeString(file, text.replace("epochs: 3", "epochs: 4"));
    int line = text.lines().toList().indexOf("# hash: " + ConfigYaml.hash(cfg())) + 1;
    for (Runnable r :
        List.<Runnable>of(
            () -> StudyLock.read(dir),
            () -> StudyLock.storedHash(dir),
            () -> StudyLock.acquire(dir, cfg()))) {
      UserError e = assertThrows(UserError.class, r::run);
      assertTrue(e.getMessage().startsWith(file + ":" + line + ": "), e.getMessage());
      assertTrue(e.getMessage().contains(ConfigYaml.shortHash(cfg())), e.getMessage());
      assertTrue(
          e.getMessage().contains(ConfigYaml.shortHash(cfg("training.epochs=4"))), e.getMessage());
    }
  }
}
