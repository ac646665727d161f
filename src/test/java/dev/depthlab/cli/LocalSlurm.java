package dev.depthlab.cli;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Slurm for a test: munged, slurmctld and slurmd (Debian's packages) started as
 * root in the foreground, without systemd, every file (config, key, sockets, state, logs) in one
 * folder. {@link #close} stops every process it started, its children too.
 */
final class LocalSlurm implements AutoCloseable {
  private static final List<String> TOOLS =
      List.of("munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scancel");

  private final Path dir;
  private final Path conf;
  private final List<Process> daemons = new ArrayList<>();
  private final Thread hook = new Thread(this::stopAll);

  private LocalSlurm(Path dir) {
    this.dir = dir;
    this.conf = dir.resolve("slurm.conf");
  }

  /** Why a local Slurm cannot start here, or null when it can be tried. */
  static String unavailableReason() {
    if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
      return "Slurm runs on Linux only (" + System.getProperty("os.name") + ")";
    }
    List<String> missing = new ArrayList<>();
    for (String t : TOOLS) {
      if (which(t) == null) {
        missing.add(t);
      }
    }
    if (!missing.isEmpty()) {
      return "not installed: "
          + String.join(", ", missing)
          + " (apt-get install slurmctld slurmd munge; .ci/run does it)";
    }
    try {
      String uid = run(List.of("id", "-u"), Map.of(), 10).strip();
      if (!uid.equals("0")) {
        return "the daemons start only as root without systemd (uid " + uid + ")";
      }
    } catch (IOException e) {
      return "cannot tell the user id: " + e.getMessage();
    }
    return null;
  }

  /** Starts the three daemons in {@code dir} and waits until the node is idle. */
  static LocalSlurm start(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    LocalSlurm s = new LocalSlurm(dir);
    Runtime.getRuntime().addShutdownHook(s.hook);
    try {
      s.boot();
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      s.close();
      throw e;
    }
    return s;
  }

  private void boot() throws IOException, InterruptedException {
    for (String d : List.of("ctld", "d", "log")) {
      Files.createDirectories(dir.resolve(d));
    }
    Path key = dir.resolve("munge.key");
    byte[] bytes = new byte[1024];
    new SecureRandom().nextBytes(bytes);
    Files.write(key, bytes);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Path socket = dir.resolve("munge.sock");
    daemons.add(
        spawn(
            "munged",
            List.of(
                which("munged"),
                "-F",
                "--force",
                "--key-file=" + key,
                "--socket=" + socket,
                "--pid-file=" + dir.resolve("munged.pid"),
                "--log-file=" + dir.resolve("log/munged.log"),
                "--seed-file=" + dir.resolve("munge.seed"))));
    waitFor(() -> Files.exists(socket), 10, "munged's socket " + socket);

    // the node as slurmd sees it: NodeName=<host> CPUs=.. RealMemory=..
    String node =
        run(List.of(which("slurmd"), "-C"), Map.of(), 20)
            .lines()
            .filter(l -> l.startsWith("NodeName="))
            .findFirst()
            .orElseThrow(() -> new IOException("slurmd -C printed no NodeName line"));
    String host = node.split("\\s+")[0].substring("NodeName=".length());
    String text =
        String.join(
            "\n",
            "ClusterName=depthlabtest",
            "SlurmctldHost=" + host + "(127.0.0.1)",
            "SlurmctldPort=" + freePort(),
            "SlurmdPort=" + freePort(),
            "SlurmUser=root",
            "SlurmdUser=root",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            "AuthInfo=socket=" + socket,
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core",
            "MpiDefault=none",
            "JobAcctGatherType=jobacct_gather/none",
            "AccountingStorageType=accounting_storage/none",
            "ReturnToService=2",
            "StateSaveLocation=" + dir.resolve("ctld"),
            "SlurmdSpoolDir=" + dir.resolve("d"),
            "SlurmctldPidFile=" + dir.resolve("slurmctld.pid"),
            "SlurmdPidFile=" + dir.resolve("slurmd.pid"),
            "SlurmctldLogFile=" + dir.resolve("log/slurmctld.log"),
            "SlurmdLogFile=" + dir.resolve("log/slurmd.log"),
            node + " NodeAddr=127.0.0.1 State=UNKNOWN",
            "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
            "");
    Files.writeString(conf, text);
    daemons.add(spawn("slurmctld", List.of(which("slurmctld"), "-D", "-f", conf.toString())));
    daemons.add(spawn("slurmd", List.of(which("slurmd"), "-D", "-f", conf.toString())));
    waitFor(
        () -> {
          try {
            return run(List.of("sinfo", "-h", "-o", "%T"), env(), 10).strip().equals("idle");
          } catch (IOException e) {
            return false;
          }
        },
        30,
        "the node to come up idle");
  }

  /** The environment the Slurm commands need: SLURM_CONF. */
  Map<String, String> env() {
    return Map.of("SLURM_CONF", conf.toString());
  }

  /** The daemons' logs, last lines, for a failure message. */
  String logTails() {
    StringBuilder sb = new StringBuilder();
    for (String name : List.of("slurmctld.log", "slurmd.log", "munged.log")) {
      Path p = dir.resolve("log").resolve(name);
      try {
        List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
        sb.append("--- ").append(p).append('\n');
        lines
            .subList(Math.max(0, lines.size() - 15), lines.size())
            .forEach(l -> sb.append(l).append('\n'));
      } catch (IOException e) {
        sb.append("--- ").append(p).append(": ").append(e.getMessage()).append('\n');
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    try {
      if (!daemons.isEmpty() && Files.exists(conf)) {
        // jobs still queued or running (a failed test): cancel them before the daemons go
        run(List.of("scancel", "--user=root"), env(), 10);
      }
    } catch (IOException e) {
      // the daemons are stopped below either way
    }
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
  }

  /** SIGTERM to every daemon and its children, slurmd first; SIGKILL after 10 s. */
  private synchronized void stopAll() {
    for (int i = daemons.size() - 1; i >= 0; i--) {
      Process p = daemons.get(i);
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    daemons.clear();
  }

  private Process spawn(String name, List<String> cmd) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("SLURM_CONF", conf.toString());
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("log").resolve(name + ".out").toFile());
    return pb.start();
  }

  /** Runs a command to its end and returns its output; a non-zero exit is an IOException. */
  static String run(List<String> cmd, Map<String, String> env, int timeoutS) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + ": no exit within " + timeoutS + " s");
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + text);
      }
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted: " + String.join(" ", cmd));
    }
  }

  /** The tool on PATH or in the sbin folders (root's tools), or null. */
  static String which(String tool) {
    List<String> dirs = new ArrayList<>();
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      dirs.add(d);
    }
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/local/sbin"));
    for (String d : dirs) {
      if (d.isEmpty()) {
        continue;
      }
      Path p = Path.of(d, tool);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  interface Check {
    boolean ok() throws IOException;
  }

  /** Polls {@code check} every 200 ms for up to {@code seconds}; fails with the logs after. */
  void waitFor(Check check, int seconds, String what) throws IOException, InterruptedException {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (!check.ok()) {
      for (Process p : daemons) {
        if (!p.isAlive()) {
          throw new IOException(
              "a daemon exited (" + p.info().command().orElse("?") + ")\n" + logTails());
        }
      }
      if (System.nanoTime() > end) {
        throw new IOException("waited " + seconds + " s for " + what + "\n" + logTails());
      }
      Thread.sleep(200);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
