package dev.depthlab.cli;

import dev.depthlab.train.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A {@code depthlab sweep} in a JVM of its own (the test's class path, the launcher's flags), for
 * tests that signal or kill it; its stdout and stderr go to files beside the study.
 */
final class SweepProcess {
  /** Longest wait for anything (a hang guard, never a timing being tested). */
  private static final long GUARD_MS = 120_000;

  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final Path study;

  private SweepProcess(Process process, Path stdout, Path stderr, Path study) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    this.study = study;
  }

  /** Starts {@code depthlab sweep CONFIG --out STUDY --jobs 1 --quiet}. */
  static SweepProcess start(Path config, Path study, String tag) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java.toString(),
                "-Xss8m",
                "--add-modules",
                "jdk.incubator.vector",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "sweep",
                config.toString(),
                "--out",
                study.toString(),
                "--jobs",
                "1",
                "--quiet"));
    Path logs = study.resolveSibling(study.getFileName() + "-logs");
    Files.createDirectories(logs);
    Path out = logs.resolve(tag + ".out");
    Path err = logs.resolve(tag + ".err");
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    return new SweepProcess(p, out, err, study);
  }

  /**
   * Starts {@code depthlab ARGS} in a JVM with {@code jvmOptions} besides the launcher's flags
   * (e.g. a {@code -D} test hook); stdout and stderr go to {@code logs/<tag>.out|.err}; {@code
   * study} is the folder the command writes.
   */
  static SweepProcess start(List<String> jvmOptions, List<String> args, Path study, String tag)
      throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xss8m"));
    cmd.addAll(jvmOptions);
    cmd.addAll(
        List.of(
            "--add-modules",
            "jdk.incubator.vector",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName()));
    cmd.addAll(args);
    Path logs = study.resolveSibling(study.getFileName() + "-logs");
    Files.createDirectories(logs);
    Path out = logs.resolve(tag + ".out");
    Path err = logs.resolve(tag + ".err");
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    return new SweepProcess(p, out, err, study);
  }

  /** Waits until {@code file} exists, or fails when the process ended first. */
  void awaitFile(Path file) throws IOException, InterruptedException {
    long end = System.currentTimeMillis() + GUARD_MS;
    while (System.currentTimeMillis() < end) {
      if (Files.exists(file)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("ended before " + file + " appeared; stderr: " + err());
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no " + file + " within the guard");
  }

  long pid() {
    return process.pid();
  }

  /** Waits until {@code n} runs are finished in the study, or the process ended; returns them. */
  int awaitFinished(int n) throws IOException, InterruptedException {
    long end = System.currentTimeMillis() + GUARD_MS;
    while (System.currentTimeMillis() < end) {
      int done = finished(study);
      if (done >= n || !process.isAlive()) {
        return done;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no " + n + " finished runs within the guard; stderr: " + err());
  }

  /** Waits until stdout holds a line starting with {@code prefix}. */
  void awaitOutput(String prefix) throws IOException, InterruptedException {
    long end = System.currentTimeMillis() + GUARD_MS;
    while (System.currentTimeMillis() < end) {
      if (Files.readAllLines(stdout).stream().anyMatch(l -> l.startsWith(prefix))) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("ended before '" + prefix + "'; stderr: " + err());
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no '" + prefix + "' within the guard");
  }

  /** Sends {@code signal} (TERM, INT with kill(1); KILL directly, with no process to start). */
  void signal(String signal) throws IOException, InterruptedException {
    if (signal.equals("KILL")) {
      process.destroyForcibly(); // SIGKILL on Linux
      return;
    }
    int rc = new ProcessBuilder("kill", "-s", signal, Long.toString(pid())).start().waitFor();
    if (rc != 0) {
      throw new AssertionError("kill -s " + signal + " failed: " + rc);
    }
  }

  int waitFor() throws InterruptedException {
    if (!process.waitFor(GUARD_MS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the sweep did not end within the guard");
    }
    return process.exitValue();
  }

  /** stderr without the JVM's notice about the incubating Vector API module. */
  String err() throws IOException {
    StringBuilder b = new StringBuilder();
    for (String l : Files.readAllLines(stderr)) {
      if (!l.startsWith("WARNING: Using incubator modules")) {
        b.append(l).append('\n');
      }
    }
    return b.toString();
  }

  String out() throws IOException {
    return Files.readString(stdout);
  }

  /** Finished run folders in {@code study}. */
  static int finished(Path study) throws IOException {
    Path runs = study.resolve("runs");
    if (!Files.isDirectory(runs)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(runs)) {
      return (int)
          s.filter(p -> p.getFileName().toString().equals(RunFolder.RUN_JSON))
              .filter(p -> RunFolder.isFinished(p.getParent()))
              .count();
    }
  }

  /** Every regular file under {@code dir}. */
  static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }
}
