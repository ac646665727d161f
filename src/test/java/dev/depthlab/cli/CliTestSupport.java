package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the CLI in-process and captures what it prints. */
final class CliTestSupport {
  private CliTestSupport() {}

  record Outcome(int code, String out, String err) {}

  static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Outcome(code, out.toString(), err.toString());
  }

  /**
   * Writes {@code yaml} to {@code dir/<name>.yaml}, sweeps it quietly into {@code dir/<name>}
   * (asserting exit 0) and returns the study folder.
   */
  static Path sweep(Path dir, String name, String yaml) throws Exception {
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(config, yaml);
    Path study = dir.resolve(name);
    Outcome o = run("sweep", config.toString(), "--out", study.toString(), "--quiet");
    assertEquals(0, o.code(), o.err());
    return study;
  }
}
