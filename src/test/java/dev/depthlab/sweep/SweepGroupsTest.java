package dev.depthlab.sweep;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.Traits;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How a sweep groups and schedules its runs follows the backend's {@link Traits} alone: stub
 * backends that only state traits (they never train), no GPU needed.
 */
class SweepGroupsTest {
  private static final StudyConfig CFG =
      ConfigLoader.parse(
          """
          name: t
          data: {sets: [circle, nested_rings], n_train: 40, test: {n: 20, seed_offset: 100}}
          model: {depths: [1, 3], width: 4}
          seeds: [0, 1, 2]
          """,
          "t.yaml",
          List.of());

  /** Two variants (study folders) of the same grid: 2 x 2 data sets x 2 depths x 3 seeds. */
  private static List<Sweep.Job> todo() {
    List<Sweep.Job> jobs = new ArrayList<>();
    for (String label : List.of("a", "b")) {
      Variant v = new Variant(label, CFG, Path.of("unused", label));
      for (var spec : Grid.runs(CFG)) {
        jobs.add(new Sweep.Job(v, spec));
      }
    }
    return jobs;
  }

  private static class Stub implements Backend {
    private final Traits traits;

    Stub(Traits traits) {
      this.traits = traits;
    }

    @Override
    public Traits traits() {
      return traits;
    }

    @Override
    public String name() {
      return "stub";
    }

    @Override
    public Availability availability() {
      return Availability.usable(Map.of());
    }

    @Override
    public Group createGroup(GroupSpec spec, List<ReplicaSetup> replicas) {
      throw new UnsupportedOperationException("grouping never trains");
    }
  }

  @Test
  void seedsTogetherGroupsTheSeedsOfEachVariantDataSetAndDepth() {
    List<Sweep.Job> todo = todo();
    List<List<Sweep.Job>> groups = Sweep.groups(todo, new Stub(new Traits(true, 4, false)));
    assertEquals(2 * 2 * 2, groups.size());
    List<Sweep.Job> flat = new ArrayList<>();
    for (List<Sweep.Job> g : groups) {
      Sweep.Job first = g.get(0);
      assertEquals(3, g.size(), first.name());
      for (int r = 0; r < g.size(); r++) {
        Sweep.Job j = g.get(r);
        assertAll(
            () -> assertEquals(first.variant(), j.variant()),
            () -> assertEquals(first.spec().dataset(), j.spec().dataset()),
            () -> assertEquals(first.spec().depth(), j.spec().depth()));
        assertEquals(CFG.seeds().get(r), j.spec().seed(), "replicas in seed order");
      }
      flat.addAll(g);
    }
    assertEquals(todo.size(), flat.size(), "every run in exactly one group");
    assertEquals(new java.util.HashSet<>(todo), new java.util.HashSet<>(flat));
  }

  @Test
  void otherwiseEveryRunIsItsOwnGroupInPlanOrder() {
    List<Sweep.Job> todo = todo();
    List<List<Sweep.Job>> groups = Sweep.groups(todo, new Stub(Traits.host()));
    assertEquals(todo.size(), groups.size());
    for (int i = 0; i < todo.size(); i++) {
      assertEquals(List.of(todo.get(i)), groups.get(i));
    }
  }

  @Test
  void aBackendThatGroupsSomeShapesGroupsThoseAndLeavesTheRestSingleInPlanOrder() {
    // like the CPU backend's replicas in lanes: narrow fp64 networks together, others one by one
    Backend shallowTogether =
        new Stub(Traits.host()) {
          @Override
          public boolean seedsTogether(
              dev.depthlab.model.NetworkSpec net, dev.depthlab.model.Precision precision) {
            return net.depth() == 1;
          }
        };
    List<Sweep.Job> todo = todo();
    List<List<Sweep.Job>> groups = Sweep.groups(todo, shallowTogether);
    // per variant and data set: one group of 3 seeds at depth 1, then 3 single runs at depth 3
    assertEquals(2 * 2 * (1 + 3), groups.size());
    List<Sweep.Job> flat = new ArrayList<>();
    for (List<Sweep.Job> g : groups) {
      int depth = g.get(0).spec().depth();
      assertEquals(depth == 1 ? 3 : 1, g.size(), g.get(0).name());
      for (Sweep.Job j : g) {
        assertEquals(depth, j.spec().depth());
      }
      flat.addAll(g);
    }
    assertEquals(todo, flat, "every run once, in plan order");
  }

  @Test
  void groupsStartLargestFirstWithTiesInPlanOrder() {
    List<Sweep.Job> todo = todo();
    List<List<Sweep.Job>> plan = Sweep.groups(todo, new Stub(new Traits(true, 4, false)));
    List<List<Sweep.Job>> order = Sweep.longestFirst(plan);
    // plan order: a/circle d1, a/circle d3, a/rings d1, a/rings d3, then the same for b
    List<String> started = new ArrayList<>();
    for (List<Sweep.Job> g : order) {
      Sweep.Job j = g.get(0);
      started.add(j.variant().label() + "/" + j.spec().dataset().label() + "/" + j.spec().depth());
    }
    assertEquals(
        List.of(
            "a/circle/3",
            "a/nested_rings/3",
            "b/circle/3",
            "b/nested_rings/3",
            "a/circle/1",
            "a/nested_rings/1",
            "b/circle/1",
            "b/nested_rings/1"),
        started);
    assertEquals(new java.util.HashSet<>(plan), new java.util.HashSet<>(order), "same groups");
  }

  @Test
  void workCountsEpochsSamplesAndWeightsOfEveryRun() {
    // width 4, 2 inputs, 1 output: depth 1 has 2*4 + 4*1 = 12 weights, depth 3 has 12 + 2*16 = 44
    Sweep.Job d1 = todo().get(0);
    Sweep.Job d3 = todo().get(3);
    assertEquals(1, d1.spec().depth());
    assertEquals(3, d3.spec().depth());
    int epochs = CFG.training().epochs();
    assertAll(
        () -> assertEquals(epochs * 40.0 * 12, Sweep.work(List.of(d1))),
        () -> assertEquals(epochs * 40.0 * 44, Sweep.work(List.of(d3))),
        () -> assertEquals(epochs * 40.0 * (12 + 44), Sweep.work(List.of(d1, d3))));
  }

  @Test
  void defaultJobsAreTheCoresAtMostTheBackendsLimit() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertAll(
        () -> assertEquals(1, Sweep.defaultJobs(new Stub(new Traits(true, 1, false)))),
        () ->
            assertEquals(
                Math.min(cores, 3), Sweep.defaultJobs(new Stub(new Traits(false, 3, true)))),
        () -> assertEquals(cores, Sweep.defaultJobs(new Stub(Traits.host()))));
  }

  @Test
  void aSweepUsesNoMoreThreadsThanItHasGroups() {
    Sweep.Plan plan = new Sweep.Plan(List.of(), todo(), 0, 24);
    assertAll(
        () -> assertEquals(8, Sweep.threadsFor(plan, new Stub(new Traits(true, 16, false)), 16)),
        () -> assertEquals(5, Sweep.threadsFor(plan, new Stub(new Traits(true, 16, false)), 5)),
        () -> assertEquals(16, Sweep.threadsFor(plan, new Stub(Traits.host()), 16)),
        () ->
            assertEquals(
                1,
                Sweep.threadsFor(
                    new Sweep.Plan(List.of(), List.of(), 0, 0), new Stub(Traits.host()), 4)));
  }
}
