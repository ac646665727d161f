package dev.depthlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.depthlab.backend.Backend;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.backend.reference.ReferenceBackend;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.model.Parameters;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The arithmetic contract's portable bits (docs/arithmetic.md): three small studies (data, initial
 * weights, four epochs of per-step and per-epoch metrics, the final parameters) computed here must
 * give exactly the raw bits committed in {@code golden/arithmetic-bits.txt}, a SHA-256 and the
 * values of every array. A machine, JDK or code change that computes any value differently fails
 * naming the first differing value. The fp64 studies run on the CPU backend and on the plain
 * reference (both must give the committed bits); surefire's scalar-cpu-path execution runs this
 * class again on the CPU's scalar kernels.
 *
 * <p>After a deliberate change of the arithmetic, rewrite the file with {@code
 * DEPTHLAB_GOLDEN_WRITE=1 ./mvnw -B -o test -Dtest=GoldenBitsTest} and say why in the commit.
 */
public class GoldenBitsTest {
  static final String RESOURCE = "golden/arithmetic-bits.txt";
  static final Path SOURCE = Path.of("src/test/resources", RESOURCE);

  /** A study: the config text and the precision it runs in. */
  public record Study(String name, String activation, String precision) {
    StudyConfig config() {
      return ConfigLoader.parse(
          """
          name: golden
          data: {sets: [circle], n_train: 100, test: {n: 50, seed_offset: 100}}
          model: {depths: [3], width: 8, activation: %s}
          training: {epochs: 4, batch_size: 16, lr: 0.05}
          seeds: [7]
          diagnostics: {every: 1, steps: true}
          """
              .formatted(activation),
          "golden.yaml",
          List.of("precision=" + precision));
    }
  }

  public static final List<Study> STUDIES =
      List.of(
          new Study("relu-fp64", "relu", "fp64"),
          new Study("tanh-fp64", "tanh", "fp64"),
          new Study("relu-fp32", "relu", "fp32"));

  static Stream<Arguments> runs() {
    List<Arguments> out = new ArrayList<>();
    for (Study s : STUDIES) {
      out.add(Arguments.of(s, "cpu"));
      if (s.precision().equals("fp64")) {
        out.add(Arguments.of(s, "reference"));
      }
    }
    return out.stream();
  }

  /** Every array of one study, in a fixed order, named. */
  public static Map<String, double[]> compute(Study study, Backend backend) {
    StudyConfig cfg = study.config();
    RunSpec run = new RunSpec(cfg, DatasetSpec.of("circle"), 3, cfg.seeds().get(0));
    Map<String, double[]> out = new LinkedHashMap<>();
    ReplicaSetup setup = Trainer.setupFor(run);
    out.put("train.x", setup.train().x());
    out.put("train.y", setup.train().y());
    out.put("test.x", setup.test().x());
    out.put("test.y", setup.test().y());
    putParameters(out, "initial", setup.initial());
    List<StepRecord> steps = new ArrayList<>();
    RunResult r =
        Trainer.train(
                backend,
                List.of(run),
                new TrainListener() {
                  @Override
                  public void onSteps(int replica, List<StepRecord> s) {
                    steps.addAll(s);
                  }
                })
            .get(0);
    out.put("steps.loss", steps.stream().mapToDouble(StepRecord::loss).toArray());
    out.put("steps.gradNorm", steps.stream().mapToDouble(StepRecord::gradNorm).toArray());
    out.put("steps.accuracy", steps.stream().mapToDouble(StepRecord::accuracy).toArray());
    List<EpochRecord> ep = r.epochs();
    out.put("epochs.batchLoss", ep.stream().mapToDouble(EpochRecord::batchLoss).toArray());
    out.put("epochs.gradNormMean", ep.stream().mapToDouble(EpochRecord::gradNormMean).toArray());
    out.put("epochs.gradNormStd", ep.stream().mapToDouble(EpochRecord::gradNormStd).toArray());
    out.put("epochs.trainLoss", ep.stream().mapToDouble(EpochRecord::trainLoss).toArray());
    out.put("epochs.trainAccuracy", ep.stream().mapToDouble(EpochRecord::trainAccuracy).toArray());
    out.put("epochs.testLoss", ep.stream().mapToDouble(EpochRecord::testLoss).toArray());
    out.put("epochs.testAccuracy", ep.stream().mapToDouble(EpochRecord::testAccuracy).toArray());
    out.put(
        "epochs.weightNorm",
        ep.stream().flatMapToDouble(e -> java.util.Arrays.stream(e.weightNorm())).toArray());
    out.put(
        "epochs.deadFraction",
        ep.stream().flatMapToDouble(e -> java.util.Arrays.stream(e.deadFraction())).toArray());
    putParameters(out, "final", r.finalParameters());
    return out;
  }

  private static void putParameters(Map<String, double[]> out, String prefix, Parameters p) {
    for (int l = 0; l < p.layers(); l++) {
      out.put(prefix + ".w" + l, p.weights()[l]);
      out.put(prefix + ".b" + l, p.biases()[l]);
    }
  }

  static Backend backend(String name) {
    return name.equals("reference") ? new ReferenceBackend() : new CpuBackend();
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("runs")
  void aSmallStudyGivesTheCommittedBits(Study study, String backendName) throws IOException {
    Map<String, double[]> got = compute(study, backend(backendName));
    if (System.getenv("DEPTHLAB_GOLDEN_WRITE") != null) {
      // the CPU backend writes; the reference is compared on the next ordinary run
      assumeTrue(backendName.equals("cpu"), "DEPTHLAB_GOLDEN_WRITE: only the cpu run writes");
      write(study, got);
      return;
    }
    assertCommittedBits(study, backendName, got);
  }

  /**
   * Fails unless {@code got} (of {@link #compute}) holds exactly the committed arrays and bits of
   * {@code study}, naming the first differing value; {@code where} says what computed them.
   */
  public static void assertCommittedBits(Study study, String where, Map<String, double[]> got)
      throws IOException {
    Map<String, String[]> expected = read().get(study.name());
    assertTrue(expected != null, "no golden bits for " + study.name() + " in " + RESOURCE);
    assertEquals(
        List.copyOf(expected.keySet()),
        List.copyOf(got.keySet()),
        study.name() + ": the arrays pinned");
    for (var e : got.entrySet()) {
      String[] want = expected.get(e.getKey());
      double[] have = e.getValue();
      double[] committed = new double[want.length - 1];
      for (int i = 0; i < committed.length; i++) {
        committed[i] = Double.longBitsToDouble(Long.parseUnsignedLong(want[i + 1], 16));
      }
      // the committed values are the ones hashed (no hand edit of one without the other)
      assertEquals(want[0], sha256(committed), RESOURCE + ": " + study.name() + " " + e.getKey());
      if (!sha256(have).equals(want[0])) {
        fail(firstDifference(study.name() + " on " + where, e.getKey(), want, have));
      }
    }
  }

  /** The first value where {@code have} differs from the committed values, as one line. */
  static String firstDifference(String where, String array, String[] want, double[] have) {
    int n = want.length - 1;
    for (int i = 0; i < Math.min(n, have.length); i++) {
      long bits = Long.parseUnsignedLong(want[i + 1], 16);
      if (bits != Double.doubleToRawLongBits(have[i])) {
        double w = Double.longBitsToDouble(bits);
        return String.format(
            "%s: %s[%d] is %s (bits %016x), the committed bits say %s (bits %016x), %d ulp apart;"
                + " see docs/arithmetic.md",
            where,
            array,
            i,
            Double.toString(have[i]),
            Double.doubleToRawLongBits(have[i]),
            Double.toString(w),
            bits,
            Math.abs(Double.doubleToRawLongBits(have[i]) - bits));
      }
    }
    return String.format(
        "%s: %s has %d values, the committed bits %d", where, array, have.length, n);
  }

  /** SHA-256 of the values' raw IEEE 754 bits, big-endian, in order, as hex. */
  static String sha256(double[] v) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * v.length);
      for (double d : v) {
        b.putLong(Double.doubleToRawLongBits(d));
      }
      return HexFormat.of().formatHex(md.digest(b.array()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** study -> array -> [sha256, value bits in hex...], from the committed resource. */
  static Map<String, Map<String, String[]>> read() throws IOException {
    try (InputStream in = GoldenBitsTest.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      assertTrue(in != null, RESOURCE + " not on the test class path");
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
    }
  }

  /** Lines "<study> <array> <count> <sha256>", each followed by one line of the values' bits. */
  static Map<String, Map<String, String[]>> parse(List<String> lines) {
    Map<String, Map<String, String[]>> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] head = line.split(" ");
      String[] values = lines.get(++i).isEmpty() ? new String[0] : lines.get(i).split(" ");
      assertEquals(Integer.parseInt(head[2]), values.length, RESOURCE + " line " + (i + 1));
      String[] entry = new String[values.length + 1];
      entry[0] = head[3];
      System.arraycopy(values, 0, entry, 1, values.length);
      out.computeIfAbsent(head[0], k -> new LinkedHashMap<>()).put(head[1], entry);
    }
    return out;
  }

  /** Replaces one study's block in the source file (DEPTHLAB_GOLDEN_WRITE). */
  private static synchronized void write(Study study, Map<String, double[]> got)
      throws IOException {
    Map<String, Map<String, String[]>> all =
        Files.exists(SOURCE) ? parse(Files.readAllLines(SOURCE)) : new LinkedHashMap<>();
    Map<String, String[]> block = new LinkedHashMap<>();
    for (var e : got.entrySet()) {
      double[] v = e.getValue();
      String[] entry = new String[v.length + 1];
      entry[0] = sha256(v);
      for (int i = 0; i < v.length; i++) {
        entry[i + 1] = String.format("%016x", Double.doubleToRawLongBits(v[i]));
      }
      block.put(e.getKey(), entry);
    }
    all.put(study.name(), block);
    StringBuilder sb = new StringBuilder();
    sb.append("# Raw bits of GoldenBitsTest's small studies (docs/arithmetic.md). Each array:\n");
    sb.append("# '<study> <array> <count> <sha256 of the big-endian bits>', then the bits.\n");
    sb.append("# Written by DEPTHLAB_GOLDEN_WRITE=1 ./mvnw -B -o test -Dtest=GoldenBitsTest\n");
    for (Study s : STUDIES) {
      Map<String, String[]> b = all.get(s.name());
      if (b == null) {
        continue;
      }
      for (var e : b.entrySet()) {
        String[] entry = e.getValue();
        sb.append(s.name())
            .append(' ')
            .append(e.getKey())
            .append(' ')
            .append(entry.length - 1)
            .append(' ')
            .append(entry[0])
            .append('\n');
        sb.append(String.join(" ", java.util.Arrays.copyOfRange(entry, 1, entry.length)))
            .append('\n');
      }
    }
    Files.createDirectories(SOURCE.getParent());
    Files.writeString(SOURCE, sb.toString());
  }
}
