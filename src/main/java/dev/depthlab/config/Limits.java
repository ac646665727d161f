package dev.depthlab.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The hard limits on a study's sizes: values that may fit in memory but are absurd for studying
 * depth on 2-D toy data (docs/config.md, "Limits"). Checked after binding, so a refusal can say
 * what one run would need ({@link ResourceEstimate}).
 */
public final class Limits {
  /** Hidden layers of one network ({@code model.depths}, {@code model.layers}). */
  public static final int MAX_DEPTH = 1000;

  /** Units of one layer ({@code model.width}, every size of {@code model.layers}). */
  public static final int MAX_WIDTH = 8192;

  /** Entries of {@code model.depths}. */
  public static final int MAX_DEPTHS = 100;

  /** Entries of {@code data.sets}. */
  public static final int MAX_SETS = 100;

  /** Entries of {@code seeds}. */
  public static final int MAX_SEEDS = 1000;

  /**
   * Points of one training set ({@code data.n_train}) and of one test set ({@code data.test.n}).
   */
  public static final int MAX_POINTS = 10_000_000;

  /** {@code training.batch_size}. */
  public static final int MAX_BATCH = 10_000_000;

  /** {@code training.epochs}. */
  public static final int MAX_EPOCHS = 1_000_000;

  /** Runs of one study: data sets x depths x seeds. */
  public static final long MAX_RUNS = 100_000;

  /**
   * Variants of one multirun ({@code --set key=a,b,c}, the product over every list) and points of
   * one phase axis ({@code lo:hi:log:n}): each variant is a study folder of its own. Checked on the
   * spec, before any value is made.
   */
  public static final int MAX_VARIANTS = 1000;

  /** {@code s} cut to at most 60 characters for a message ("a,b,c,..." of a huge list). */
  public static String shortened(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  private Limits() {}

  /** A value beyond its limit: the key path to change and the one-line reason. */
  public record Violation(String path, String message) {}

  /** The first limit {@code c} breaks, if any. */
  public static Optional<Violation> check(StudyConfig c) {
    ModelConfig m = c.model();
    if (m.explicitLayers()) {
      List<Integer> layers = m.layers();
      if (layers.size() - 2 > MAX_DEPTH) {
        return beyond(c, "model.layers", layers.size() - 2 + " hidden layers", MAX_DEPTH);
      }
      for (int size : layers) {
        if (size > MAX_WIDTH) {
          return beyond(c, "model.layers", "a layer of " + size + " units", MAX_WIDTH);
        }
      }
    } else {
      if (m.depths().size() > MAX_DEPTHS) {
        return beyond(c, "model.depths", m.depths().size() + " depths", MAX_DEPTHS);
      }
      int deepest = m.depths().stream().mapToInt(Integer::intValue).max().orElse(0);
      if (deepest > MAX_DEPTH) {
        return beyond(c, "model.depths", "depth " + deepest, MAX_DEPTH);
      }
      if (m.width() > MAX_WIDTH) {
        return beyond(c, "model.width", "width " + m.width(), MAX_WIDTH);
      }
    }
    if (c.data().sets().size() > MAX_SETS) {
      return beyond(c, "data.sets", c.data().sets().size() + " data sets", MAX_SETS);
    }
    if (c.data().nTrain() > MAX_POINTS) {
      return beyond(c, "data.n_train", c.data().nTrain() + " points", MAX_POINTS);
    }
    if (!c.data().test().isSplit() && c.data().test().n() > MAX_POINTS) {
      return beyond(c, "data.test.n", c.data().test().n() + " points", MAX_POINTS);
    }
    if (c.training().batchSize() > MAX_BATCH) {
      return beyond(c, "training.batch_size", "batch " + c.training().batchSize(), MAX_BATCH);
    }
    if (c.training().epochs() > MAX_EPOCHS) {
      return beyond(c, "training.epochs", c.training().epochs() + " epochs", MAX_EPOCHS);
    }
    if (c.seeds().size() > MAX_SEEDS) {
      return beyond(c, "seeds", c.seeds().size() + " seeds", MAX_SEEDS);
    }
    long runs = (long) c.data().sets().size() * depthCount(m) * c.seeds().size();
    if (runs > MAX_RUNS) {
      return beyond(c, "seeds", runs + " runs (data sets x depths x seeds)", MAX_RUNS);
    }
    return Optional.empty();
  }

  private static int depthCount(ModelConfig m) {
    return m.explicitLayers() ? 1 : m.depths().size();
  }

  /** "model.width: width 100000000 is beyond the limit of 8192 (one run would need 2.9 PiB)". */
  private static Optional<Violation> beyond(StudyConfig c, String path, String what, long limit) {
    String message =
        String.format(
            Locale.ROOT,
            "%s: %s is beyond depthlab's limit of %d (docs/config.md, Limits; one run would"
                + " need %s of memory); lower %s",
            path,
            what,
            limit,
            ResourceEstimate.bytes(ResourceEstimate.forRun(c).hostBytes()),
            path);
    return Optional.of(new Violation(path, message));
  }
}
