package dev.depthlab.sweep;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.Traits;
import dev.depthlab.common.UserError;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.ResourceEstimate;
import dev.depthlab.config.StudyConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The memory preflight counts the groups a sweep runs at once ({@code --jobs}): the {@code jobs}
 * largest groups of the study together, each counted by {@link ResourceEstimate#forGroup} at its
 * own depth, against a heap (and device) figure given here, so the bound is tested exactly.
 */
class ConcurrentMemoryTest {
  private static Backend stub(Traits traits) {
    return new Backend() {
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
        return traits;
      }

      @Override
      public Group createGroup(GroupSpec spec, List<ReplicaSetup> replicas) {
        throw new AssertionError("the check creates no group");
      }
    };
  }

  private static final Backend HOST = stub(Traits.host());
  private static final Backend DEVICE = stub(new Traits(true, 16, false));

  /** The case: two runs of width 3400, depth 8, with --jobs 2. */
  @Test
  void twoRunsAtOnceNeedTwiceTheHeapOfOne() {
    StudyConfig c =
        ConfigLoader.builtIn(
            "quick",
            List.of("model.width=3400", "model.depths=[8]", "seeds=[0,1]", "data.sets=[circle]"));
    double one = ResourceEstimate.forRun(c).hostBytes();
    long heap = (long) (1.5 * one);
    // one run at a time fits; two do not, and the refusal says so in one line
    assertDoesNotThrow(() -> ResourceCheck.requireConcurrent(HOST, List.of(c), 1, heap, 0));
    UserError u =
        assertThrows(
            UserError.class, () -> ResourceCheck.requireConcurrent(HOST, List.of(c), 2, heap, 0));
    assertEquals(2, u.exitCode());
    assertTrue(
        u.getMessage()
            .startsWith(
                "model.width 3400 needs "
                    + ResourceEstimate.bytes(2 * one)
                    + " for 2 runs at once (--jobs 2; mostly parameters); this JVM has "),
        u.getMessage());
    assertTrue(u.getMessage().endsWith("lower --jobs or model.width"), u.getMessage());
    // --jobs beyond the study's two runs holds no more than two
    assertDoesNotThrow(
        () -> ResourceCheck.requireConcurrent(HOST, List.of(c), 64, (long) (2.01 * one), 0));
  }

  /** Depths 1 and 8 with --jobs 2: the two largest groups are the two depth-8 runs (two seeds). */
  @Test
  void theLargestGroupsAreSummedByTheirOwnDepth() {
    StudyConfig c =
        ConfigLoader.builtIn(
            "quick",
            List.of("model.width=2000", "model.depths=[1,8]", "seeds=[0]", "data.sets=[circle]"));
    double deep = ResourceEstimate.forGroup(c, 1, 8).hostBytes();
    double shallow = ResourceEstimate.forGroup(c, 1, 1).hostBytes();
    assertTrue(deep > 10 * shallow, deep + " vs " + shallow);
    long need = (long) Math.ceil(deep + shallow);
    // one depth-8 run and one depth-1 run at once: exactly their sum is needed
    assertDoesNotThrow(() -> ResourceCheck.requireConcurrent(HOST, List.of(c), 2, need, 0));
    assertThrows(
        UserError.class, () -> ResourceCheck.requireConcurrent(HOST, List.of(c), 2, need - 2, 0));
  }

  /** On a device the seeds train as one group; two groups (two data sets) share its memory. */
  @Test
  void replicaGroupsShareTheDevice() {
    StudyConfig c =
        ConfigLoader.builtIn(
            "quick",
            List.of(
                "model.width=256",
                "model.depths=[4]",
                "seeds=[0,1,2,3]",
                "data.sets=[circle, xor]",
                "data.n_train=20000"));
    ResourceEstimate g = ResourceEstimate.forGroup(c, 4, 4);
    long device = (long) (1.5 * g.deviceBytes());
    long heap = Long.MAX_VALUE;
    assertDoesNotThrow(() -> ResourceCheck.requireConcurrent(DEVICE, List.of(c), 1, heap, device));
    UserError u =
        assertThrows(
            UserError.class,
            () -> ResourceCheck.requireConcurrent(DEVICE, List.of(c), 2, heap, device));
    assertTrue(
        u.getMessage().contains("for 2 replica groups at once (--jobs 2); the device has"),
        u.getMessage());
  }
}
