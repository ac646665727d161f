package dev.depthlab.backend.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * With graphs on ({@link CudaBackend.Graphs}), {@link CudaGroup#step} enqueues nothing: it checks
 * its arguments and notes (step, offset, count, learning rate, trace record). {@link
 * CudaGroup#endEpoch} then runs the epoch's steps as one CUDA graph ({@link Lane#beginCapture}):
 * the first epoch captures them, exactly the calls the step-by-step path enqueues, in the same
 * order, and every later epoch whose steps match (the same offsets, counts, learning rates and
 * trace records, the same order buffer) launches the captured graph again: one host call per epoch
 * instead of {@code (5 L + 2)} per step. What varies between epochs, the sample order, is read from
 * device memory (the order buffer {@link CudaGroup#beginEpoch} fills) when the graph runs, never
 * baked into it; the offsets, diagnostic slots and learning rate are the same every epoch of a run
 * (the learning rate is a constant of the study; a different one only makes the next epoch capture
 * anew). A call that needs the epoch's steps done before it ({@link CudaGroup#gradients}, {@link
 * CudaGroup#evaluate}, ... inside an epoch) first enqueues the steps noted so far one by one. The
 * same kernels run in the same order on the same bytes, so both paths give the same bits.
 *
 * <p>Off for the rest of the group's life when a capture fails: the epoch then runs step by step,
 * with a warning.
 */
final class EpochGraphs {
  private final Lane lane;
  private final LayeredStep step;

  /** The buffer of the warm-up batch's diagnostics row (the group's scratch row). */
  private final long scratchDiag;

  private final int diagWidth;

  private boolean on;

  /**
   * Whether this group's lane has run its step's GEMMs uncaptured: cuBLAS initialises a handle
   * lazily on its first calls, which must not happen inside a capture.
   */
  private boolean warmedUp;

  /** The epoch's steps noted and not yet enqueued. */
  private final List<LayeredStep.Noted> noted = new ArrayList<>();

  /** The last epoch's captured graph and the steps it holds; null before the first. */
  private Captured captured;

  /** Graphs captured and graph launches over the group's life (tests and bench count them). */
  private int captures;

  private long launches;

  /** A captured epoch and the steps (with the order buffer and its stride) it was captured from. */
  private record Captured(
      long order, int orderStride, List<LayeredStep.Noted> steps, Lane.Graph graph) {
    boolean holds(long order, int orderStride, List<LayeredStep.Noted> steps) {
      return this.order == order && this.orderStride == orderStride && this.steps.equals(steps);
    }
  }

  EpochGraphs(Lane lane, LayeredStep step, long scratchDiag, int diagWidth, boolean on) {
    this.lane = lane;
    this.step = step;
    this.scratchDiag = scratchDiag;
    this.diagWidth = diagWidth;
    this.on = on;
  }

  /** Whether epochs run as graphs (steps are noted, not enqueued). */
  boolean on() {
    return on;
  }

  int captures() {
    return captures;
  }

  long launches() {
    return launches;
  }

  void note(LayeredStep.Noted s) {
    noted.add(s);
  }

  /** Enqueues the noted steps one by one (a call inside an epoch needs them done before it). */
  void enqueueNoted(long order, int orderStride) {
    for (LayeredStep.Noted s : noted) {
      step.enqueue(order, orderStride, s);
    }
    noted.clear();
  }

  /** Forgets the noted steps (the group closes: nothing will read what they write). */
  void dropNoted() {
    noted.clear();
  }

  /**
   * Runs the noted steps as one graph launch: the last epoch's graph when it holds the same steps,
   * else a new capture of them (releasing the old graph).
   */
  void launchNoted(long order, int orderStride) {
    if (noted.isEmpty()) {
      return;
    }
    List<LayeredStep.Noted> epoch = List.copyOf(noted);
    noted.clear();
    if (captured == null || !captured.holds(order, orderStride, epoch)) {
      if (captured != null) {
        captured.graph().close();
        captured = null;
      }
      Lane.Graph graph;
      try {
        graph = capture(order, orderStride, epoch);
      } catch (RuntimeException e) {
        // captured work never runs, so the epoch is still to do: step by step from here on
        on = false;
        System.err.println(
            "depthlab: warning: CUDA graph capture failed ("
                + e.getMessage()
                + "); this group runs step by step (cuda.graphs: off avoids the attempt)");
        for (LayeredStep.Noted s : epoch) {
          step.enqueue(order, orderStride, s);
        }
        return;
      }
      captured = new Captured(order, orderStride, epoch, graph);
      captures++;
    }
    captured.graph().launch();
    launches++;
  }

  /**
   * Captures the steps' calls as one graph; a failed capture is ended before it is thrown. Before
   * the lane's first capture, the first step's forward and backward pass runs once uncaptured into
   * scratch (its GEMMs and kernels write only buffers the graph rewrites before reading, and the
   * step diagnostics into the scratch row), so cuBLAS has initialised outside any capture.
   */
  private Lane.Graph capture(long order, int orderStride, List<LayeredStep.Noted> epoch) {
    if (!warmedUp) {
      LayeredStep.Noted s = epoch.get(0);
      step.batch(order, orderStride, s.offset(), s.count(), scratchDiag, diagWidth);
      warmedUp = true;
    }
    lane.beginCapture();
    try {
      for (LayeredStep.Noted s : epoch) {
        step.enqueue(order, orderStride, s);
      }
    } catch (RuntimeException | Error e) {
      try {
        lane.endCapture().close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return lane.endCapture();
  }

  /** Releases the last epoch's graph. */
  void close() {
    if (captured != null) {
      Lane.Graph g = captured.graph();
      captured = null;
      g.close();
    }
  }
}
