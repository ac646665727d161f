package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.signal.InitIsometry;
import dev.depthlab.signal.JacobianStudy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code depthlab signal --gaussian-vs-orthogonal}: one command's {@value InitIsometry#FILE} holds,
 * row for row and digit for digit, what two separate {@code signal} runs with {@code
 * model.init=gaussian} and {@code model.init=orthogonal} write to their {@value
 * JacobianStudy#FILE}, behind an {@code init} column; its figure exists; misuse is one line and
 * exit 2.
 */
class SignalInitPairTest {
  @TempDir Path tmp;

  private static final String CONFIG =
      """
      name: pair
      data:
        sets: [circle]
        n_train: 32
        test: {n: 10, seed_offset: 100}
      model: {depths: [1, 2, 4], width: 6, activation: tanh, init: gaussian, sigma_w: 1.05, sigma_b: 0.05}
      training: {epochs: 1, batch_size: 16, lr: 0.1}
      seeds: [0, 1]
      backend: cpu
      """;

  private Path config() throws Exception {
    Path p = tmp.resolve("pair.yaml");
    Files.writeString(p, CONFIG);
    return p;
  }

  private Path signal(String name, String... extra) throws Exception {
    Path out = tmp.resolve(name);
    List<String> args =
        new ArrayList<>(
            List.of(
                "signal",
                config().toString(),
                "--draws",
                "7",
                "--batch",
                "8",
                "--out",
                out.toString()));
    args.addAll(List.of(extra));
    CliTestSupport.Outcome r = CliTestSupport.run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    return out;
  }

  @Test
  void onePairRunEqualsTwoSeparateRuns() throws Exception {
    Path pair = signal("pair", "--gaussian-vs-orthogonal");
    Path gaussian = signal("g", "--set", "model.init=gaussian");
    Path orthogonal = signal("o", "--set", "model.init=orthogonal");
    List<String> both = Files.readAllLines(pair.resolve(InitIsometry.FILE));
    List<String> g = Files.readAllLines(gaussian.resolve(JacobianStudy.FILE));
    List<String> o = Files.readAllLines(orthogonal.resolve(JacobianStudy.FILE));
    List<String> want = new ArrayList<>();
    want.add("init," + g.get(0));
    g.subList(1, g.size()).forEach(l -> want.add("gaussian," + l));
    o.subList(1, o.size()).forEach(l -> want.add("orthogonal," + l));
    assertAll(
        () -> assertEquals(3, g.size(), "depths 2 and 4 (depth 1 has no hidden stack)"),
        () -> assertEquals(want, both),
        () -> assertTrue(!g.get(1).equals(o.get(1)), "the two inits give different spectra"),
        () -> assertTrue(Files.size(pair.resolve("signal-isometry-circle.png")) > 0),
        () -> assertTrue(Files.exists(pair.resolve("signal-isometry-circle.svg"))));
  }

  @Test
  void misuseIsOneLineAndExitTwo() throws Exception {
    CliTestSupport.Outcome both =
        CliTestSupport.run(
            "signal", config().toString(), "--gaussian-vs-orthogonal", "--born-dead", "5");
    CliTestSupport.Outcome shallow =
        CliTestSupport.run(
            "signal",
            config().toString(),
            "--gaussian-vs-orthogonal",
            "--set",
            "model.depths=[1]",
            "--out",
            tmp.resolve("shallow").toString());
    assertAll(
        () -> assertEquals(2, both.code(), both.err()),
        () -> assertEquals(1, both.err().strip().lines().count(), both.err()),
        () -> assertEquals(2, shallow.code(), shallow.err()),
        () -> assertTrue(shallow.err().contains("depth of 2 or more"), shallow.err()));
  }
}
