package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Test helpers around the native tools (g++, nvcc): in CI (env CI=true) a missing tool fails the
 * test; elsewhere the test is skipped with the reason printed.
 */
final class NativeTools {
  private static EmulatedDevice emulated;

  private NativeTools() {}

  static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Fails (CI) or skips (elsewhere) when {@code tool} is not on the PATH. */
  static void require(String tool) {
    if (onPath(tool)) {
      return;
    }
    String reason = tool + " not found on the PATH";
    if (inCi()) {
      fail(reason + " (CI=true: the GPU checks must run here)");
    }
    System.out.println("SKIPPED: " + reason);
    Assumptions.abort(reason);
  }

  static boolean onPath(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /** Runs a script of native/, returning its exit code; its output goes to {@code out}. */
  static int run(StringBuilder out, String... command) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().put("JAVA_HOME", javaHome().toString());
      Process p = pb.start();
      out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      return p.waitFor();
    } catch (IOException e) {
      out.append(e);
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The JDK running the tests (java.home is the JDK itself on 9+). */
  static Path javaHome() {
    return Path.of(System.getProperty("java.home"));
  }

  /**
   * The emulated device shared by the tests (launches run forward), with native/build-emulator.sh
   * run once per JVM so the library always matches the current kernels/.
   */
  static synchronized EmulatedDevice emulatedDevice() {
    require("g++");
    if (emulated == null) {
      StringBuilder out = new StringBuilder();
      int rc = run(out, "bash", "native/build-emulator.sh");
      if (rc != 0) {
        fail("native/build-emulator.sh failed (exit " + rc + "):\n" + out);
      }
      System.out.print(out);
      emulated = new EmulatedDevice(EmulatedDevice.DEFAULT_LIBRARY);
    }
    return emulated;
  }

  /** A device of its own whose launches run their threads in {@code order}; close it after use. */
  static EmulatedDevice emulatedDevice(EmulatedDevice.ThreadOrder order, long seed) {
    emulatedDevice(); // builds and loads the library
    return new EmulatedDevice(EmulatedDevice.DEFAULT_LIBRARY, order, seed);
  }
}
