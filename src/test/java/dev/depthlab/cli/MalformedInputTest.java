package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The malformed-input corpus (issue 13): configs and command lines a user, a script or an attacker
 * might give, each through the real command line ({@link Main#run}). Every one must exit 2 with
 * exactly one line on stderr, no stack trace, and leave the output folder absent and the temp
 * folder holding only the config. {@link CliErrorsTest} checks the wording of the common errors;
 * this corpus checks that nothing escapes the one-line rule.
 */
class MalformedInputTest {
  @TempDir Path tmp;

  /** A case: a config's bytes (null: none written) and the command line ({c}: it, {out}: out). */
  record Case(String label, byte[] config, List<String> args) {
    @Override
    public String toString() {
      return label;
    }
  }

  private static Case yaml(String label, String text, String... args) {
    return bytes(label, text.getBytes(StandardCharsets.UTF_8), args);
  }

  private static Case bytes(String label, byte[] config, String... args) {
    List<String> all = new ArrayList<>(args.length == 0 ? List.of("train", "{c}") : List.of(args));
    all.add("--out");
    all.add("{out}");
    return new Case(label, config, all);
  }

  /** The built-in quick study with one {@code --set}. */
  private static Case set(String label, String override) {
    return bytes(label, null, "train", "config/quick.yaml", "--set", override);
  }

  private static Case line(String label, String... args) {
    return bytes(label, null, args);
  }

  /** The billion laughs: nine levels of nine aliases each (387 million strings expanded). */
  private static String billionLaughs() {
    StringBuilder y = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i <= 9; i++) {
      String prev = "*a" + (i - 1);
      y.append("a").append(i).append(": &a").append(i).append(" [");
      y.append(String.join(", ", java.util.Collections.nCopies(9, prev))).append("]\n");
    }
    return y.toString();
  }

  private static String manySeeds(int n) {
    return "seeds: ["
        + Stream.iterate(0, i -> i + 1)
            .limit(n)
            .map(String::valueOf)
            .collect(Collectors.joining(", "))
        + "]\n";
  }

  static Stream<Arguments> corpus() {
    byte[] latin1 = "name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] ff = {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xff, (byte) 0xfe, '\n'};
    byte[] utf16 = "name: x\n".getBytes(StandardCharsets.UTF_16);
    byte[] truncated = {'n', 'a', 'm', 'e', ':', ' ', 'x', (byte) 0xe2, (byte) 0x82, '\n'};
    List<Case> cases =
        List.of(
            // YAML syntax
            yaml("unclosed flow list", "name: x\nmodel: [1, 2\n"),
            yaml("unclosed flow map", "model: {width: 3\n"),
            yaml("bad indentation", "model:\n  width: 3\n   depths: [1]\n"),
            yaml("unterminated quote", "name: 'x\n"),
            yaml("tab indentation", "model:\n\twidth: 3\n"),
            yaml("mapping value in a scalar", "name: x: y\n"),
            yaml("reserved indicator", "name: @x\n"),
            yaml("two documents", "name: a\n---\nname: b\n"),
            yaml("a list at the top", "- name\n- x\n"),
            yaml("a scalar at the top", "just words\n"),
            yaml("a NUL character", "name: a\u0000b\n"),
            // wrong types
            yaml("width a word", "model:\n  width: abc\n"),
            yaml("width a fraction", "model:\n  width: 3.5\n"),
            yaml("depths a scalar", "model:\n  depths: 3\n"),
            yaml("depths of words", "model:\n  depths: [a, b]\n"),
            yaml("lr a word", "training:\n  lr: fast\n"),
            yaml("seeds a map", "seeds: {a: 1}\n"),
            yaml("data a list", "data: [1, 2]\n"),
            yaml("model a number", "model: 5\n"),
            yaml("steps not a boolean", "diagnostics:\n  steps: maybe\n"),
            yaml("epochs a boolean", "training:\n  epochs: true\n"),
            yaml("name a list", "name: [a]\n"),
            yaml("a data set as a list", "data:\n  sets: [[circle]]\n"),
            yaml("a data set parameter a word", "data:\n  sets: [{kind: circle, radius: big}]\n"),
            // unknown and duplicate keys
            yaml("unknown nested key", "model:\n  widht: 3\n"),
            yaml("unknown top key", "colour: red\n"),
            yaml("duplicate top key", "name: a\nname: b\n"),
            yaml("duplicate nested key", "model:\n  width: 3\n  width: 4\n"),
            yaml(
                "duplicate data set parameter",
                "data:\n  sets: [{kind: circle, radius: 0.3, radius: 0.4}]\n"),
            yaml("a list as a key", "? [a]\n: 1\n"),
            yaml("unknown data set", "data:\n  sets: [squares]\n"),
            // huge and negative sizes
            yaml("depth of a million", "model:\n  depths: [1000000]\n"),
            yaml("width of a hundred million", "model:\n  width: 100000000\n"),
            yaml("width and depth at their limits", "model:\n  depths: [1000]\n  width: 8192\n"),
            yaml("negative width", "model:\n  width: -1\n"),
            yaml("negative depth", "model:\n  depths: [2, -1]\n"),
            yaml("epochs beyond a long", "training:\n  epochs: 99999999999999999999\n"),
            yaml("epochs beyond the limit", "training:\n  epochs: 2000000000\n"),
            yaml("n_train beyond the limit", "data:\n  n_train: 2000000000\n"),
            yaml("negative batch", "training:\n  batch_size: -5\n"),
            yaml("negative seed", "seeds: [-1]\n"),
            yaml("too many seeds", manySeeds(1001)),
            yaml("zero test points", "data:\n  test:\n    n: 0\n"),
            yaml("a layer of no units", "model:\n  layers: [2, 0, 1]\n"),
            yaml("a layer of a billion units", "model:\n  layers: [2, 1000000000, 1]\n"),
            yaml(
                "snapshot grid beyond the limit", "diagnostics:\n  snapshots:\n    grid: 100000\n"),
            // NaN and infinities
            yaml("lr .nan", "training:\n  lr: .nan\n"),
            yaml("lr .inf", "training:\n  lr: .inf\n"),
            yaml("bias -.inf", "model:\n  bias_init: -.inf\n"),
            yaml("noise NaN", "data:\n  noise: NaN\n"),
            yaml("lr 1e999 overflows", "training:\n  lr: 1e999\n"),
            yaml("bias 1e400 overflows", "model:\n  bias_init: 1e400\n"),
            yaml("radius Infinity", "data:\n  sets: [{kind: circle, radius: Infinity}]\n"),
            // empty lists
            yaml("no depths", "model:\n  depths: []\n"),
            yaml("no seeds", "seeds: []\n"),
            yaml("no data sets", "data:\n  sets: []\n"),
            yaml("no layers", "model:\n  layers: []\n"),
            // aliases
            yaml("billion laughs", billionLaughs()),
            yaml("a list that holds itself", "model:\n  depths: &d [1, *d]\n"),
            yaml("an alias to an unknown anchor", "model:\n  depths: *nothing\n"),
            // YAML tags
            yaml("a Java object tag", "name: !!java.io.File x\n"),
            yaml(
                "a script engine gadget",
                "model: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader"
                    + " [[!!java.net.URL [\"http://localhost/\"]]]]\n"),
            yaml("a custom tag", "name: !custom x\n"),
            yaml("a binary tag", "name: !!binary aGVsbG8=\n"),
            yaml("a set tag", "seeds: !!set {1, 2}\n"),
            // bytes that are not UTF-8
            bytes("latin-1 text", latin1),
            bytes("0xff 0xfe bytes", ff),
            bytes("UTF-16 with a byte order mark", utf16),
            bytes("a truncated UTF-8 sequence", truncated),
            // names that try to leave the results folder
            yaml("name ../x", "name: ../x\n"),
            yaml("name ..", "name: ..\n"),
            yaml("name an absolute path", "name: /etc/x\n"),
            yaml("name with a slash", "name: a/b\n"),
            yaml("name with a line break", "name: \"x\\ny\"\n"),
            set("--set name=../../x", "name=../../x"),
            set("--set name=/tmp/x", "name=/tmp/x"),
            // bad overrides
            set("--set without =", "model.width"),
            set("--set without a key", "=3"),
            set("--set unknown key", "model.nope=3"),
            set("--set multirun on train", "training.lr=0.1,0.2"),
            set("--set syntax error", "model.depths=[1,2"),
            set("--set a section to a list", "model=[1]"),
            set("--set through a scalar", "model.width.x=3"),
            set("--set a tag", "name=!!java.io.File x"),
            set("--set NaN", "training.lr=.nan"),
            set("--set a list that holds itself", "model.depths=&a [1, *a]"),
            set("--set huge width", "model.width=100000000"),
            // command lines
            line("train without a config", "train"),
            line("unknown option", "train", "config/quick.yaml", "--frobnicate"),
            line("negative --depth", "train", "config/quick.yaml", "--depth", "-1"),
            line("--seed a word", "train", "config/quick.yaml", "--seed", "abc"),
            line("--backend gpu", "train", "config/quick.yaml", "--backend", "gpu"),
            line("--precision fp16", "train", "config/quick.yaml", "--precision", "fp16"),
            line("--dataset unknown", "train", "config/quick.yaml", "--dataset", "squares"),
            line("sweep --jobs 0", "sweep", "config/quick.yaml", "--jobs", "0"),
            line("sweep --jobs a word", "sweep", "config/quick.yaml", "--jobs", "many"),
            line("sweep of a missing file", "sweep", "config/none.yaml"),
            line("sweep of a folder", "sweep", "config"),
            line("sweep with a huge depth", "sweep", "--set", "model.depths=[1000000]"),
            line("sweep multirun with a bad value", "sweep", "--set", "training.lr=0.1,-1"),
            line("phase with a bad axis", "phase", "--x", "training.lr=a:b:log:3"),
            line("signal with a huge width", "signal", "--set", "model.width=100000000"),
            // issue 23: values the arithmetic cannot hold, repeated variants, paths too long
            set("--set clip_eps underflowing to 0", "training.clip_eps=1e-400"),
            line(
                "bias_init beyond fp32",
                "train",
                "config/quick.yaml",
                "--set",
                "model.bias_init=1e39",
                "--precision",
                "fp32"),
            set("spiral turns overflowing", "data.sets=[{kind: spiral, turns: 1e308}]"),
            set("gaussian points overflowing", "data.sets=[{kind: gaussian, std: 1e308}]"),
            line(
                "gaussian points beyond fp32",
                "sweep",
                "--set",
                "data.sets=[{kind: gaussian, separation: 1e39}]",
                "--precision",
                "fp32"),
            line("sweep multirun repeating a value", "sweep", "--set", "training.lr=0.1,0.1"),
            line("sweep multirun of one number twice", "sweep", "--set", "training.lr=0.1,0.10"),
            line("phase axis of 1e9 points", "phase", "--x", "training.lr=1e-3:1:log:1e9"),
            new Case(
                "sweep into a name of 300 bytes",
                null,
                List.of("sweep", "config/quick.yaml", "--out", "{out}/" + "n".repeat(300))),
            new Case(
                "train into a name of 300 bytes",
                null,
                List.of("train", "config/quick.yaml", "--out", "{out}/" + "n".repeat(300))));
    return cases.stream().map(c -> Arguments.of(c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void refusedInOneLineWritingNothing(Case c) throws IOException {
    Path config = tmp.resolve("c.yaml");
    if (c.config() != null) {
      Files.write(config, c.config());
    }
    Path out = tmp.resolve("out");
    String[] args =
        c.args().stream()
            .map(a -> a.replace("{c}", config.toString()).replace("{out}", out.toString()))
            .toArray(String[]::new);
    List<Path> before = listing(tmp);
    var r = CliTestSupport.run(args);
    assertAll(
        () -> assertEquals(2, r.code(), "exit code; stderr: " + r.err()),
        () -> assertEquals(1, r.err().strip().lines().count(), "one line on stderr: " + r.err()),
        () -> assertTrue(r.err().startsWith("depthlab: "), "stderr: " + r.err()),
        () -> assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err()),
        () -> assertFalse(Files.exists(out), "nothing written to " + out),
        () -> assertEquals(before, listing(tmp), "nothing else written"));
  }

  /** The refusals of issue 23 name their reason. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("reasons")
  void theReasonIsNamed(String label, List<String> args, String reason) {
    var r = CliTestSupport.run(args.toArray(String[]::new));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(reason), label + ": " + r.err());
  }

  static Stream<Arguments> reasons() {
    return Stream.of(
        Arguments.of(
            "clip_eps",
            List.of("train", "config/quick.yaml", "--set", "training.clip_eps=1e-400"),
            "training.clip_eps: underflows to 0 (the smallest fp64 magnitude is 4.9e-324)"),
        Arguments.of(
            "bias_init fp32",
            List.of(
                "train",
                "config/quick.yaml",
                "--set",
                "model.bias_init=1e39",
                "--precision",
                "fp32"),
            "model.bias_init: 1.0E39 overflows in fp32"),
        Arguments.of(
            "lr fp32",
            List.of(
                "train", "config/quick.yaml", "--set", "training.lr=1e-50", "--precision", "fp32"),
            "training.lr: 1.0E-50 underflows to 0 in fp32"),
        Arguments.of(
            "spiral",
            List.of(
                "train", "config/quick.yaml", "--set", "data.sets=[{kind: spiral, turns: 1e308}]"),
            "data set 'spiral': turns 1.0E308 overflows the angle 2*pi*turns"),
        Arguments.of(
            "gaussian fp32",
            List.of(
                "train",
                "config/quick.yaml",
                "--set",
                "data.sets=[{kind: gaussian, separation: 1e39}]",
                "--precision",
                "fp32"),
            "data set 'gaussian': its points may reach 5.0e+38, beyond fp32's 3.4e38"),
        Arguments.of(
            "long name",
            List.of("sweep", "config/quick.yaml", "--out", "x/" + "n".repeat(300)),
            ": a folder name of 300 bytes"));
  }

  private static List<Path> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.sorted().toList();
    }
  }
}
