package dev.depthlab.report;

import dev.depthlab.train.RunSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which planned runs of one data set a figure's means are over: the {@code ok} runs, and the
 * sentence a caption carries naming the runs missing (not finished, or of another protocol) and the
 * diverged ones (finished, left out of every mean).
 */
record FigureCoverage(List<RunRecord> ok, int planned, String sentence) {

  /** {@code planned} and {@code runs} of one data set. */
  static FigureCoverage of(List<RunSpec> planned, List<RunRecord> runs) {
    List<RunRecord> ok = new ArrayList<>();
    Map<Integer, List<Long>> diverged = new TreeMap<>();
    for (RunRecord r : runs) {
      if (r.ok()) {
        ok.add(r);
      } else {
        diverged.computeIfAbsent(r.depth(), d -> new ArrayList<>()).add(r.seed());
      }
    }
    Map<Integer, List<Long>> missing = new TreeMap<>();
    for (RunSpec s : planned) {
      boolean found = false;
      for (RunRecord r : runs) {
        if (r.depth() == s.depth() && r.seed() == s.seed()) {
          found = true;
          break;
        }
      }
      if (!found) {
        missing.computeIfAbsent(s.depth(), d -> new ArrayList<>()).add(s.seed());
      }
    }
    StringBuilder b = new StringBuilder();
    b.append("Uses ").append(ok.size()).append(" of ").append(planned.size()).append(" runs");
    if (missing.isEmpty() && diverged.isEmpty()) {
      b.append(" (all finished ok).");
    } else {
      b.append(" (the finished ok ones)");
      if (!missing.isEmpty()) {
        b.append("; missing: ").append(names(missing));
      }
      if (!diverged.isEmpty()) {
        b.append("; diverged, left out: ").append(names(diverged));
      }
      b.append('.');
    }
    return new FigureCoverage(List.copyOf(ok), planned.size(), b.toString());
  }

  /** The ok runs of one depth. */
  List<RunRecord> okAt(int depth) {
    List<RunRecord> out = new ArrayList<>();
    for (RunRecord r : ok) {
      if (r.depth() == depth) {
        out.add(r);
      }
    }
    return out;
  }

  private static String names(Map<Integer, List<Long>> byDepth) {
    List<String> parts = new ArrayList<>();
    byDepth.forEach(
        (d, seeds) -> {
          List<String> ss = seeds.stream().map(String::valueOf).toList();
          parts.add("depth " + d + (ss.size() == 1 ? " seed " : " seeds ") + String.join(", ", ss));
        });
    return String.join("; ", parts);
  }
}
