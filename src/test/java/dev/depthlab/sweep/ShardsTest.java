package dev.depthlab.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import dev.depthlab.config.StudyConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cut of a study into shards: every run in exactly one shard, replica groups whole (as {@link
 * Sweep#groups} forms them for a seedsTogether backend), balance within the stated bound, and
 * against a brute-force optimum on small instances (LPT's 4/3 guarantee), the same cut every time.
 */
class ShardsTest {
  private static StudyConfig config(int width) {
    return ConfigLoader.parse(
        """
        name: t
        data: {sets: [circle, nested_rings, moons], n_train: 40, test: {n: 20, seed_offset: 100}}
        model: {depths: [1, 2, 4, 8, 16], width: 4}
        seeds: [0, 1, 2]
        """,
        "t.yaml",
        List.of("model.width=" + width));
  }

  /** A multirun of two variants whose widths differ, so group costs differ by variant too. */
  private static List<Variant> variants() {
    return List.of(
        new Variant("model.width=4", config(4), Path.of("s", "model.width=4")),
        new Variant("model.width=16", config(16), Path.of("s", "model.width=16")));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 7, 30, 50})
  void everyRunIsInExactlyOneShard(int n) {
    List<Variant> vs = variants();
    Map<Path, Integer> owner = new HashMap<>();
    for (int i = 0; i < n; i++) {
      for (Sweep.Job j : Shards.jobsOf(vs, new Shards.Shard(i, n))) {
        Integer before = owner.put(j.dir(), i);
        assertEquals(null, before, j.dir() + " in shards " + before + " and " + i);
      }
    }
    int runs = 0;
    for (Variant v : vs) {
      runs += Grid.runs(v.config()).size();
    }
    assertEquals(2 * 3 * 5 * 3, runs);
    assertEquals(runs, owner.size(), "runs covered");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4, 7})
  void theSweepsReplicaGroupsStayWhole(int n) {
    List<Variant> vs = variants();
    Map<Path, Integer> owner = new HashMap<>();
    List<Sweep.Job> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (Sweep.Job j : Shards.jobsOf(vs, new Shards.Shard(i, n))) {
        owner.put(j.dir(), i);
        all.add(j);
      }
    }
    // the groups the sweep itself forms on a CUDA-like backend: each must sit in one shard
    List<List<Sweep.Job>> cudaGroups = Sweep.groups(all, stub(true));
    assertEquals(2 * 3 * 5, cudaGroups.size());
    for (List<Sweep.Job> g : cudaGroups) {
      int first = owner.get(g.get(0).dir());
      for (Sweep.Job j : g) {
        assertEquals(first, owner.get(j.dir()), j.name() + " left its replica group");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4, 7})
  void theHeaviestShardStaysWithinMeanPlusOneGroup(int n) {
    List<Variant> vs = variants();
    List<List<Sweep.Job>> groups = Shards.groups(vs);
    double[] costs = new double[groups.size()];
    for (int g = 0; g < costs.length; g++) {
      costs[g] = Sweep.work(groups.get(g));
    }
    double[] load = new double[n];
    for (int i = 0; i < n; i++) {
      load[i] = Sweep.work(Shards.jobsOf(vs, new Shards.Shard(i, n)));
    }
    double total = 0;
    double max = 0;
    double biggest = 0;
    for (double c : costs) {
      total += c;
      biggest = Math.max(biggest, c);
    }
    for (double l : load) {
      max = Math.max(max, l);
    }
    assertEquals(total, Arrays.stream(load).sum(), 1e-9 * total, "work conserved");
    assertTrue(
        max <= total / n + biggest,
        "heaviest shard " + max + " > mean " + total / n + " + largest group " + biggest);
    assertEquals(total / n + biggest, Shards.bound(costs, n), 1e-9 * total);
  }

  @Test
  void lptIsWithinFourThirdsOfTheBruteForceOptimum() {
    SplittableRandom rng = new SplittableRandom(20261125L);
    for (int trial = 0; trial < 200; trial++) {
      int groups = 1 + rng.nextInt(9);
      int n = 1 + rng.nextInt(4);
      double[] costs = new double[groups];
      for (int g = 0; g < groups; g++) {
        costs[g] = 1 + rng.nextInt(100);
      }
      double lpt = maxLoad(costs, Shards.assign(costs, n), n);
      double best = bruteForceBest(costs, n);
      assertTrue(
          lpt <= (4.0 / 3 - 1.0 / (3 * n)) * best + 1e-9,
          "trial " + trial + ": LPT " + lpt + " vs optimum " + best + " on " + n + " shards");
      assertTrue(lpt <= Shards.bound(costs, n) + 1e-9, "trial " + trial);
    }
  }

  @Test
  void theSameStudyGivesTheSameCut() {
    List<List<Sweep.Job>> a = Shards.groups(variants());
    List<List<Sweep.Job>> b = Shards.groups(variants());
    assertArrayEquals(Shards.assignGroups(a, 4), Shards.assignGroups(b, 4));
    // equal costs keep input order and go to the lowest shard first
    assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2}, Shards.assign(new double[6], 3));
    assertArrayEquals(new int[] {0, 1, 1, 0}, Shards.assign(new double[] {5, 4, 3, 2}, 2));
  }

  @Test
  void theCutDoesNotDependOnWhatIsFinished() {
    List<Variant> vs = variants();
    Sweep.Plan all = new Sweep.Plan(vs, jobsOf(vs), 0, 90);
    Sweep.Plan shard = Shards.restrict(all, new Shards.Shard(1, 3));
    List<Sweep.Job> mine = Shards.jobsOf(vs, new Shards.Shard(1, 3));
    assertEquals(mine, shard.todo());
    // with half the runs already finished, the shard's todo is its own runs among the rest
    List<Sweep.Job> rest = jobsOf(vs).subList(45, 90);
    Sweep.Plan resumed = Shards.restrict(new Sweep.Plan(vs, rest, 45, 90), new Shards.Shard(1, 3));
    assertEquals(mine.stream().filter(rest::contains).toList(), resumed.todo());
    assertEquals(mine.size(), resumed.total());
    assertEquals(mine.size() - resumed.todo().size(), resumed.skipped());
  }

  @Test
  void shardSpecsParseAndBadOnesAreOneLineErrors() {
    assertEquals(new Shards.Shard(2, 4), Shards.Shard.parse("2/4"));
    assertEquals("shard-2-of-4", Shards.Shard.parse("2/4").folderName());
    assertEquals(Optional.of(new Shards.Shard(2, 4)), Shards.Shard.ofFolder("shard-2-of-4"));
    assertEquals(Optional.empty(), Shards.Shard.ofFolder("shard-4-of-4"));
    for (String bad : List.of("4/4", "-1/4", "1/0", "a/b", "3", "99999999999/2")) {
      UserError e = assertThrows(UserError.class, () -> Shards.Shard.parse(bad), bad);
      assertEquals(2, e.exitCode(), bad);
      assertTrue(e.getMessage().contains("--shard"), e.getMessage());
    }
  }

  private static List<Sweep.Job> jobsOf(List<Variant> vs) {
    List<Sweep.Job> jobs = new ArrayList<>();
    for (Variant v : vs) {
      for (var spec : Grid.runs(v.config())) {
        jobs.add(new Sweep.Job(v, spec));
      }
    }
    return jobs;
  }

  private static double maxLoad(double[] costs, int[] shardOf, int n) {
    double[] load = new double[n];
    for (int g = 0; g < costs.length; g++) {
      load[shardOf[g]] += costs[g];
    }
    double max = 0;
    for (double l : load) {
      max = Math.max(max, l);
    }
    return max;
  }

  /** The best makespan over every assignment (n^groups of them: small instances only). */
  private static double bruteForceBest(double[] costs, int n) {
    int[] a = new int[costs.length];
    double best = Double.MAX_VALUE;
    while (true) {
      best = Math.min(best, maxLoad(costs, a, n));
      int i = 0;
      while (i < a.length && ++a[i] == n) {
        a[i++] = 0;
      }
      if (i == a.length) {
        return best;
      }
    }
  }

  private static Backend stub(boolean seedsTogether) {
    return new Backend() {
      @Override
      public String name() {
        return "stub";
      }

      @Override
      public Traits traits() {
        return new Traits(seedsTogether, 4, false);
      }

      @Override
      public Availability availability() {
        return Availability.usable(Map.of());
      }

      @Override
      public Group createGroup(GroupSpec spec, List<ReplicaSetup> replicas) {
        throw new UnsupportedOperationException("grouping never trains");
      }
    };
  }
}
