package dev.depthlab.config;

import dev.depthlab.model.Precision;
import java.util.List;
import java.util.Locale;

/**
 * Memory and compute of a study's largest group, estimated from its shapes before anything runs
 * (docs/config.md, "Limits"), so what cannot fit is refused in one line instead of ending in an
 * OutOfMemoryError.
 *
 * <p>Counted in bytes, as doubles (sizes up to the int range squared overflow a long), for the
 * deepest network of the study: per replica, the backend's parameter, gradient and activation
 * buffers, the host's copies of the parameters (initial, previous epoch, current), the data, the
 * evaluation buffers, and the diagnostics a run keeps until it is written (epoch records, steps,
 * step weights, boundary snapshots). The device side follows the CUDA group's allocations
 * (parameters, gradients, activations and the data of every replica, evaluation over a whole set at
 * once). Compute: 6 FLOP per weight and sample of a step (forward 2, backward 4), 2 per weight and
 * point of a diagnostic pass.
 *
 * @param replicas the replicas of one group (the seeds on a backend that trains them together)
 * @param parameters weights and biases of one replica
 * @param parameterBytes host bytes of parameters and gradients, every replica
 * @param activationBytes host bytes of activations and evaluation buffers, every replica
 * @param dataBytes host bytes of training and test data, every replica
 * @param diagnosticBytes host bytes of what the runs keep until written, every replica
 * @param deviceBytes device bytes of the group on a CUDA backend
 * @param runFlops floating-point operations of one run of the largest network
 * @param studyFlops floating-point operations of every run of the study
 */
public record ResourceEstimate(
    int replicas,
    double parameters,
    double parameterBytes,
    double activationBytes,
    double dataBytes,
    double diagnosticBytes,
    double deviceBytes,
    double runFlops,
    double studyFlops) {
  /** Rows of the CPU backend's evaluation chunks (CpuNet.EVAL_CHUNK). */
  static final int EVAL_CHUNK = 256;

  /** Rows of the CUDA backend's reduction chunks (CudaGroup.CHUNK). */
  static final int DEVICE_CHUNK = 64;

  /** Points of the CUDA backend's predict buffers (CudaGroup.PREDICT_CHUNK). */
  static final int PREDICT_CHUNK = 1024;

  /** Bytes a JVM object header and array length take, rounded up. */
  private static final int HEADER = 16;

  /** The estimate for one run (one replica) of {@code c}'s largest network. */
  public static ResourceEstimate forRun(StudyConfig c) {
    return forGroup(c, 1);
  }

  /** The estimate for a group of {@code replicas} replicas of {@code c}'s largest network. */
  public static ResourceEstimate forGroup(StudyConfig c, int replicas) {
    return forGroup(c, replicas, Shape.largest(c.model()).depth());
  }

  /**
   * The estimate for a group of {@code replicas} replicas of {@code c}'s network at {@code
   * hiddenLayers} hidden layers (its explicit layers if it has them); the compute stays the study's
   * (largest network, every run).
   */
  public static ResourceEstimate forGroup(StudyConfig c, int replicas, int hiddenLayers) {
    Shape net = Shape.of(c.model(), hiddenLayers);
    double r = replicas;
    double layers = net.layers();
    double weights = net.weights();
    double units = net.units();
    double inputs = net.inputs();
    double widest = net.widest();
    double hidden = units - 1;
    double params = weights + units;
    double elem = c.precision() == Precision.FP32 ? 4 : 8;

    double nTrain = c.data().nTrain();
    double nTest =
        c.data().test().isSplit()
            ? Math.ceil(c.data().test().fraction() * nTrain)
            : c.data().test().n();
    double batch = c.training().batchFor(c.data().nTrain());
    double stepsPerEpoch = Math.ceil(nTrain / batch);
    double epochs = c.training().epochs();
    double steps = epochs * stepsPerEpoch;
    DiagnosticsConfig d = c.diagnostics();

    // the backend's w, b, dw, db and the transposed weights; the host's initial, previous and
    // current parameters (fp64); the sharpness estimate's vectors when on (its Lanczos basis)
    double paramBytes = (2 * params + weights) * elem + 3 * params * 8;
    if (d.sharpness().on()) {
      paramBytes += (d.sharpness().iterations() + 6) * params * 8;
    }
    // a, z, dz of a batch; the non-zero indices of a and dz (int); the evaluation chunks
    double actBytes =
        batch * (inputs + 2 * units) * elem
            + batch * (inputs + units) * 4
            + 6 * widest * EVAL_CHUNK * elem;
    // x (2 features) and y of both sets, in the data set and in the backend's copy
    double dataBytes = (nTrain + nTest) * 3 * 8 * 2;
    // the step buffers of one epoch; an epoch record (six per-layer arrays) per epoch; what
    // steps.csv, step_weights.csv and boundary.csv will hold, kept until the run is written
    double diagBytes =
        stepsPerEpoch * (layers + 2) * 8 + epochs * (160 + 6 * (HEADER + 8 * layers));
    if (d.steps()) {
      diagBytes += steps * (HEADER + 40 + 8);
    }
    if (d.stepWeights().on()) {
      int l = d.stepWeights().layer() - 1;
      double traced = (net.fanIn(l) + 1) * net.fanOut(l);
      diagBytes += (steps / d.stepWeights().every() + 1) * (HEADER + 40 + traced * 8);
    }
    double grid = d.snapshots().grid();
    double snapshots = d.snapshots().every() == 0 ? 1 : epochs / d.snapshots().every() + 2;
    diagBytes += snapshots * (HEADER + 40 + grid * grid * 8);
    if (d.jacobian().on()) { // jacobian.csv: per snapshot and probe, a layer of singular values
      double jac = epochs / d.jacobian().every() + 2;
      diagBytes += jac * d.jacobian().probes() * (HEADER + widest * 8);
    }

    // CUDA (CudaGroup's allocations): parameters and gradients, a batch's a, z, dz and labels,
    // both data sets, an epoch's sample order, the evaluation of a whole set at once (z of every
    // layer, a of every hidden one) with its partial sums and dead-unit flags, the per-step
    // diagnostics, the gradient-norm partial sums; and, once per group, the predict buffers
    double rows = Math.max(1, Math.max(nTrain, nTest));
    double chunks = Math.ceil(rows / DEVICE_CHUNK);
    double device =
        r
                * ((2 * params + batch * (inputs + 2 * units + 1)) * elem
                    + 8 * batch
                    + (nTrain + Math.max(1, nTest)) * 3 * elem
                    + 4 * nTrain
                    + rows * (units + hidden) * elem
                    + 16 * chunks
                    + 4 * hidden * Math.ceil(nTrain / DEVICE_CHUNK)
                    + 8 * (stepsPerEpoch + 1) * (layers + 2)
                    + 8 * (weights / DEVICE_CHUNK + layers)
                    + 8 * (hidden + 8))
            + PREDICT_CHUNK * (inputs + units + 1) * elem
            + 4096; // the parameter-norm table and other buffers of a few bytes
    if (d.sharpness().on()) { // the device R-pass (DeviceRPass): v, H v, R(a), R(z), R(dz), dA
      device += r * ((2 * params + batch * (hidden + 2 * units + widest)) * elem + 4 * batch);
    }

    double stepFlops = 6 * weights * batch;
    double evalFlops = 2 * weights * (nTrain + nTest);
    double runFlops = steps * stepFlops + Math.ceil(epochs / d.every()) * evalFlops;
    double studyFlops = 0;
    for (int depth : depthsOf(c.model())) {
      studyFlops += runFlops * Shape.of(c.model(), depth).weights() / weights;
    }
    studyFlops *= (double) c.data().sets().size() * c.seeds().size();
    return new ResourceEstimate(
        replicas,
        params,
        r * paramBytes,
        r * actBytes,
        r * dataBytes,
        r * diagBytes,
        device,
        runFlops,
        studyFlops);
  }

  /** Pixels of one figure the report draws at a time (ChartStyle's 900 x 560, rounded up). */
  static final double FIGURE_PIXELS = 1024 * 640;

  /**
   * Host bytes of a study's report stage, which starts once training is over: what the report keeps
   * of every run (its per-epoch loss, gradient-norm and dead-fraction series per layer, and its
   * sharpness estimates, as doubles) and, per drawing thread, a figure's raster (4 bytes a pixel)
   * with its PNG and SVG encodings (counted as four rasters).
   */
  public static double reportBytes(StudyConfig c, int threads) {
    double perEpoch = 0;
    for (int depth : depthsOf(c.model())) {
      perEpoch += 8 * (3 + 2 * Shape.of(c.model(), depth).layers()) + HEADER;
    }
    double runs = (double) c.data().sets().size() * c.seeds().size();
    double curves = runs * c.training().epochs() * perEpoch;
    return curves + runs * depthsOf(c.model()).size() * 1024 + threads * 4 * 4 * FIGURE_PIXELS;
  }

  /** Host bytes of the whole group. */
  public double hostBytes() {
    return parameterBytes + activationBytes + dataBytes + diagnosticBytes;
  }

  /** The estimate's largest part on the host, as its name for a message. */
  public String largestPart() {
    double[] parts = {parameterBytes, activationBytes, dataBytes, diagnosticBytes};
    String[] names = {"parameters", "activations", "data", "diagnostics"};
    int k = 0;
    for (int i = 1; i < parts.length; i++) {
      k = parts[i] > parts[k] ? i : k;
    }
    return names[k];
  }

  /**
   * The key a user should lower to shrink the largest part: the network's size for parameters and
   * activations, n_train for the data, the diagnostics that keep the most for diagnostics.
   */
  public String keyToLower(StudyConfig c) {
    return switch (largestPart()) {
      case "data" -> "data.n_train";
      case "diagnostics" -> c.diagnostics().steps() ? "diagnostics.steps" : "training.epochs";
      case "activations" -> c.training().batchSize() > 0 ? "training.batch_size" : "model.width";
      default -> networkKey(c.model());
    };
  }

  /** The key that makes the network big: layers, width or depths (whichever dominates). */
  static String networkKey(ModelConfig m) {
    if (m.explicitLayers()) {
      return "model.layers";
    }
    int deepest = depthsOf(m).stream().mapToInt(Integer::intValue).max().orElse(0);
    // parameters grow as depth x width^2: width decides unless the depth is the larger number
    return deepest > m.width() ? "model.depths" : "model.width";
  }

  /** A key and its value for a message: "model.width 100000000", "model.depths [1000000]". */
  public static String describe(StudyConfig c, String key) {
    ModelConfig m = c.model();
    Object value =
        switch (key) {
          case "model.layers" -> m.layers();
          case "model.depths" -> m.depths();
          case "model.width" -> m.width();
          case "data.n_train" -> c.data().nTrain();
          case "training.batch_size" -> c.training().batchSize();
          case "training.epochs" -> c.training().epochs();
          case "diagnostics.steps" -> c.diagnostics().steps();
          default -> "";
        };
    String shown = value.toString();
    // a list of a million depths is named, not printed
    return shown.length() > 60 ? key + " " + shown.substring(0, 57) + "..." : key + " " + shown;
  }

  /** "74.5 GiB", "512 B". */
  public static String bytes(double b) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int u = 0;
    while (b >= 1024 && u < units.length - 1) {
      b /= 1024;
      u++;
    }
    return u == 0
        ? String.format(Locale.ROOT, "%.0f B", b)
        : String.format(Locale.ROOT, b < 10 ? "%.1f %s" : "%.0f %s", b, units[u]);
  }

  /** "3 h", "12 days", "4.1e+05 years". */
  public static String duration(double seconds) {
    if (seconds < 120) {
      return String.format(Locale.ROOT, "%.0f s", seconds);
    }
    if (seconds < 2 * 3600) {
      return String.format(Locale.ROOT, "%.0f min", seconds / 60);
    }
    if (seconds < 2 * 86400) {
      return String.format(Locale.ROOT, "%.0f h", seconds / 3600);
    }
    double days = seconds / 86400;
    return days < 730
        ? String.format(Locale.ROOT, "%.0f days", days)
        : String.format(Locale.ROOT, "%.2g years", days / 365);
  }

  private static List<Integer> depthsOf(ModelConfig m) {
    return m.explicitLayers() ? List.of(m.layers().size() - 2) : m.depths();
  }

  /**
   * Sums over the layers of one network, computed without building it (a depth of a million is
   * described, not allocated): {@code layers} weight layers, their weights, outputs and inputs.
   */
  record Shape(
      double layers,
      double weights,
      double units,
      double inputs,
      double widest,
      int[] explicit,
      int depth,
      double width) {
    /** The deepest network of {@code m}. */
    static Shape largest(ModelConfig m) {
      return of(m, depthsOf(m).stream().mapToInt(Integer::intValue).max().orElse(0));
    }

    /** {@code m}'s network at {@code depth} hidden layers (its explicit layers if it has them). */
    static Shape of(ModelConfig m, int depth) {
      if (m.explicitLayers()) {
        int[] s = m.layers().stream().mapToInt(Integer::intValue).toArray();
        double weights = 0;
        double units = 0;
        double inputs = 0;
        double widest = 0;
        for (int l = 0; l + 1 < s.length; l++) {
          weights += (double) s[l] * s[l + 1];
          units += s[l + 1];
          inputs += s[l];
          widest = Math.max(widest, Math.max(s[l], s[l + 1]));
        }
        return new Shape(s.length - 1, weights, units, inputs, widest, s, 0, 0);
      }
      double w = m.width();
      double d = depth;
      if (depth == 0) {
        return new Shape(1, 2, 1, 2, 2, null, 0, w);
      }
      // 2 -> w, (d - 1) times w -> w, w -> 1
      return new Shape(
          d + 1, 2 * w + (d - 1) * w * w + w, d * w + 1, 2 + d * w, Math.max(2, w), null, depth, w);
    }

    /** Inputs of weight layer {@code l} (0-based). */
    double fanIn(int l) {
      return explicit != null ? explicit[l] : l == 0 ? 2 : width;
    }

    /** Outputs of weight layer {@code l} (0-based). */
    double fanOut(int l) {
      return explicit != null ? explicit[l + 1] : l == depth ? 1 : width;
    }
  }
}
