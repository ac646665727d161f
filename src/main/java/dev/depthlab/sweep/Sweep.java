package dev.depthlab.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depthlab.backend.Backend;
import dev.depthlab.common.AtomicFiles;
import dev.depthlab.common.Parallel;
import dev.depthlab.common.UserError;
import dev.depthlab.config.ConfigYaml;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.train.RunCheck;
import dev.depthlab.train.RunFolder;
import dev.depthlab.train.RunRecorder;
import dev.depthlab.train.RunResult;
import dev.depthlab.train.RunSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Runs a study's unfinished runs and writes their folders. On the CPU every run is its own group (R
 * = 1); on CUDA the seeds of one (variant, data set, depth) train as one replica group. On both,
 * groups run on min({@code jobs}, groups) threads, largest estimated work first ({@link
 * #longestFirst}); a CUDA group sends its work to its own lane (stream) of the one device, so
 * groups run side by side on the GPU. Groups share nothing, so results never depend on the thread
 * count or the order.
 */
public final class Sweep {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Sweep() {}

  /** One run to do: its variant (study folder) and spec. */
  public record Job(Variant variant, RunSpec spec) {
    public Path dir() {
      return variant.dir().resolve(spec.relativeDir());
    }

    public String name() {
      return variant.label().isEmpty()
          ? spec.shortName()
          : "[" + variant.label() + "] " + spec.shortName();
    }
  }

  /** A finished run that failed verification ({@link RunCheck}), and why: it is retrained. */
  public record Damaged(Job job, String reason) {}

  /**
   * What a sweep will do: the runs still to train, how many were already finished, and which of the
   * runs to train are there because their finished folder failed verification.
   */
  public record Plan(
      List<Variant> variants, List<Job> todo, int skipped, int total, List<Damaged> damaged) {
    public Plan(List<Variant> variants, List<Job> todo, int skipped, int total) {
      this(variants, todo, skipped, total, List.of());
    }

    /** SGD steps of the runs to do (for the preflight's size rule). */
    public long steps() {
      long s = 0;
      for (Job j : todo) {
        var c = j.spec().config();
        int n =
            c.data().test().isSplit()
                ? c.data().nTrain()
                    - (int) Math.round(c.data().test().fraction() * c.data().nTrain())
                : c.data().nTrain();
        int batch = c.training().batchFor(n);
        s += (long) c.training().epochs() * ((n + batch - 1) / batch);
      }
      return s;
    }
  }

  /** What a sweep tells whoever watches it. Called from the worker threads. */
  public interface Listener {
    default void onRunStarted(Job job) {}

    default void onEpoch(Job job, int epoch, int epochs) {}

    default void onRunFinished(Job job, RunResult result) {}

    /** A run whose group's backend failed; {@code reason} is one line. */
    default void onRunFailed(Job job, String reason) {}
  }

  /**
   * What an execution did: the runs finished, and the runs whose backend failed (marked {@code
   * failed} in their run.json; a rerun retries them), with the first failure's reason.
   */
  public record Outcome(int finished, int failed, String firstReason, int stopped) {
    /** Nothing left undone by a stop. */
    public Outcome(int finished, int failed, String firstReason) {
      this(finished, failed, firstReason, 0);
    }
  }

  /** What a group's task came to. */
  private record GroupEnd(String failure, boolean stopped) {
    static final GroupEnd DONE = new GroupEnd(null, false);
    static final GroupEnd STOPPED = new GroupEnd(null, true);
  }

  /**
   * The plan for variants whose folders are locked ({@link StudyLock#acquire}): finished runs that
   * verify ({@link RunCheck}) are skipped (resume), unfinished ones redone (failed ones retried),
   * finished ones that fail verification retrained (listed with the reason), with the temporary
   * files a killed sweep left in their folders removed. A finished run made under another protocol
   * hash is refused, like a study.yaml of another hash.
   */
  public static Plan plan(List<Variant> variants) {
    List<Damaged> damaged = new ArrayList<>();
    List<Job> todo = new ArrayList<>();
    int skipped = 0;
    int total = 0;
    for (Variant v : variants) {
      String hash = ConfigYaml.hash(v.config());
      // anywhere in the folder: run folders, figures/ (a writer killed in its report stage)
      AtomicFiles.removeLeftoversUnder(v.dir());
      for (RunSpec spec : Grid.runs(v.config())) {
        Job job = new Job(v, spec);
        total++;
        if (RunFolder.isFinished(job.dir())) {
          String found = runHash(job.dir());
          if (!hash.equals(found)) {
            throw StudyLock.refusal(job.dir(), found, hash);
          }
          Optional<String> problem = RunCheck.problem(job.dir(), spec);
          if (problem.isPresent()) {
            damaged.add(new Damaged(job, problem.get()));
            AtomicFiles.removeLeftovers(job.dir());
            todo.add(job);
            continue;
          }
          skipped++;
        } else {
          AtomicFiles.removeLeftovers(job.dir());
          todo.add(job);
        }
      }
    }
    return new Plan(List.copyOf(variants), List.copyOf(todo), skipped, total, List.copyOf(damaged));
  }

  /** Trains every run of the plan on {@code backend} and writes each run folder when done. */
  public static Outcome execute(Plan plan, Backend backend, int jobs, Listener listener) {
    return execute(plan, backend, null, jobs, listener);
  }

  /**
   * As {@link #execute(Plan, Backend, int, Listener)}; a group whose backend fails (an exception
   * from training, not from writing files) has its runs marked {@code failed} and the sweep goes
   * on, or, when its config says {@code on_failure: cpu} and {@code fallback} is given, is trained
   * again on {@code fallback}. Files of finished runs are never touched.
   */
  public static Outcome execute(
      Plan plan, Backend backend, Backend fallback, int jobs, Listener listener) {
    return execute(plan, backend, fallback, Stop.never(), jobs, listener);
  }

  /**
   * As above, stopping when {@code stop} is requested: groups not started are skipped, groups in
   * flight finish or, past the stop's grace, are dropped whole ({@link Stop}).
   */
  public static Outcome execute(
      Plan plan, Backend backend, Backend fallback, Stop stop, int jobs, Listener listener) {
    RunRecorder recorder = new RunRecorder(backend);
    RunRecorder retry = fallback == null ? null : new RunRecorder(fallback);
    List<List<Job>> order = longestFirst(groups(plan.todo(), backend));
    List<Callable<GroupEnd>> tasks = new ArrayList<>();
    for (List<Job> group : order) {
      tasks.add(
          () ->
              stop.requested()
                  ? GroupEnd.STOPPED
                  : trainGroup(group, recorder, retry, stop, listener));
    }
    int failed = 0;
    int stopped = 0;
    String first = "";
    List<GroupEnd> ends = Parallel.map(tasks, jobs);
    for (int g = 0; g < ends.size(); g++) {
      GroupEnd end = ends.get(g);
      if (end.stopped()) {
        stopped += order.get(g).size();
      } else if (end.failure() != null) {
        failed += order.get(g).size();
        first = first.isEmpty() ? end.failure() : first;
      }
    }
    return new Outcome(plan.todo().size() - failed - stopped, failed, first, stopped);
  }

  /**
   * The groups the backend asks for ({@link dev.depthlab.backend.Traits#seedsTogether}): the seeds
   * of one (variant, data set, depth) together, or one run a group.
   */
  static List<List<Job>> groups(List<Job> todo, Backend backend) {
    Map<Object, List<Job>> byKey = new LinkedHashMap<>();
    for (Job j : todo) {
      if (!backend.seedsTogether(j.spec().net(), j.spec().config().precision())) {
        byKey.put(j, new ArrayList<>(List.of(j))); // a group of its own
        continue;
      }
      String key = j.variant().label() + "|" + j.spec().dataset().label() + "|" + j.spec().depth();
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(j);
    }
    return byKey.values().stream().map(List::copyOf).toList();
  }

  /**
   * The groups in the order they start: the largest estimated work ({@link #work}) first, ties in
   * plan order. Started in plan order, the deepest groups of the last data set would start last and
   * leave the other threads idle at the end; largest first, the last groups to start are the short
   * ones. The order cannot change a number: groups share nothing.
   */
  static List<List<Job>> longestFirst(List<List<Job>> groups) {
    List<List<Job>> sorted = new ArrayList<>(groups);
    // List.sort is stable: equal work keeps plan order, so the schedule is deterministic
    sorted.sort(Comparator.comparingDouble((List<Job> g) -> work(g)).reversed());
    return sorted;
  }

  /**
   * A group's training work in multiply-adds, for ordering only: per run, epochs x training samples
   * x the network's weights (forward and backward passes both scale with them).
   */
  static double work(List<Job> group) {
    double w = 0;
    for (Job j : group) {
      var c = j.spec().config();
      var net = j.spec().net();
      double weights = 0;
      for (int l = 0; l < net.layers(); l++) {
        weights += (double) net.fanIn(l) * net.fanOut(l);
      }
      w += (double) c.training().epochs() * c.data().nTrain() * weights;
    }
    return w;
  }

  /** The default {@code --jobs}: the cores, at most the backend's {@code maxDefaultJobs}. */
  public static int defaultJobs(Backend backend) {
    int cores = Runtime.getRuntime().availableProcessors();
    return Math.min(cores, backend.traits().maxDefaultJobs());
  }

  /** Threads a sweep of {@code plan} uses: {@code jobs}, but no more than it has groups. */
  public static int threadsFor(Plan plan, Backend backend, int jobs) {
    return Math.max(1, Math.min(jobs, groups(plan.todo(), backend).size()));
  }

  /**
   * Trains and records one group; returns null, or the reason its backend failed (its runs then
   * marked failed, or retried on {@code retry} when the config asks for it).
   */
  private static GroupEnd trainGroup(
      List<Job> group, RunRecorder recorder, RunRecorder retry, Stop stop, Listener listener) {
    for (Job j : group) {
      listener.onRunStarted(j);
    }
    try {
      record(group, recorder, stop, listener);
      return GroupEnd.DONE;
    } catch (Stop.Dropped e) {
      return GroupEnd.STOPPED;
    } catch (UserError e) {
      throw e; // a file could not be written, or a bad input: not the backend's failure
    } catch (RuntimeException e) {
      String reason = reason(recorder.backend(), e);
      String onFailure = group.get(0).spec().config().onFailure();
      if (retry != null && onFailure.equals(StudyConfig.ON_FAILURE_CPU)) {
        try {
          record(group, retry, stop, listener);
          return GroupEnd.DONE;
        } catch (Stop.Dropped d) {
          return GroupEnd.STOPPED;
        } catch (UserError u) {
          throw u;
        } catch (RuntimeException again) {
          reason = reason + "; retried, " + reason(retry.backend(), again);
        }
      }
      recorder.recordFailure(
          group.stream().map(Job::spec).toList(), group.stream().map(Job::dir).toList(), reason);
      for (Job j : group) {
        listener.onRunFailed(j, reason);
      }
      return new GroupEnd(reason, false);
    }
  }

  /** One line: the backend and the exception's first line (its class when it has no message). */
  static String reason(Backend backend, RuntimeException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return backend.name() + ": " + (nl < 0 ? m : m.substring(0, nl)).strip();
  }

  private static void record(List<Job> group, RunRecorder recorder, Stop stop, Listener listener) {
    recorder.trainAndRecord(
        group.stream().map(Job::spec).toList(),
        group.stream().map(Job::dir).toList(),
        new RunRecorder.Listener() {
          @Override
          public void onEpochDone(int epoch, int epochs) {
            if (stop.pastGrace()) {
              throw new Stop.Dropped(); // before any of the group's files: dropped whole
            }
            for (Job j : group) {
              listener.onEpoch(j, epoch, epochs);
            }
          }

          @Override
          public void onRunWritten(int replica, RunResult result) {
            listener.onRunFinished(group.get(replica), result);
          }
        });
  }

  /**
   * Runs tasks on {@code threads} threads ({@link Parallel#map}); the first failure in task order
   * stops the tasks not yet started and is thrown.
   */
  static void runAll(List<Callable<Void>> tasks, int threads) {
    Parallel.map(tasks, threads);
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
}
