package dev.depthlab.sweep;

import dev.depthlab.common.UserError;
import dev.depthlab.train.RunSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a study into N shards for a cluster (one Slurm array task each): every run in exactly one
 * shard, the seeds of one (variant, data set, depth) always in the same shard (a CUDA replica
 * group, {@link Sweep#groups}), work balanced by the sweep's own estimate ({@link Sweep#work}).
 *
 * <p>The cut depends on the study alone (its variants and grid), never on what is finished, the
 * backend or the machine, so every task, a resubmitted task and {@code depthlab merge} all compute
 * the same one.
 *
 * <p>Balance: groups are dealt largest first to the least-loaded shard (Graham's LPT rule), so the
 * heaviest shard carries at most the mean load plus one group ({@link #bound}), and at most 4/3 of
 * the best possible cut.
 */
public final class Shards {
  private static final Pattern SPEC = Pattern.compile("(\\d+)/(\\d+)");
  private static final Pattern FOLDER = Pattern.compile("shard-(\\d+)-of-(\\d+)");

  private Shards() {}

  /** Shard {@code index} of {@code count}, 0-based as Slurm's {@code SLURM_ARRAY_TASK_ID}. */
  public record Shard(int index, int count) {
    public Shard {
      if (count < 1 || index < 0 || index >= count) {
        throw new UserError("--shard I/N needs 0 <= I < N and N >= 1, got " + index + "/" + count);
      }
    }

    /** Parses {@code I/N}; a malformed one is a one-line error (exit 2). */
    public static Shard parse(String text) {
      Matcher m = SPEC.matcher(text.strip());
      if (!m.matches()) {
        throw new UserError("--shard wants I/N (e.g. 0/4, I from 0), got '" + text + "'");
      }
      try {
        return new Shard(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
      } catch (NumberFormatException e) {
        throw new UserError("--shard wants I/N with small numbers, got '" + text + "'");
      }
    }

    /** The shard's own folder name below the study root: {@code shard-I-of-N}. */
    public String folderName() {
      return "shard-" + index + "-of-" + count;
    }

    /** The shard a folder named {@code shard-I-of-N} holds, if it is named so. */
    public static Optional<Shard> ofFolder(String name) {
      Matcher m = FOLDER.matcher(name);
      if (!m.matches()) {
        return Optional.empty();
      }
      try {
        int i = Integer.parseInt(m.group(1));
        int n = Integer.parseInt(m.group(2));
        return i < n ? Optional.of(new Shard(i, n)) : Optional.empty();
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }

    @Override
    public String toString() {
      return index + "/" + count;
    }
  }

  /**
   * Every run of the variants grouped as a replica group (variant, data set, depth), groups in plan
   * order (variants, then {@link Grid#runs}), runs in seed order.
   */
  public static List<List<Sweep.Job>> groups(List<Variant> variants) {
    Map<String, List<Sweep.Job>> byKey = new LinkedHashMap<>();
    for (Variant v : variants) {
      for (RunSpec spec : Grid.runs(v.config())) {
        // the key of Sweep.groups for a seedsTogether backend
        String key = v.label() + "|" + spec.dataset().label() + "|" + spec.depth();
        byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(new Sweep.Job(v, spec));
      }
    }
    return List.copyOf(byKey.values());
  }

  /** A group's estimated cost: the sweep's work estimate (epochs x samples x weights, per run). */
  public static double cost(List<Sweep.Job> group) {
    return Sweep.work(group);
  }

  /**
   * The shard of each cost, {@code count} shards: largest cost first (ties in input order) to the
   * shard with the least load so far (ties: the fewest groups, then the lowest index).
   * Deterministic.
   */
  public static int[] assign(double[] costs, int count) {
    Integer[] order = new Integer[costs.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    // Arrays.sort on objects is stable: equal costs keep input order
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> costs[i]).reversed());
    double[] load = new double[count];
    int[] groups = new int[count];
    int[] shardOf = new int[costs.length];
    for (int i : order) {
      int least = 0;
      for (int s = 1; s < count; s++) {
        if (load[s] < load[least] || (load[s] == load[least] && groups[s] < groups[least])) {
          least = s;
        }
      }
      shardOf[i] = least;
      load[least] += costs[i];
      groups[least]++;
    }
    return shardOf;
  }

  /** The balance the cut guarantees: no shard above total / count + the largest single cost. */
  public static double bound(double[] costs, int count) {
    double total = 0;
    double max = 0;
    for (double c : costs) {
      total += c;
      max = Math.max(max, c);
    }
    return total / count + max;
  }

  /** The shard of each group of {@link #groups}, for {@code count} shards. */
  public static int[] assignGroups(List<List<Sweep.Job>> groups, int count) {
    double[] costs = new double[groups.size()];
    for (int g = 0; g < costs.length; g++) {
      costs[g] = cost(groups.get(g));
    }
    return assign(costs, count);
  }

  /** The runs of one shard, in plan order. */
  public static List<Sweep.Job> jobsOf(List<Variant> variants, Shard shard) {
    List<List<Sweep.Job>> groups = groups(variants);
    int[] shardOf = assignGroups(groups, shard.count());
    List<Sweep.Job> out = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      if (shardOf[g] == shard.index()) {
        out.addAll(groups.get(g));
      }
    }
    return out;
  }

  /**
   * The plan of one shard: of {@code plan} (every run of its variants), the runs the shard owns;
   * its counts (total, skipped) are the shard's own.
   */
  public static Sweep.Plan restrict(Sweep.Plan plan, Shard shard) {
    Set<Path> mine = new HashSet<>();
    for (Sweep.Job j : jobsOf(plan.variants(), shard)) {
      mine.add(j.dir());
    }
    List<Sweep.Job> todo = plan.todo().stream().filter(j -> mine.contains(j.dir())).toList();
    List<Sweep.Damaged> damaged =
        plan.damaged().stream().filter(d -> mine.contains(d.job().dir())).toList();
    return new Sweep.Plan(plan.variants(), todo, mine.size() - todo.size(), mine.size(), damaged);
  }
}
