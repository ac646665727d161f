package dev.depthlab.backend.cuda;

import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.common.UserError;
import dev.depthlab.data.DataSet;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.List;

/**
 * The host-side shape of a group, before anything is allocated: its network and replicas, where
 * each layer's weights and biases lie in the parameter buffer (per layer W of all R, then b of all
 * R), the squared-norm chunk table, and the data sizes; every buffer's elements checked against the
 * kernels' 32-bit indices ({@link #elements}).
 */
final class GroupLayout {
  final NetworkSpec net;
  final int replicas;
  final int layers;
  final int[] sizes;
  final int maxBatch;
  final int maxSteps;
  final int diagWidth;
  final int nTrain;
  final int nTest;

  /** Units of all hidden layers, in order (the dead-unit flags' columns). */
  final int hiddenUnits;

  /** The kernels' activation code: DL_RELU 0, DL_LEAKY_RELU 1, DL_TANH 2. */
  final int act;

  final double slope;
  final double clipEps;

  /** 1 when the batch's loss is a mean (gradients scaled by 1 / rows), 0 for a sum. */
  final int mean;

  final int[] wOff;
  final int[] bOff;
  final int paramCount;

  /**
   * The squared-norm chunks of grad_norm_chunks: {@code normTable[4 l ..]} = layer l's first chunk,
   * chunks per replica, weight block offset, weights per replica; {@code normChunks} in all.
   */
  final int[] normTable;

  final int normChunks;

  GroupLayout(GroupSpec spec, List<ReplicaSetup> setups) {
    net = spec.net();
    replicas = setups.size();
    if (replicas < 1) {
      throw new IllegalArgumentException("a group needs at least one replica");
    }
    layers = net.layers();
    sizes = net.sizes();
    act = net.activation().ordinal();
    slope = net.leakySlope();
    clipEps = net.clipEps();
    mean = net.reduction() == Reduction.MEAN ? 1 : 0;
    maxBatch = spec.maxBatch();
    maxSteps = spec.maxStepsPerEpoch();
    diagWidth = DiagRow.width(layers);
    int hidden = 0;
    for (int h = 1; h < layers; h++) {
      hidden += sizes[h];
    }
    hiddenUnits = hidden;

    DataSet train0 = setups.get(0).train();
    DataSet test0 = setups.get(0).test();
    nTrain = train0.size();
    nTest = test0.size();
    for (int r = 0; r < replicas; r++) {
      DataSet tr = setups.get(r).train();
      DataSet te = setups.get(r).test();
      if (tr.size() != nTrain || te.size() != nTest) {
        throw new IllegalArgumentException(
            "cuda groups need equal train and test sizes across replicas; replica "
                + r
                + " has "
                + tr.size()
                + "/"
                + te.size()
                + ", replica 0 "
                + nTrain
                + "/"
                + nTest);
      }
      if (tr.features() != net.inputs() || te.features() != net.inputs()) {
        throw new IllegalArgumentException(
            "replica "
                + r
                + ": data has "
                + tr.features()
                + " features, the network "
                + net.inputs()
                + " inputs");
      }
      checkShape(setups.get(r).initial());
    }

    wOff = new int[layers];
    bOff = new int[layers];
    normTable = new int[4 * layers];
    int off = 0;
    int chunks = 0;
    for (int l = 0; l < layers; l++) {
      int wn = elements("layer " + l + "'s weights", sizes[l], sizes[l + 1]);
      wOff[l] = off;
      off = elements("the parameters", 1, off + (long) elements("weights", replicas, wn));
      bOff[l] = off;
      off = elements("the parameters", 1, off + (long) elements("biases", replicas, sizes[l + 1]));
      int perReplica = (wn + CudaGroup.CHUNK - 1) / CudaGroup.CHUNK;
      normTable[4 * l] = chunks;
      normTable[4 * l + 1] = perReplica;
      normTable[4 * l + 2] = wOff[l];
      normTable[4 * l + 3] = wn;
      chunks += replicas * perReplica; // at most the parameters' count, checked above
    }
    paramCount = off;
    normChunks = chunks;

    // every buffer's elements fit the kernels' 32-bit indices (kernels/common.cuh), before any
    // allocation: the batch rows, the data sets, the diagnostics, the evaluation
    for (int l = 0; l < layers; l++) {
      elements("layer " + l + "'s batch activations", replicas, maxBatch, sizes[l]);
      elements("layer " + l + "'s batch outputs", replicas, maxBatch, sizes[l + 1]);
      elements(
          "layer " + l + "'s evaluation outputs", replicas, Math.max(nTrain, nTest), sizes[l + 1]);
    }
    elements("the training inputs", replicas, nTrain, sizes[0]);
    elements("the test inputs", replicas, Math.max(nTest, 1), sizes[0]);
    elements("the step diagnostics", replicas, maxSteps, diagWidth);
  }

  /** The hidden activation as the kernels take it. */
  CudaKernelCalls.Act activation() {
    return new CudaKernelCalls.Act(act, slope);
  }

  /** Refuses parameters of another shape than the network's. */
  void checkShape(Parameters p) {
    for (int l = 0; l < layers; l++) {
      if (p.weights()[l].length != sizes[l] * sizes[l + 1]
          || p.biases()[l].length != sizes[l + 1]) {
        throw new IllegalArgumentException("parameters of layer " + l + " do not fit " + net);
      }
    }
  }

  /** Writes replica r's parameters into their places in a host image of the parameter buffer. */
  void pack(Parameters p, int r, double[] image) {
    for (int l = 0; l < layers; l++) {
      int wn = sizes[l] * sizes[l + 1];
      int bn = sizes[l + 1];
      System.arraycopy(p.weights()[l], 0, image, wOff[l] + r * wn, wn);
      System.arraycopy(p.biases()[l], 0, image, bOff[l] + r * bn, bn);
    }
  }

  /** Every replica's parameters from a host image of the parameter buffer. */
  List<Parameters> unpack(double[] all) {
    List<Parameters> out = new ArrayList<>(replicas);
    for (int r = 0; r < replicas; r++) {
      Parameters p = Parameters.zeros(net);
      for (int l = 0; l < layers; l++) {
        int wn = sizes[l] * sizes[l + 1];
        int bn = sizes[l + 1];
        System.arraycopy(all, wOff[l] + r * wn, p.weights()[l], 0, wn);
        System.arraycopy(all, bOff[l] + r * bn, p.biases()[l], 0, bn);
      }
      out.add(p);
    }
    return out;
  }

  /**
   * The product of {@code factors}: the elements of a device buffer (or an index into one), in
   * exact arithmetic. The kernels index every buffer with 32-bit ints (kernels/common.cuh), so a
   * buffer of more than {@link Integer#MAX_VALUE} elements is refused here, by name, before
   * anything is allocated or launched, instead of wrapping into a wrong index.
   */
  static int elements(String what, long... factors) {
    long n = 1;
    for (long f : factors) {
      n = f < 0 ? -1 : Math.multiplyExact(n, f);
      if (n < 0 || n > Integer.MAX_VALUE) {
        throw new UserError(
            "cuda: "
                + what
                + " would hold "
                + (n < 0 ? "a negative number of" : "more than " + Integer.MAX_VALUE)
                + " elements "
                + java.util.Arrays.toString(factors)
                + ", past the 32-bit indices of the CUDA kernels: use fewer replicas, a smaller"
                + " batch or data set, or narrower layers (or --backend cpu)");
      }
    }
    return (int) n;
  }
}
