package dev.depthlab.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.depthlab.common.AtomicFiles;
import dev.depthlab.common.UserError;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.report.StudyIndex;
import dev.depthlab.report.StudyReport;
import dev.depthlab.signal.SignalStudy;
import dev.depthlab.sweep.Grid;
import dev.depthlab.sweep.Shards;
import dev.depthlab.sweep.StudyLock;
import dev.depthlab.sweep.Variant;
import dev.depthlab.sweep.WriterLock;
import dev.depthlab.train.RunCheck;
import dev.depthlab.train.RunFolder;
import dev.depthlab.train.RunSpec;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Joins shard folders ({@code depthlab sweep --shard I/N}) into one study folder: every finished
 * run folder verified ({@link RunCheck}), then copied in atomically and durably (a temp folder, its
 * files and folders flushed to the disk, then one rename, then the parent flushed), study.yaml
 * kept, summary and report rebuilt by {@link StudyReport} once no run is missing. Everything is
 * checked before anything is written: shards of another protocol hash are refused. Merging the same
 * shards again copies nothing and rewrites nothing.
 */
public final class ShardMerge {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ShardMerge() {}

  /**
   * A run finished in more than one shard: the copy kept and the ones left out, all the same run
   * ({@code identical}: byte for byte; else the same but for run.json's wall times). Copies that
   * differ in anything else are refused ({@link #compare}).
   */
  public record Duplicate(String run, Path kept, List<Path> others, boolean identical) {}

  /** How two verified copies of one run compare. */
  enum Sameness {
    IDENTICAL,
    WALL_TIMES,
    DIFFERENT
  }

  /**
   * What a merge did: study folders written, runs copied, runs already in place, planned runs, the
   * runs no shard finished (and, when the shards are named {@code shard-I-of-N}, the shard indices
   * that own them), duplicates, and the reports rebuilt.
   */
  public record Result(
      List<Path> studies,
      int copied,
      int alreadyThere,
      int planned,
      List<String> missing,
      TreeSet<Integer> missingShards,
      Optional<Integer> shardCount,
      List<Duplicate> duplicates,
      List<StudyReport.Built> reports) {
    public boolean complete() {
      return missing.isEmpty();
    }
  }

  private record Copy(Path from, Path to) {}

  /** Merges {@code shards} into {@code out} (a study folder, or a multirun folder of variants). */
  public static Result merge(List<Path> shards, Path out) {
    return merge(shards, out, "depthlab merge");
  }

  /**
   * As {@link #merge(List, Path)}, holding the {@link WriterLock} of {@code out} and of each study
   * folder in it for {@code command} (what a refused second writer is told) from the first check to
   * the last write.
   */
  public static Result merge(List<Path> shards, Path out, String command) {
    if (shards.isEmpty()) {
      throw new UserError("merge needs at least one shard folder");
    }
    Path outAbs = out.toAbsolutePath().normalize();
    // study folders by label ("" for a plain study, key=value,... for a multirun variant)
    Map<String, List<Path>> byLabel = new LinkedHashMap<>();
    for (Path shard : shards) {
      if (shard.toAbsolutePath().normalize().equals(outAbs)) {
        throw new UserError("--out " + out + " is one of the shards; merge into another folder");
      }
      for (Path study : StudyReport.studiesAt(shard)) {
        String label = shard.relativize(study).toString();
        byLabel.computeIfAbsent(label, k -> new ArrayList<>()).add(study);
      }
    }
    requireOneProtocol(byLabel); // the shards alone: refused before the lock creates --out
    List<Path> locked = new ArrayList<>(List.of(out));
    for (String label : byLabel.keySet()) {
      locked.add(label.isEmpty() ? out : out.resolve(label));
    }
    try (WriterLock lock = WriterLock.hold(locked, command)) {
      return mergeLocked(shards, out, byLabel);
    }
  }

  private static Result mergeLocked(List<Path> shards, Path out, Map<String, List<Path>> byLabel) {
    Optional<Integer> count = shardCount(shards);

    // 1. check everything; write nothing
    List<Copy> copies = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    TreeSet<Integer> missingShards = new TreeSet<>();
    List<Duplicate> duplicates = new ArrayList<>();
    List<String> damaged = new ArrayList<>();
    List<String> differ = new ArrayList<>();
    List<Path> outStudies = new ArrayList<>();
    int planned = 0;
    int already = 0;
    List<Variant> variants = new ArrayList<>();
    for (var e : byLabel.entrySet()) {
      List<Path> studies = e.getValue();
      Path first = studies.get(0);
      String hash = StudyLock.storedHash(first).orElseThrow();
      Path target = e.getKey().isEmpty() ? out : out.resolve(e.getKey());
      Optional<String> there = StudyLock.storedHash(target);
      if (there.isPresent() && !there.get().equals(hash)) {
        throw StudyLock.refusal(target, StudyLock.read(target), StudyLock.read(first));
      }
      StudyConfig cfg = StudyLock.read(first);
      outStudies.add(target);
      variants.add(new Variant(e.getKey(), cfg, target));
      for (RunSpec spec : Grid.runs(cfg)) {
        planned++;
        String rel = spec.relativeDir();
        List<Path> found = new ArrayList<>();
        for (Path study : studies) {
          Path run = study.resolve(rel);
          if (RunFolder.isFinished(run)) {
            Optional<String> problem = RunCheck.problem(run, spec);
            if (problem.isPresent()) {
              damaged.add(run + ": " + problem.get());
              continue;
            }
            String runHash = runHash(run);
            if (!runHash.equals(hash)) {
              throw new UserError(
                  run
                      + " was made under protocol hash "
                      + shortHash(runHash)
                      + ", its study folder is "
                      + shortHash(hash)
                      + "; remove it or rerun that shard");
            }
            found.add(run);
          }
        }
        Path dest = target.resolve(rel);
        String name = (e.getKey().isEmpty() ? "" : "[" + e.getKey() + "] ") + spec.shortName();
        if (found.size() > 1) {
          boolean same = true;
          for (Path f : found.subList(1, found.size())) {
            Sameness s = compare(found.get(0), f);
            if (s == Sameness.DIFFERENT) {
              differ.add(name + " in " + found.get(0) + " and " + f);
            }
            same &= s == Sameness.IDENTICAL;
          }
          duplicates.add(
              new Duplicate(name, found.get(0), List.copyOf(found.subList(1, found.size())), same));
        }
        if (RunFolder.isFinished(dest)) {
          Optional<String> problem = RunCheck.problem(dest, spec);
          if (problem.isPresent()) {
            damaged.add(dest + ": " + problem.get());
          } else if (!found.isEmpty() && compare(found.get(0), dest) == Sameness.DIFFERENT) {
            differ.add(name + " in " + found.get(0) + " and " + dest);
          }
          already++;
        } else if (!found.isEmpty()) {
          copies.add(new Copy(found.get(0), dest));
        } else {
          missing.add(name);
        }
      }
    }
    if (!damaged.isEmpty()) {
      throw new UserError(
          damaged.size()
              + " run folder"
              + (damaged.size() == 1 ? "" : "s")
              + " failed verification, nothing merged: "
              + String.join("; ", damaged)
              + "; rerun the sweep of their shard (it retrains them), then merge again",
          UserError.FAILURE);
    }
    if (!differ.isEmpty()) {
      throw new UserError(
          differ.size()
              + " run"
              + (differ.size() == 1 ? "" : "s")
              + " finished with different results in two places, nothing merged: "
              + String.join("; ", differ)
              + "; keep one copy (delete the other run folder), then merge again",
          UserError.FAILURE);
    }
    if (count.isPresent() && !missing.isEmpty()) {
      missingShards.addAll(ownersOf(variants, missing, count.get()));
    }

    // 2. write: study.yaml, the run folders, then the reports
    for (var e : byLabel.entrySet()) {
      Path target = e.getKey().isEmpty() ? out : out.resolve(e.getKey());
      if (StudyLock.storedHash(target).isEmpty()) {
        // the shards' own study.yaml, byte for byte (the lock a local sweep writes)
        AtomicFiles.writeString(
            target.resolve(StudyLock.FILE), readText(e.getValue().get(0).resolve(StudyLock.FILE)));
      }
    }
    for (Copy c : copies) {
      copyAtomically(c.from(), c.to());
    }
    List<StudyReport.Built> reports = new ArrayList<>();
    for (Path target : outStudies) {
      boolean stale =
          !copies.isEmpty()
              || !Files.isRegularFile(target.resolve(StudyReport.SUMMARY_CSV))
              || !Files.isRegularFile(target.resolve(StudyReport.REPORT_MD));
      // a partial study's report would be misleading (and its figures can lack data): the
      // report comes with the last missing run
      if (stale && missing.isEmpty()) {
        // the signal analysis (diagnostics.signal), measured at initialisation, as a sweep's is
        SignalStudy.writeInto(target, StudyLock.read(target));
        reports.add(StudyReport.write(target));
      }
    }
    if (!reports.isEmpty() && variants.stream().anyMatch(v -> !v.label().isEmpty())) {
      // a multirun's variants: the index over them, as the sweep writes it
      StudyIndex.write(out);
    }
    return new Result(
        List.copyOf(outStudies),
        copies.size(),
        already,
        planned,
        List.copyOf(missing),
        missingShards,
        count,
        List.copyOf(duplicates),
        List.copyOf(reports));
  }

  /** The shards' copies of each study folder hold one protocol hash. */
  private static void requireOneProtocol(Map<String, List<Path>> byLabel) {
    for (List<Path> studies : byLabel.values()) {
      Path first = studies.get(0);
      String hash = StudyLock.storedHash(first).orElseThrow();
      for (Path other : studies) {
        String h = StudyLock.storedHash(other).orElseThrow();
        if (!h.equals(hash)) {
          throw new UserError(
              other
                  + " holds protocol hash "
                  + shortHash(h)
                  + " but "
                  + first
                  + " holds "
                  + shortHash(hash)
                  + "; merge only the shards of one study");
        }
      }
    }
  }

  /** N when every shard folder is named {@code shard-I-of-N} with one N. */
  static Optional<Integer> shardCount(List<Path> shards) {
    Integer n = null;
    for (Path s : shards) {
      Path name = s.toAbsolutePath().normalize().getFileName();
      Optional<Shards.Shard> sh =
          name == null ? Optional.empty() : Shards.Shard.ofFolder(name.toString());
      if (sh.isEmpty() || (n != null && n != sh.get().count())) {
        return Optional.empty();
      }
      n = sh.get().count();
    }
    return Optional.ofNullable(n);
  }

  /** The shard indices (of {@code count}) that own the named missing runs. */
  private static List<Integer> ownersOf(List<Variant> variants, List<String> missing, int count) {
    List<Integer> owners = new ArrayList<>();
    var groups = Shards.groups(variants);
    int[] shardOf = Shards.assignGroups(groups, count);
    for (int g = 0; g < groups.size(); g++) {
      for (var job : groups.get(g)) {
        if (missing.contains(job.name())) {
          owners.add(shardOf[g]);
        }
      }
    }
    return owners;
  }

  /**
   * Copies run folder {@code from} to {@code to} whole or not at all: into a hidden temp folder
   * beside {@code to}, then one rename (an unfinished folder left at {@code to} is replaced).
   */
  static void copyAtomically(Path from, Path to) {
    Path tmp =
        to.resolveSibling(
            "."
                + to.getFileName()
                + ".merge-"
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
    try {
      Files.createDirectories(to.getParent());
      copyTree(from, tmp);
      if (Files.exists(to)) {
        deleteTree(to); // an unfinished run (killed shard or earlier merge): no result in it
      }
      try {
        Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, to);
      }
      AtomicFiles.flushFolder(to.toAbsolutePath().getParent()); // the rename on the disk
    } catch (IOException e) {
      throw new UserError("cannot copy " + from + " to " + to + ": " + e, UserError.FAILURE);
    } finally {
      try {
        if (Files.exists(tmp)) {
          deleteTree(tmp);
        }
      } catch (IOException ignored) {
        // the temp folder is hidden and named as such; a later merge does not read it
      }
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.sorted().toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q, StandardCopyOption.COPY_ATTRIBUTES);
          AtomicFiles.flushFile(q); // on the disk before the rename makes the run count
        }
      }
    }
    try (Stream<Path> s = Files.walk(to)) {
      for (Path d : s.filter(Files::isDirectory).toList()) {
        AtomicFiles.flushFolder(d);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * Two verified copies of a run: identical (every file the same bytes), the same but for
   * run.json's {@code timings} and {@code invocation} (the command line and source revision that
   * made each: the files run.json lists have the same checksums, so the same bytes, and every other
   * field of run.json is equal), or different.
   */
  static Sameness compare(Path a, Path b) {
    if (sameFiles(a, b)) {
      return Sameness.IDENTICAL;
    }
    try {
      ObjectNode ja = (ObjectNode) JSON.readTree(a.resolve(RunFolder.RUN_JSON).toFile());
      ObjectNode jb = (ObjectNode) JSON.readTree(b.resolve(RunFolder.RUN_JSON).toFile());
      for (String provenance : List.of("timings", "invocation")) {
        ja.remove(provenance);
        jb.remove(provenance);
      }
      return ja.equals(jb) ? Sameness.WALL_TIMES : Sameness.DIFFERENT;
    } catch (IOException | ClassCastException e) {
      return Sameness.DIFFERENT;
    }
  }

  /** Both folders hold the same files with the same bytes. */
  static boolean sameFiles(Path a, Path b) {
    try (Stream<Path> sa = Files.walk(a);
        Stream<Path> sb = Files.walk(b)) {
      List<String> la =
          sa.filter(Files::isRegularFile).map(p -> a.relativize(p) + "").sorted().toList();
      List<String> lb =
          sb.filter(Files::isRegularFile).map(p -> b.relativize(p) + "").sorted().toList();
      if (!la.equals(lb)) {
        return false;
      }
      for (String f : la) {
        if (!Arrays.equals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)))) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      throw new UserError("cannot compare " + a + " and " + b + ": " + e, UserError.FAILURE);
    }
  }

  private static String runHash(Path runDir) {
    try {
      return JSON.readTree(runDir.resolve(RunFolder.RUN_JSON).toFile())
          .path("config_hash")
          .asText("");
    } catch (IOException e) {
      throw new UserError("cannot read " + runDir + ": " + e.getMessage(), UserError.FAILURE);
    }
  }

  private static String readText(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage(), UserError.FAILURE);
    }
  }

  private static String shortHash(String hash) {
    return hash.length() > 16 ? hash.substring(0, 16) : hash;
  }
}
