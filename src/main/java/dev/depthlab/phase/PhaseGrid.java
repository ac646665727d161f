package dev.depthlab.phase;

import dev.depthlab.common.UserError;
import dev.depthlab.config.Overrides;
import dev.depthlab.sweep.Variant;
import dev.depthlab.train.RunSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The two axes of a phase diagram as a sweep multirun: each non-depth axis becomes a list-valued
 * {@code --set} (so its values are variants, each its own study folder); {@code model.depths} as an
 * axis is the study's own depth list and becomes one single-valued {@code --set}.
 */
public record PhaseGrid(Axis x, Axis y, List<String> sets) {
  /** The config key whose axis is the study's depth list rather than variants. */
  public static final String DEPTHS = "model.depths";

  public PhaseGrid {
    sets = List.copyOf(sets);
  }

  /** Checks the axes against each other and {@code sets} (the user's own, single-valued). */
  public static PhaseGrid of(Axis x, Axis y, List<String> sets) {
    if (x.key().equals(y.key())) {
      throw new UserError("--x and --y both vary " + x.key() + "; give two different keys");
    }
    if (Overrides.isMultirun(sets)) {
      throw new UserError(
          "phase takes its grid from --x and --y; a --set must have one value here");
    }
    for (Axis a : List.of(x, y)) {
      if (a.key().equals(DEPTHS)) {
        for (String v : a.values()) {
          if (!v.matches("\\d+") || Integer.parseInt(v) < 1) {
            throw new UserError(DEPTHS + " axis: a depth must be a whole number >= 1, got " + v);
          }
        }
      }
    }
    return new PhaseGrid(x, y, sets);
  }

  /** The axis that is the depth list, or null when neither is. */
  public Axis depthAxis() {
    return x.key().equals(DEPTHS) ? x : y.key().equals(DEPTHS) ? y : null;
  }

  /** The axes that become variants, in order (x before y). */
  public List<Axis> variantAxes() {
    List<Axis> out = new ArrayList<>();
    for (Axis a : List.of(x, y)) {
      if (!a.key().equals(DEPTHS)) {
        out.add(a);
      }
    }
    return out;
  }

  /** The {@code --set}s of the multirun: the user's, then the depth list, then the axes. */
  public List<String> overrides() {
    List<String> all = new ArrayList<>(sets);
    Axis d = depthAxis();
    if (d != null) {
      all.add(DEPTHS + "=[" + String.join(",", d.values()) + "]");
    }
    for (Axis a : variantAxes()) {
      all.add(a.key() + "=" + String.join(",", a.values()));
    }
    return all;
  }

  /**
   * The variant holding the runs of grid point ({@code xi}, {@code yi}): the variants come in the
   * order of {@link Overrides#expand} (first axis slowest).
   */
  public Variant variantAt(List<Variant> variants, int xi, int yi) {
    List<Axis> va = variantAxes();
    int index;
    if (va.size() == 2) {
      index = xi * y.values().size() + yi;
    } else {
      index = va.get(0) == x ? xi : yi;
    }
    return variants.get(index);
  }

  /**
   * The depth of grid point ({@code xi}, {@code yi}) when depth is an axis; otherwise the one depth
   * every variant has (a grid without a depth axis needs a study of one depth, refused here).
   */
  public int depthAt(List<Variant> variants, int xi, int yi) {
    Axis d = depthAxis();
    if (d != null) {
      return Integer.parseInt(d == x ? x.values().get(xi) : y.values().get(yi));
    }
    return RunSpec.depthsOf(variants.get(0).config()).get(0);
  }

  /** Refuses, before anything is written, a grid whose cells would mix depths. */
  public void check(List<Variant> variants) {
    int expected = 1;
    for (Axis a : variantAxes()) {
      expected *= a.values().size();
    }
    if (variants.size() != expected) {
      throw new IllegalStateException(variants.size() + " variants for " + expected + " cells");
    }
    if (depthAxis() == null) {
      for (Variant v : variants) {
        List<Integer> depths = RunSpec.depthsOf(v.config());
        if (depths.size() != 1) {
          throw new UserError(
              "neither axis is "
                  + DEPTHS
                  + ", so a cell would mix the study's depths "
                  + depths
                  + "; add --set "
                  + DEPTHS
                  + "=[d] or make one axis "
                  + DEPTHS);
        }
      }
    }
  }
}
