package dev.depthlab.backend.cpu;

import dev.depthlab.backend.Evaluation;
import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.RPass;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.StepLog;
import dev.depthlab.data.DataSet;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A group on the CPU: its replicas are independent {@link CpuNet}s stepped one after another, or,
 * for narrow networks on the vector path ({@link #lanes}), trained in blocks of SIMD lanes ({@link
 * LaneNet64}, {@link LaneNet32}: the same bits per replica) whose parameters are copied back to the
 * nets before anything reads them. A step records its diagnostics (loss, batch accuracy, squared
 * weight-gradient norms) and, on traced steps, copies the traced layer; {@link #endEpoch} hands
 * them over.
 */
final class CpuGroup implements Group {
  private final GroupSpec spec;
  private final CpuNet[] nets;
  private final int layers;
  private int[][] order;
  private int steps;
  private double[] loss;
  private double[] gradSq;
  private final double[] accuracy;

  /** Each replica's training-set size, for {@link Group#checkBatches}. */
  private final int[] nTrain;

  /** Each replica's training set, for the Hessian-vector products ({@link RPass}). */
  private final List<DataSet> train = new ArrayList<>();

  /** Steps taken over the group's life, for the trace interval (see {@link GroupSpec}). */
  private long lifeSteps;

  /** This epoch's traced steps and [R][traceSlots][traceSize] records. */
  private final int[] traced;

  private int tracedCount;
  private final double[] trace;

  /**
   * The lane blocks (replicas {@code k * lanes ..} in block k), or null when the replicas step one
   * by one. A last block is padded only when it fills half its lanes or more; fewer replicas left
   * over step one by one (a padded lane costs as much as a used one). While {@link #netsStale}, the
   * blocks hold the current parameters and the nets do not.
   */
  private final LaneNet[] blocks;

  /** Replicas per block: the lanes of one vector in the group's precision (0 without blocks). */
  private final int width;

  /** Replicas {@code 0 .. inLanes} train in the blocks, the rest one by one. */
  private final int inLanes;

  private boolean netsStale;

  /** This epoch's order split by block: blockOrder[k] lists block k's replicas' orders. */
  private int[][][] blockOrder;

  CpuGroup(GroupSpec spec, List<ReplicaSetup> replicas) {
    this.spec = spec;
    this.layers = spec.net().layers();
    nets = new CpuNet[replicas.size()];
    nTrain = new int[replicas.size()];
    for (int r = 0; r < nets.length; r++) {
      nets[r] =
          spec.precision() == Precision.FP64
              ? new CpuNet64(spec.net(), spec.maxBatch(), replicas.get(r))
              : new CpuNet32(spec.net(), spec.maxBatch(), replicas.get(r));
      nTrain[r] = replicas.get(r).train().size();
      train.add(replicas.get(r).train());
    }
    loss = new double[nets.length * spec.maxStepsPerEpoch()];
    gradSq = new double[nets.length * spec.maxStepsPerEpoch() * layers];
    accuracy = new double[nets.length * spec.maxStepsPerEpoch()];
    traced = new int[spec.traceSlots()];
    trace = new double[nets.length * spec.traceSlots() * spec.traceSize()];
    boolean fp64 = spec.precision() == Precision.FP64;
    if (lanes(spec.net(), spec.precision(), nets.length)) {
      // the lane classes name jdk.incubator.vector: touched only on the vector path
      width = fp64 ? LaneNet64.lanes() : LaneNet32.lanes();
      int rest = nets.length % width;
      inLanes = 2 * rest >= width ? nets.length : nets.length - rest;
      blocks = new LaneNet[(inLanes + width - 1) / width];
      for (int k = 0; k < blocks.length; k++) {
        List<ReplicaSetup> block = replicas.subList(k * width, Math.min(inLanes, (k + 1) * width));
        blocks[k] =
            fp64
                ? new LaneNet64(spec.net(), spec.maxBatch(), block)
                : new LaneNet32(spec.net(), spec.maxBatch(), block);
      }
    } else {
      width = 0;
      blocks = null;
      inLanes = 0;
    }
  }

  /**
   * Whether a group of {@code replicas} of {@code net} in {@code precision} trains with replicas in
   * lanes: on the vector path, in either precision, at least two replicas, every layer narrow
   * ({@link LaneNet64#serves}, {@link LaneNet32#serves}). Narrow layers are where the per-replica
   * step spends its time outside full-vector products.
   */
  static boolean lanes(NetworkSpec net, Precision precision, int replicas) {
    return CpuKernels.vector()
        && replicas >= 2
        && (precision == Precision.FP64 ? LaneNet64.serves(net) : LaneNet32.serves(net));
  }

  /** Copies the lane blocks' parameters to the nets when the blocks have moved on. */
  private void syncNets() {
    if (!netsStale) {
      return;
    }
    Parameters p = Parameters.zeros(spec.net());
    for (int r = 0; r < inLanes; r++) {
      blocks[r / width].store(r % width, p);
      nets[r].load(p);
    }
    netsStale = false;
  }

  @Override
  public void beginEpoch(int[][] order) {
    if (order.length != nets.length) {
      throw new IllegalArgumentException(
          "order has " + order.length + " replicas, group has " + nets.length);
    }
    this.order = order;
    if (blocks != null) {
      blockOrder = new int[blocks.length][][];
      for (int k = 0; k < blocks.length; k++) {
        blockOrder[k] = Arrays.copyOfRange(order, k * width, Math.min(inLanes, (k + 1) * width));
      }
    }
    this.steps = 0;
    this.tracedCount = 0;
  }

  @Override
  public void step(int offset, int count, double lr) {
    if (count > spec.maxBatch() || steps >= spec.maxStepsPerEpoch()) {
      throw new IllegalStateException("step exceeds the group's batch or steps-per-epoch size");
    }
    int cap = spec.maxStepsPerEpoch();
    lifeSteps++;
    boolean traceNow = spec.traceLayer() >= 0 && lifeSteps % spec.traceEvery() == 0;
    int size = spec.traceSize();
    if (blocks != null) {
      stepLanes(offset, count, lr);
    }
    for (int r = inLanes; r < nets.length; r++) {
      int slot = r * cap + steps;
      loss[slot] = nets[r].step(order[r], offset, count, lr, gradSq, slot * layers);
      // a second sigmoid per sample: about 3% of a depth-1 step, so only when asked
      accuracy[slot] = spec.stepAccuracy() ? nets[r].batchAccuracy(count) : Double.NaN;
      if (traceNow) {
        nets[r].copyLayer(spec.traceLayer(), trace, (r * traced.length + tracedCount) * size);
      }
    }
    if (traceNow) {
      syncNets();
      for (int r = 0; r < inLanes; r++) {
        nets[r].copyLayer(spec.traceLayer(), trace, (r * traced.length + tracedCount) * size);
      }
      traced[tracedCount++] = steps;
    }
    steps++;
  }

  /** {@link #step}'s records of the replicas in lanes (traces aside). */
  private void stepLanes(int offset, int count, double lr) {
    int cap = spec.maxStepsPerEpoch();
    for (int k = 0; k < blocks.length; k++) {
      int from = k * width;
      blocks[k].step(
          blockOrder[k],
          offset,
          count,
          lr,
          loss,
          from * cap + steps,
          cap,
          gradSq,
          (from * cap + steps) * layers,
          cap * layers);
    }
    netsStale = true;
    for (int r = 0; r < inLanes; r++) {
      accuracy[r * cap + steps] =
          spec.stepAccuracy() ? blocks[r / width].batchAccuracy(r % width, count) : Double.NaN;
    }
  }

  @Override
  public StepLog endEpoch() {
    int cap = spec.maxStepsPerEpoch();
    int rN = nets.length;
    double[] l = new double[rN * steps];
    double[] g = new double[rN * steps * layers];
    double[] a = new double[rN * steps];
    int size = spec.traceSize();
    double[] t = new double[rN * tracedCount * size];
    for (int r = 0; r < rN; r++) {
      System.arraycopy(loss, r * cap, l, r * steps, steps);
      System.arraycopy(gradSq, r * cap * layers, g, r * steps * layers, steps * layers);
      System.arraycopy(accuracy, r * cap, a, r * steps, steps);
      System.arraycopy(
          trace, r * traced.length * size, t, r * tracedCount * size, tracedCount * size);
    }
    return new StepLog(rN, steps, layers, l, g, a, Arrays.copyOf(traced, tracedCount), t);
  }

  @Override
  public Gradients gradients(int[][] indices) {
    Group.checkBatches(indices, spec.maxBatch(), nTrain);
    syncNets();
    int rN = nets.length;
    double[][][] gw = new double[rN][][];
    double[][][] gb = new double[rN][][];
    double[] lossOut = new double[rN];
    for (int r = 0; r < rN; r++) {
      Parameters shape = Parameters.zeros(spec.net());
      gw[r] = shape.weights();
      gb[r] = shape.biases();
      lossOut[r] = nets[r].gradients(indices[r], gw[r], gb[r]);
    }
    return new Gradients(gw, gb, lossOut);
  }

  @Override
  public Gradients hessianTimes(int[][] indices, List<Parameters> v) {
    Group.checkBatches(indices, spec.maxBatch(), nTrain);
    return RPass.times(spec.net(), allParameters(), train, indices, v);
  }

  @Override
  public Evaluation evaluate() {
    int rN = nets.length;
    double[] trL = new double[rN];
    double[] trA = new double[rN];
    double[] teL = new double[rN];
    double[] teA = new double[rN];
    double[][] dead = new double[rN][spec.net().depth()];
    double[] out = new double[4];
    syncNets();
    for (int r = 0; r < rN; r++) {
      nets[r].evaluate(out, dead[r]);
      trL[r] = out[0];
      trA[r] = out[1];
      teL[r] = out[2];
      teA[r] = out[3];
    }
    return new Evaluation(trL, trA, teL, teA, dead);
  }

  @Override
  public List<Parameters> allParameters() {
    List<Parameters> out = new ArrayList<>(nets.length);
    for (int r = 0; r < nets.length; r++) {
      out.add(parameters(r));
    }
    return out;
  }

  @Override
  public Parameters parameters(int replica) {
    syncNets();
    Parameters p = Parameters.zeros(spec.net());
    nets[replica].parameters(p);
    return p;
  }

  @Override
  public void setParameters(List<Parameters> all) {
    if (all.size() != nets.length) {
      throw new IllegalArgumentException(
          all.size() + " parameter sets for a group of " + nets.length + " replicas");
    }
    for (int r = 0; r < nets.length; r++) {
      Parameters p = all.get(r);
      for (int l = 0; l < layers; l++) {
        if (p.weights()[l].length != spec.net().fanIn(l) * spec.net().fanOut(l)
            || p.biases()[l].length != spec.net().fanOut(l)) {
          throw new IllegalArgumentException(
              "parameters of layer " + l + " do not fit " + spec.net());
        }
      }
      nets[r].load(p);
      if (r < inLanes) {
        blocks[r / width].load(r % width, p);
      }
    }
    netsStale = false;
  }

  @Override
  public double[] predict(int replica, double[] inputs) {
    int n = Group.checkPredict(replica, inputs, nets.length, spec.net().inputs());
    double[] out = new double[n];
    syncNets();
    nets[replica].predict(inputs, n, out);
    return out;
  }

  @Override
  public void close() {
    // nothing to free: the arrays go with the group
  }
}
