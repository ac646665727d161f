package dev.depthlab.backend.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the float twins of the CPU backend's double code (Dense32 from Dense64, CpuNet32 from
 * CpuNet64, VectorGemm32 from VectorGemm64, LaneNet32 from LaneNet64) by text substitution; {@code
 * tools/gen-fp32-twins.sh} runs it, {@link Fp32TwinsTest} checks that the committed twins are what
 * it makes.
 *
 * <p>The twins are textual translations (types, literals, casts), so both precisions always run the
 * same algorithm; CpuGradientTest checks fp32 against fp64 numerically. A rule that matches nothing
 * means the fp64 source changed under the generator, so generation fails naming every such rule.
 * This file uses the JDK only: the script runs it as a single source file, so it works even when
 * the stale twins no longer compile.
 */
final class Fp32Twins {
  private Fp32Twins() {}

  /** Where the fp64 sources and their twins live, from the repository root. */
  static final Path CPU = Path.of("src/main/java/dev/depthlab/backend/cpu");

  static final String COMMAND = "tools/gen-fp32-twins.sh";

  /** One substitution, applied to every match; {@code text} names it in errors. */
  record Rule(String text, Pattern pattern, Function<MatchResult, String> replacement) {
    /** Replaces every occurrence of {@code from} with {@code to}. */
    static Rule literal(String from, String to) {
      String quoted = Matcher.quoteReplacement(to);
      return new Rule(from, Pattern.compile(Pattern.quote(from)), m -> quoted);
    }

    /** Replaces every match of {@code regex} with {@code to}, where $1 is the first group. */
    static Rule regex(String regex, String to) {
      return new Rule(regex, Pattern.compile(regex), m -> to);
    }

    /** Exchanges the words {@code a} and {@code b}. */
    static Rule swap(String a, String b) {
      return new Rule(
          a + " <-> " + b,
          Pattern.compile("\\b(" + a + "|" + b + ")\\b"),
          m -> m.group().equals(a) ? b : a);
    }

    /** Declarations of {@code name} as a double (or double array) become float (or float array). */
    static Rule toFloat(String declaration, String name) {
      return new Rule(
          declaration + "double[]* " + name,
          Pattern.compile("\\b" + declaration + "double((?:\\[\\])*) " + name + "\\b(?= =|;)"),
          m -> declaration + "float$1 " + name);
    }
  }

  /** An fp64 source, the twin it generates and the rules between them, in order. */
  record Twin(String source, String target, List<Rule> rules) {
    @Override
    public String toString() {
      return target; // names a parameterized test's cases
    }
  }

  static final Twin DENSE = new Twin("Dense64.java", "Dense32.java", denseRules());

  static final Twin NET = new Twin("CpuNet64.java", "CpuNet32.java", netRules());

  static final Twin GEMM = new Twin("VectorGemm64.java", "VectorGemm32.java", gemmRules());

  static final Twin LANES = new Twin("LaneNet64.java", "LaneNet32.java", laneRules());

  /** All twins, in the order the generator writes them. */
  static final List<Twin> ALL = List.of(DENSE, NET, GEMM, LANES);

  private static List<Rule> gemmRules() {
    List<Rule> r = new ArrayList<>();
    r.add(Rule.swap("VectorGemm64", "VectorGemm32"));
    r.add(Rule.literal("Dense64", "Dense32"));
    r.add(Rule.literal("kernels in double", "kernels in float"));
    r.add(Rule.literal("is its float twin", "is its double twin"));
    r.add(Rule.literal("vectors of 8 doubles", "vectors of 16 floats"));
    r.add(Rule.literal("DoubleVector", "FloatVector"));
    r.add(Rule.regex("Vector(Species|Mask)<Double>", "Vector$1<Float>"));
    r.add(Rule.literal("double[]", "float[]"));
    r.add(Rule.literal("new double[", "new float["));
    for (String v : List.of("s", "c0", "bv", "s0", "s1", "s2", "s3")) {
      r.add(Rule.toFloat("", v));
    }
    r.add(Rule.regex("\\b0\\.0\\b(?!f)", "0.0f"));
    return r;
  }

  private static List<Rule> denseRules() {
    List<Rule> r = new ArrayList<>();
    r.add(Rule.swap("Dense64", "Dense32"));
    r.add(Rule.literal("kernels in double", "kernels in float"));
    r.add(Rule.literal("is the float twin", "is the double twin"));
    r.add(Rule.literal("double[]", "float[]"));
    // the squared norms stay double sums, written to the engine's double array
    r.add(Rule.literal("float[] sq,", "double[] sq,"));
    // accumulators and loaded values; sgdUpdate's squared norm (sq) stays a double sum
    for (String v : List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c", "av", "d", "g")) {
      r.add(Rule.toFloat("", v));
    }
    r.add(Rule.regex("(float \\w+ = 0\\.0);", "$1f;"));
    r.add(Rule.literal("!= 0.0 ?", "!= 0.0f ?"));
    r.add(Rule.literal(", 0.0);", ", 0.0f);"));
    r.add(Rule.literal("int n, double lr)", "int n, float lr)"));
    r.add(Rule.literal("int cols, double lr)", "int cols, float lr)"));
    r.add(Rule.literal("int cols,\n      double lr,", "int cols,\n      float lr,"));
    for (String v : List.of("v", "g1", "g2", "v1", "v2")) {
      r.add(Rule.toFloat("", v));
    }
    return r;
  }

  private static List<Rule> netRules() {
    List<Rule> r = new ArrayList<>();
    r.add(Rule.swap("CpuNet64", "CpuNet32"));
    r.add(Rule.literal("Dense64", "Dense32"));
    r.add(Rule.literal("VectorGemm64", "VectorGemm32"));
    r.add(Rule.literal("on the CPU in double", "on the CPU in float"));
    r.add(Rule.literal("is the float twin", "is the double twin"));
    // state and work buffers; the data sets stay double and are rounded as they are loaded
    for (String f :
        List.of(
            "slope", "clipEps", "w", "b", "dw", "db", "wT", "a", "z", "dz", "y", "evRowsA",
            "evRowsB", "evRowsZ", "evA", "evB", "evZ")) {
      r.add(Rule.toFloat("private final ", f));
    }
    r.add(Rule.literal("new double[", "new float["));
    r.add(Rule.regex("(slope|clipEps) = net\\.(\\w+)\\(\\);", "$1 = (float) net.$2();"));
    // parameters and gradients cross between the engine's doubles and the twin's floats
    r.add(Rule.literal("System.arraycopy(", "Floats.arraycopy("));
    r.add(Rule.literal(".length, lr);", ".length, (float) lr);"));
    r.add(Rule.literal("in, out, lr)", "in, out, (float) lr)"));
    r.add(Rule.literal("in, out, lr, gradSq", "in, out, (float) lr, gradSq"));
    for (String v :
        List.of(
            "scale", "zo", "g", "p", "d", "label", "pc", "a0", "zh", "ah", "cur", "next", "t", "wl",
            "zj", "bj", "wv", "ai")) {
      r.add(Rule.toFloat("", v));
    }
    r.add(Rule.literal("mean ? 1.0 / count : 1.0;", "mean ? 1.0f / count : 1.0f;"));
    r.add(
        Rule.literal(
            "= 1.0 / (1.0 + StrictMath.exp(-zo[s]));",
            "= (float) (1.0 / (1.0 + StrictMath.exp(-zo[s])));"));
    r.add(Rule.literal("? OutputGradient.chained(", "? (float) OutputGradient.chained("));
    r.add(Rule.literal("= labels[start + s];", "= (float) labels[start + s];"));
    r.add(Rule.literal("= trainX[idx * f + k];", "= (float) trainX[idx * f + k];"));
    r.add(Rule.literal("= trainY[idx];", "= (float) trainY[idx];"));
    r.add(Rule.literal("= x[(start + s) * f + k];", "= (float) x[(start + s) * f + k];"));
    r.add(Rule.literal("= x[start * f + k];", "= (float) x[start * f + k];"));
    r.add(Rule.literal("private double[] forwardRows(", "private float[] forwardRows("));
    r.add(Rule.literal("anyActive(double[] z,", "anyActive(float[] z,"));
    // bce in float, its logarithms in double
    r.add(
        Rule.literal(
            "private double bce(double p, double label)",
            "private float bce(float p, float label)"));
    r.add(Rule.regex("label == ([01])\\.0\\)", "label == $1.0f)"));
    r.add(Rule.literal("return -", "return (float) -"));
    r.add(Rule.literal("1.0 - ", "1.0f - "));
    // the tanh derivative 1 - a^2 as one float FMA, as the fp32 kernels do
    r.add(Rule.literal("ah[k], 1.0)", "ah[k], 1.0f)"));
    // activations
    r.add(Rule.literal("(double[] in, double[] out, int n)", "(float[] in, float[] out, int n)"));
    r.add(Rule.literal("Math.max(in[k], 0.0)", "Math.max(in[k], 0.0f)"));
    r.add(Rule.literal("] > 0.0 ?", "] > 0.0f ?"));
    r.add(Rule.literal("= StrictMath.tanh(in[k]);", "= (float) StrictMath.tanh(in[k]);"));
    r.add(Rule.literal("private double[] forwardChunk(", "private float[] forwardChunk("));
    r.add(Rule.literal("anyActive(double[] zj,", "anyActive(float[] zj,"));
    return r;
  }

  /**
   * Replicas in float lanes (issue 24): the same step, sixteen replicas a vector on AVX-512. As in
   * {@link #netRules}, the data sets and the engine's arrays (losses, squared norms, parameters)
   * stay double, and the sigmoid and cross-entropy round to float as CpuNet32's do. The one change
   * of structure: Dense32.sgdUpdate sums the squared norm in double, so each float vector of
   * gradients is widened to two double vectors (D, half the lanes each) for that sum.
   */
  private static List<Rule> laneRules() {
    List<Rule> r = new ArrayList<>();
    r.add(Rule.swap("LaneNet64", "LaneNet32"));
    r.add(Rule.literal("CpuNet64", "CpuNet32"));
    r.add(Rule.literal("VectorGemm64", "VectorGemm32"));
    r.add(Rule.literal("is the float twin", "is the double twin"));
    r.add(Rule.literal("one vector of doubles", "one vector of floats"));
    r.add(
        Rule.literal(
            "the squared norm in index order",
            "the squared norm in index order, a double sum as in {@link Dense32#sgdUpdate}"));
    r.add(Rule.literal("DoubleVector", "FloatVector"));
    r.add(Rule.regex("Vector(Species|Mask)<Double>", "Vector$1<Float>"));
    // every array is float but the data sets, the engine's arrays and the per-lane read-outs
    r.add(Rule.literal("double[]", "float[]"));
    r.add(Rule.regex("new double\\[(?!L\\])", "new float["));
    for (String v :
        List.of(
            "[] trainX",
            "[] trainY",
            " lossSum",
            " sqLanes",
            " loss,",
            " gradSq,",
            " pw",
            " pb",
            " x =")) {
      r.add(Rule.literal("float[]" + v, "double[]" + v));
    }
    r.add(Rule.literal("float[] labels", "double[] labels"));
    for (String f : List.of("slope", "clipEps")) {
      r.add(Rule.toFloat("private final ", f));
    }
    r.add(Rule.regex("(slope|clipEps) = net\\.(\\w+)\\(\\);", "$1 = (float) net.$2();"));
    r.add(Rule.literal("+ lane] = pw[e];", "+ lane] = (float) pw[e];"));
    r.add(Rule.literal("+ lane] = pb[e];", "+ lane] = (float) pb[e];"));
    r.add(Rule.literal("broadcast(S, -lr)", "broadcast(S, (float) -lr)"));
    r.add(Rule.literal("broadcast(S, 1.0)", "broadcast(S, 1.0f)"));
    r.add(Rule.literal(", 0.0)", ", 0.0f)"));
    // the data round to float as they are gathered, as CpuNet32's do
    r.add(Rule.literal("= x[idx * f + k];", "= (float) x[idx * f + k];"));
    r.add(Rule.literal("= labels[idx];", "= (float) labels[idx];"));
    // the sigmoid in double, rounded to float; the output gradient and the loss as CpuNet32's
    for (String v : List.of("p", "d", "scale", "pc")) {
      r.add(Rule.toFloat("", v));
    }
    r.add(
        Rule.regex(
            "= 1\\.0 / \\(1\\.0 \\+ StrictMath\\.exp\\(-zo\\[([^\\]]+)\\]\\)\\);",
            "= (float) (1.0 / (1.0 + StrictMath.exp(-zo[$1])));"));
    r.add(Rule.literal("mean ? 1.0 / count : 1.0;", "mean ? 1.0f / count : 1.0f;"));
    r.add(Rule.literal("? OutputGradient.chained(", "? (float) OutputGradient.chained("));
    r.add(
        Rule.literal(
            "private double bce(double p, double label)",
            "private float bce(float p, float label)"));
    r.add(Rule.regex("label == ([01])\\.0\\)", "label == $1.0f)"));
    r.add(Rule.literal("return -", "return (float) -"));
    r.add(Rule.literal("1.0 - ", "1.0f - "));
    r.add(Rule.literal("= StrictMath.tanh(in[k]);", "= (float) StrictMath.tanh(in[k]);"));
    // the squared norms: double sums of the widened gradients, lanes 0 .. L/2 and L/2 .. L
    r.add(
        Rule.literal(
            "import jdk.incubator.vector.FloatVector;",
            "import jdk.incubator.vector.DoubleVector;\nimport jdk.incubator.vector.FloatVector;"));
    r.add(
        Rule.literal(
            "private static final int L = S.length();",
            "private static final int L = S.length();\n\n"
                + "  /** Doubles of the same shape: half a float vector's lanes, for the squared norms. */\n"
                + "  private static final VectorSpecies<Double> D =\n"
                + "      VectorSpecies.of(double.class, S.vectorShape());"));
    r.add(
        Rule.literal(
            "FloatVector sq = FloatVector.zero(S);",
            "DoubleVector sq0 = DoubleVector.zero(D);\nDoubleVector sq1 = sq0;"));
    r.add(
        Rule.literal(
            "sq = g.fma(g, sq);",
            "DoubleVector g0 = (DoubleVector) g.convertShape(VectorOperators.F2D, D, 0);\n"
                + "DoubleVector g1 = (DoubleVector) g.convertShape(VectorOperators.F2D, D, 1);\n"
                + "sq0 = g0.fma(g0, sq0);\n"
                + "sq1 = g1.fma(g1, sq1);"));
    r.add(
        Rule.literal(
            "sq.intoArray(sqLanes, 0);",
            "sq0.intoArray(sqLanes, 0);\nsq1.intoArray(sqLanes, D.length());"));
    return r;
  }

  /** Thrown when rules match nothing: the fp64 source changed under the generator. */
  static final class UnmatchedRules extends RuntimeException {
    UnmatchedRules(String source, List<String> rules) {
      super(
          COMMAND
              + ": rules match nothing in "
              + source
              + " (update them in Fp32Twins.java):\n  "
              + String.join("\n  ", rules));
    }
  }

  /** The first line of a generated twin. */
  static String header(Twin twin) {
    return "// GENERATED by "
        + COMMAND
        + " from "
        + twin.source()
        + ": edit that file, not this one.\n";
  }

  /**
   * The twin of {@code fp64} (the text of {@code twin.source()}), unformatted; throws {@link
   * UnmatchedRules} naming every rule that matches nothing.
   */
  static String generate(Twin twin, String fp64) {
    String s = fp64;
    List<String> unmatched = new ArrayList<>();
    for (Rule rule : twin.rules()) {
      Matcher m = rule.pattern().matcher(s);
      if (!m.find()) {
        unmatched.add(rule.text());
        continue;
      }
      s = m.replaceAll(rule.replacement());
    }
    if (!unmatched.isEmpty()) {
      throw new UnmatchedRules(twin.source(), unmatched);
    }
    return header(twin) + s;
  }

  /**
   * Rewrites both twins under {@code args[0]} (the repository root; default: "."), or neither when
   * a rule matches nothing (exit status 1, the rules on stderr).
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : ".").resolve(CPU);
    List<Twin> twins = ALL;
    List<String> texts = new ArrayList<>();
    try {
      for (Twin twin : twins) {
        texts.add(generate(twin, Files.readString(dir.resolve(twin.source()))));
      }
    } catch (UnmatchedRules e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
    for (int t = 0; t < twins.size(); t++) {
      Path out = dir.resolve(twins.get(t).target());
      Files.writeString(out, texts.get(t));
      System.out.println("wrote " + out);
    }
  }
}
