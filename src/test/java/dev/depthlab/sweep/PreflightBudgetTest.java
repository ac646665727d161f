package dev.depthlab.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.Traits;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.ResourceEstimate;
import dev.depthlab.config.StudyConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The automatic preflight is bounded in time: its epochs are lowered (to at least 3) when 5% of a
 * huge study's epochs would take more than {@link Preflight#BUDGET_SECONDS} at the assumed rates; a
 * small study keeps its 5%.
 */
class PreflightBudgetTest {
  @TempDir Path tmp;

  private static final Backend HOST =
      new Backend() {
        @Override
        public String name() {
          return "stub";
        }

        @Override
        public Availability availability() {
          return Availability.usable(Map.of());
        }

        @Override
        public Traits traits() {
          return Traits.host();
        }

        @Override
        public Group createGroup(GroupSpec spec, List<ReplicaSetup> replicas) {
          throw new AssertionError("nothing trains here");
        }
      };

  private Sweep.Plan plan(String... sets) {
    return Sweep.plan(
        Grid.variants(List.of(sets), tmp.resolve("s"), ov -> ConfigLoader.builtIn("quick", ov)));
  }

  @Test
  void aHugeStudysPreflightIsCutToTheBudget() {
    Sweep.Plan plan =
        plan("training.epochs=2000", "data.n_train=2000", "model.width=256", "model.depths=[8]");
    int wanted = Preflight.epochsFor(2000);
    assertEquals(100, wanted);
    int epochs = Preflight.epochsWithin(plan, HOST, 2);
    double full = Preflight.seconds(plan, HOST, 2, wanted);
    assertTrue(full > Preflight.BUDGET_SECONDS, "the case must exceed the budget: " + full);
    assertTrue(epochs >= 3 && epochs < wanted, "epochs " + epochs);
    assertTrue(Preflight.seconds(plan, HOST, 2, epochs) <= Preflight.BUDGET_SECONDS);
    assertTrue(Preflight.seconds(plan, HOST, 2, epochs + 1) > Preflight.BUDGET_SECONDS, "the most");
    // seconds() against the estimate's own count: 2 data sets x one run at depth 8
    StudyConfig cfg = Preflight.shortened(plan.variants().get(0).config(), epochs);
    double flops = 2 * ResourceEstimate.forGroup(cfg, 1, 8).runFlops();
    assertEquals(flops / (2 * ResourceCheck.HOST_FLOPS), Preflight.seconds(plan, HOST, 2, epochs));
  }

  /**
   * A backend that says it runs slower than assumed (the CPU without FMA in hardware) gets the
   * factor in the preflight's estimate, and so fewer preflight epochs.
   */
  @Test
  void aSlowdownScalesTheEstimate() {
    Backend slow =
        new Backend() {
          @Override
          public String name() {
            return "slow";
          }

          @Override
          public Availability availability() {
            return HOST.availability();
          }

          @Override
          public Traits traits() {
            return Traits.host();
          }

          @Override
          public double slowdown() {
            return 2500;
          }

          @Override
          public Group createGroup(GroupSpec spec, List<ReplicaSetup> replicas) {
            throw new AssertionError("nothing trains here");
          }
        };
    Sweep.Plan plan = plan("training.epochs=200", "data.n_train=2000", "model.depths=[4]");
    double at = Preflight.seconds(plan, HOST, 2, 10);
    assertEquals(2500 * at, Preflight.seconds(plan, slow, 2, 10), 1e-9 * 2500 * at);
    assertEquals(Preflight.epochsFor(200), Preflight.epochsWithin(plan, HOST, 2));
    assertTrue(Preflight.epochsWithin(plan, slow, 2) < Preflight.epochsFor(200), "cut to budget");
  }

  /** Where even 3 epochs exceed the budget, 3 it is (fewer give no verdict on a trend). */
  @Test
  void threeEpochsAtLeast() {
    Sweep.Plan plan =
        plan("training.epochs=2000", "data.n_train=200000", "model.width=256", "model.depths=[8]");
    assertTrue(Preflight.seconds(plan, HOST, 2, 3) > Preflight.BUDGET_SECONDS);
    assertEquals(3, Preflight.epochsWithin(plan, HOST, 2));
  }

  @Test
  void aSmallStudyKeepsItsFivePercent() {
    Sweep.Plan plan = plan("training.epochs=200");
    assertEquals(Preflight.epochsFor(200), Preflight.epochsWithin(plan, HOST, 2));
  }
}
