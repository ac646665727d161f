package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script {@code depthlab} explains a JAVA_HOME without a java in one line, exit 2,
 * before it builds or runs anything (it used to end in bash's own "No such file" and 127).
 */
class LauncherTest {
  @TempDir Path tmp;

  @Test
  void aJavaHomeWithoutJavaIsExplainedInOneLine() throws Exception {
    for (String home : new String[] {"/nonexistent", tmp.toString()}) {
      Path err = tmp.resolve("err.txt");
      ProcessBuilder pb =
          new ProcessBuilder("bash", "depthlab", "--version")
              .redirectError(err.toFile())
              .redirectOutput(tmp.resolve("out.txt").toFile());
      pb.environment().put("JAVA_HOME", home);
      Process p = pb.start();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher hung");
      String e = Files.readString(err).strip();
      assertEquals(2, p.exitValue(), e);
      assertEquals(
          "depthlab: JAVA_HOME is "
              + home
              + ", which has no bin/java: point it at a JDK 17 or later, or unset it",
          e);
    }
  }
}
