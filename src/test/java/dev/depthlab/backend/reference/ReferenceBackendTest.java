package dev.depthlab.backend.reference;

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
import dev.depthlab.backend.registry.BackendRegistry;
import dev.depthlab.common.UserError;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.model.Activation;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The reference as a backend: fp64 only (a user error naming the fix otherwise), its traits, its
 * place in the registry (named only, never by auto), the config's {@code backend:} values kept
 * equal to the registry's, and the Group contract's argument checks.
 */
class ReferenceBackendTest {
  @Test
  void fp32IsAUsageErrorNamingTheFix() {
    ParityCase c = ParityCase.make(Activation.RELU, Reduction.SUM, OutputGradient.FUSED, 2, 1);
    UserError e =
        assertThrows(
            UserError.class,
            () -> new ReferenceBackend().createGroup(c.spec(Precision.FP32), c.setups()));
    assertEquals(
        "the reference backend computes in fp64 only; use --precision fp64", e.getMessage());
    assertEquals(UserError.USAGE, e.exitCode());
  }

  @Test
  void traitsSayHostAndFp64Only() {
    Traits t = new ReferenceBackend().traits();
    assertTrue(t.onHost());
    assertFalse(t.seedsTogether());
    assertEquals(Traits.host().maxDefaultJobs(), t.maxDefaultJobs());
    assertTrue(t.supports(Precision.FP64));
    assertFalse(t.supports(Precision.FP32));
    assertTrue(new CpuBackend().traits().supports(Precision.FP32), "cpu keeps both precisions");
    assertThrows(
        IllegalArgumentException.class,
        () -> Traits.host().withPrecisions(Set.of(Precision.FP32)),
        "every backend computes in fp64");
  }

  @Test
  void alwaysUsableAndSaysWhatItIs() {
    Availability av = new ReferenceBackend().availability();
    assertTrue(av.usable());
    assertTrue(
        av.details().get("device").contains("plain fp64 reference"), av.details().toString());
    assertEquals("fp64 only", av.details().get("precision"));
  }

  @Test
  void registryListsItLastAndSelectsItOnlyByName() {
    List<String> names = new ArrayList<>();
    for (Backend b : BackendRegistry.standard().all()) {
      names.add(b.name());
    }
    assertEquals(List.of("cuda", "cpu", "reference"), names);
    Set<String> accepted = new HashSet<>(names);
    accepted.add("auto");
    assertEquals(
        accepted, Set.copyOf(BackendRegistry.names()), "--backend values = auto + the registry");
    assertEquals(accepted.size(), BackendRegistry.names().size(), "no name twice");
    assertTrue(BackendRegistry.standard().select("reference", s -> {}) instanceof ReferenceBackend);

    Backend cpu = new CpuBackend();
    Backend unusable = stub("cuda", Availability.unusable("no GPU here"));
    List<String> notices = new ArrayList<>();
    BackendRegistry reg = new BackendRegistry(List.of(unusable, cpu, new ReferenceBackend()));
    Backend chosen = reg.select("auto", notices::add);
    assertEquals("cpu", chosen.name(), "auto falls back to cpu, not reference");
    assertEquals(cpu.traits(), chosen.traits());
    // the cpu as chosen by auto: its details say what was passed over and why (run.json's record)
    assertEquals(
        "cuda: no GPU here", chosen.availability().details().get(Availability.PASSED_OVER));
    assertEquals(List.of("cuda unavailable (no GPU here); using the next backend"), notices);

    UserError e = assertThrows(UserError.class, () -> reg.select("tpu", s -> {}));
    assertEquals("unknown backend 'tpu' (known: auto, cpu, cuda, reference)", e.getMessage());
  }

  @Test
  void configAcceptsEveryRegistryNameAndListsThemWhenRefusing() {
    for (String name : BackendRegistry.names()) {
      assertEquals(
          name, ConfigLoader.parse("backend: " + name, "x.yaml", List.of()).backend(), name);
    }
    UserError e =
        assertThrows(
            UserError.class, () -> ConfigLoader.parse("backend: tpu", "x.yaml", List.of()));
    assertTrue(
        e.getMessage()
            .endsWith(
                "backend: must be one of "
                    + String.join(", ", BackendRegistry.names())
                    + ", got 'tpu'"),
        e.getMessage());
  }

  @Test
  void groupChecksItsArgumentsAsTheContractSays() {
    ParityCase c = ParityCase.make(Activation.TANH, Reduction.MEAN, OutputGradient.FUSED, 2, 1);
    try (Group g = new ReferenceBackend().createGroup(c.spec(Precision.FP64), c.setups())) {
      assertThrows(
          IllegalArgumentException.class,
          () -> g.gradients(new int[][] {{0, 1}, {0}}),
          "replicas' batches of different sizes");
      assertThrows(
          IllegalArgumentException.class,
          () -> g.gradients(new int[][] {{0}, {ParityCase.N_TRAIN}}),
          "an index past the training set");
      assertThrows(IndexOutOfBoundsException.class, () -> g.predict(2, new double[2]));
      assertThrows(IllegalArgumentException.class, () -> g.predict(0, new double[3]));
      g.beginEpoch(new int[2][ParityCase.N_TRAIN]);
      assertThrows(
          IllegalStateException.class,
          () -> g.step(0, ParityCase.BATCH + 1, 0.1),
          "a step past the group's max batch");
      assertThrows(IllegalArgumentException.class, () -> g.beginEpoch(new int[1][4]));
    }
  }

  private static Backend stub(String name, Availability av) {
    return new Backend() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Availability availability() {
        return av;
      }

      @Override
      public Traits traits() {
        return Traits.host();
      }

      @Override
      public Group createGroup(GroupSpec spec, List<ReplicaSetup> replicas) {
        throw new AssertionError("never created");
      }
    };
  }
}
