package dev.depthlab.backend.reference;

import dev.depthlab.backend.Evaluation;
import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.RPass;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.StepLog;
import dev.depthlab.data.DataSet;
import dev.depthlab.model.Parameters;
import java.util.ArrayList;
import java.util.List;

/**
 * A group of {@link ReferenceNet}s stepped one after another. Each step's diagnostics (loss,
 * squared weight-gradient norm per layer, batch accuracy when asked, the traced layer on traced
 * steps) are kept in lists until {@link #endEpoch} packs them into a {@link StepLog}.
 */
final class ReferenceGroup implements Group {
  private final GroupSpec spec;
  private final ReferenceNet[] nets;
  private final int[] nTrain;
  private final List<DataSet> train = new ArrayList<>();

  private int[][] order;

  /** This epoch's diagnostics, one entry per step: a value (or array) per replica. */
  private final List<double[]> loss = new ArrayList<>();

  private final List<double[][]> gradSq = new ArrayList<>();
  private final List<double[]> accuracy = new ArrayList<>();

  /** This epoch's traced steps, and per traced step each replica's layer record. */
  private final List<Integer> traced = new ArrayList<>();

  private final List<double[][]> trace = new ArrayList<>();

  /** Steps over the group's life, counted from 1, for the trace interval (see GroupSpec). */
  private long lifeSteps;

  ReferenceGroup(GroupSpec spec, List<ReplicaSetup> replicas) {
    this.spec = spec;
    nets = new ReferenceNet[replicas.size()];
    nTrain = new int[replicas.size()];
    for (int r = 0; r < nets.length; r++) {
      nets[r] = new ReferenceNet(spec.net(), replicas.get(r));
      nTrain[r] = replicas.get(r).train().size();
      train.add(replicas.get(r).train());
    }
  }

  @Override
  public void beginEpoch(int[][] order) {
    if (order.length != nets.length) {
      throw new IllegalArgumentException(
          "order has " + order.length + " replicas, group has " + nets.length);
    }
    this.order = order;
    loss.clear();
    gradSq.clear();
    accuracy.clear();
    traced.clear();
    trace.clear();
  }

  @Override
  public void step(int offset, int count, double lr) {
    if (count > spec.maxBatch() || loss.size() >= spec.maxStepsPerEpoch()) {
      throw new IllegalStateException("step exceeds the group's batch or steps-per-epoch size");
    }
    int layers = spec.net().layers();
    double[] stepLoss = new double[nets.length];
    double[][] stepGradSq = new double[nets.length][layers];
    double[] stepAccuracy = new double[nets.length];
    for (int r = 0; r < nets.length; r++) {
      stepLoss[r] = nets[r].step(order[r], offset, count, lr, stepGradSq[r]);
      stepAccuracy[r] = spec.stepAccuracy() ? nets[r].batchAccuracy() : Double.NaN;
    }
    lifeSteps++;
    if (spec.traceLayer() >= 0 && lifeSteps % spec.traceEvery() == 0) {
      double[][] records = new double[nets.length][];
      for (int r = 0; r < nets.length; r++) {
        records[r] = nets[r].layer(spec.traceLayer());
      }
      traced.add(loss.size());
      trace.add(records);
    }
    loss.add(stepLoss);
    gradSq.add(stepGradSq);
    accuracy.add(stepAccuracy);
  }

  @Override
  public StepLog endEpoch() {
    int rN = nets.length;
    int steps = loss.size();
    int layers = spec.net().layers();
    int size = spec.traceSize();
    double[] l = new double[rN * steps];
    double[] g = new double[rN * steps * layers];
    double[] acc = new double[rN * steps];
    double[] t = new double[rN * traced.size() * size];
    for (int r = 0; r < rN; r++) {
      for (int s = 0; s < steps; s++) {
        l[r * steps + s] = loss.get(s)[r];
        acc[r * steps + s] = accuracy.get(s)[r];
        for (int k = 0; k < layers; k++) {
          g[(r * steps + s) * layers + k] = gradSq.get(s)[r][k];
        }
      }
      for (int k = 0; k < traced.size(); k++) {
        System.arraycopy(trace.get(k)[r], 0, t, (r * traced.size() + k) * size, size);
      }
    }
    int[] tracedSteps = new int[traced.size()];
    for (int k = 0; k < tracedSteps.length; k++) {
      tracedSteps[k] = traced.get(k);
    }
    return new StepLog(rN, steps, layers, l, g, acc, tracedSteps, t);
  }

  @Override
  public Gradients gradients(int[][] indices) {
    Group.checkBatches(indices, spec.maxBatch(), nTrain);
    int rN = nets.length;
    double[][][] gw = new double[rN][][];
    double[][][] gb = new double[rN][][];
    double[] lossOut = new double[rN];
    for (int r = 0; r < rN; r++) {
      lossOut[r] = nets[r].lossAndGradients(indices[r], 0, indices[r].length);
      Parameters shape = Parameters.zeros(spec.net());
      gw[r] = shape.weights();
      gb[r] = shape.biases();
      nets[r].copyGradients(gw[r], gb[r]);
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
  public double[] predict(int replica, double[] inputs) {
    int n = Group.checkPredict(replica, inputs, nets.length, spec.net().inputs());
    double[] out = new double[n];
    nets[replica].predict(inputs, out);
    return out;
  }

  @Override
  public List<Parameters> allParameters() {
    List<Parameters> out = new ArrayList<>(nets.length);
    for (ReferenceNet net : nets) {
      out.add(net.parameters());
    }
    return out;
  }

  @Override
  public void setParameters(List<Parameters> all) {
    if (all.size() != nets.length) {
      throw new IllegalArgumentException(
          all.size() + " parameter sets for a group of " + nets.length + " replicas");
    }
    for (int r = 0; r < nets.length; r++) {
      nets[r].load(all.get(r));
    }
  }

  @Override
  public void close() {
    // nothing to free: the arrays go with the group
  }
}
