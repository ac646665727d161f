package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.Traits;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.backend.reference.ReferenceBackend;
import dev.depthlab.backend.registry.BackendRegistry;
import dev.depthlab.common.BackendCatalog;
import dev.depthlab.common.BackendOption;
import dev.depthlab.common.BackendOptions;
import dev.depthlab.common.UserError;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.ConfigYaml;
import dev.depthlab.config.StudyConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A backend owns its settings: a dummy backend declared here, in test sources, with a setting of
 * its own ({@code dummy.speed}), is parsed, validated, written back, handed to the backend and
 * listed by {@code backends} with no change to config, cli or the registry's code; and a study's
 * protocol hash does not see it.
 */
class DummyBackendTest {
  /** Trains like the CPU backend; its one setting says how fast it would like to be. */
  record DummyBackend(String speed) implements Backend {
    static final BackendOption SPEED =
        new BackendOption("dummy", "speed", "slow", List.of("slow", "fast"), "how hard it tries");

    @Override
    public String name() {
      return "dummy";
    }

    @Override
    public Availability availability() {
      return Availability.usable(Map.of("speed", speed));
    }

    @Override
    public Traits traits() {
      return new CpuBackend().traits();
    }

    @Override
    public Group createGroup(GroupSpec spec, List<ReplicaSetup> replicas) {
      return new CpuBackend().createGroup(spec, replicas);
    }

    @Override
    public List<BackendOption> options() {
      return List.of(SPEED);
    }

    @Override
    public Backend configured(BackendOptions options) {
      return new DummyBackend(options.value(SPEED));
    }
  }

  private static final BackendRegistry REGISTRY =
      new BackendRegistry(
          List.of(new DummyBackend("slow"), new CpuBackend(), new ReferenceBackend()));

  private static StudyConfig parse(String yaml, String... overrides) {
    return ConfigLoader.parse(yaml, "x.yaml", List.of(overrides), REGISTRY.catalog());
  }

  @Test
  void itsSettingParsesWritesBackAndReachesTheBackend() {
    StudyConfig c = parse("backend: dummy\ndummy:\n  speed: fast\n");
    assertEquals("dummy", c.backend());
    assertEquals(Map.of("dummy", Map.of("speed", "fast")), c.backendOptions().sections());
    String yaml = ConfigYaml.toYaml(c);
    assertTrue(yaml.endsWith("dummy:\n  speed: fast\n"), yaml);
    assertEquals(c, parse(yaml), "study.yaml reads back the same config");
    assertEquals(c, parse("backend: dummy", "dummy.speed=fast"), "--set reaches it too");
    assertEquals(BackendOptions.NONE, parse("dummy:\n  speed: slow\n").backendOptions());
    Backend chosen = REGISTRY.configured(c.backendOptions()).select(c.backend(), s -> {});
    assertEquals(new DummyBackend("fast"), chosen);
    assertEquals(
        new DummyBackend("slow"),
        REGISTRY.configured(BackendOptions.NONE).select("dummy", s -> {}));
  }

  @Test
  void theProtocolHashDoesNotSeeIt() {
    StudyConfig standard = ConfigLoader.parse("", "x.yaml", List.of());
    assertAll(
        () -> assertEquals(ConfigYaml.hash(standard), ConfigYaml.hash(parse(""))),
        () ->
            assertEquals(
                ConfigYaml.hash(standard),
                ConfigYaml.hash(parse("backend: dummy\ndummy:\n  speed: fast\n"))));
  }

  @Test
  void aBadValueIsOneLineNamingTheKey() {
    UserError e = assertThrows(UserError.class, () -> parse("dummy:\n  speed: warp\n"));
    assertEquals("x.yaml:2: dummy.speed: must be one of slow, fast, got 'warp'", e.getMessage());
    assertEquals(UserError.USAGE, e.exitCode());
    UserError typo = assertThrows(UserError.class, () -> parse("dummy:\n  sped: fast\n"));
    assertEquals("x.yaml:2: unknown key 'dummy.sped' (did you mean 'speed'?)", typo.getMessage());
    UserError set = assertThrows(UserError.class, () -> parse("", "dummy.speed=warp"));
    assertTrue(
        set.getMessage().contains("dummy.speed: must be one of slow, fast"), set.getMessage());
  }

  @Test
  void onlyItsRegistryKnowsIt() {
    UserError e =
        assertThrows(
            UserError.class,
            () -> ConfigLoader.parse("dummy:\n  speed: fast\n", "x.yaml", List.of()));
    assertTrue(e.getMessage().contains("unknown key 'dummy'"), e.getMessage());
    assertFalse(BackendCatalog.standard().names().contains("dummy"));
    assertEquals(List.of("auto", "cpu", "dummy", "reference"), REGISTRY.catalog().choices());
    assertEquals(
        "x.yaml:1: backend: must be one of auto, cpu, dummy, reference, got 'cuda'",
        assertThrows(UserError.class, () -> parse("backend: cuda")).getMessage());
  }

  @Test
  void aFailedGroupIsRetriedOnTheCpuWhateverTheBackend() {
    assertEquals("cpu", REGISTRY.retryBackend(new DummyBackend("fast")).name());
    assertEquals(null, REGISTRY.retryBackend(new CpuBackend()), "no retry of the cpu on itself");
  }

  @Test
  void backendsListsItWithItsSetting() {
    StringWriter s = new StringWriter();
    BackendsCommand.list(REGISTRY, new PrintWriter(s, true));
    String out = s.toString();
    assertTrue(out.startsWith("dummy     available\n"), out);
    assertTrue(out.contains("settings         dummy.speed slow|fast (default slow)\n"), out);
    assertTrue(out.endsWith("auto  -> dummy\n"), out);
  }
}
