package dev.depthlab.common;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where results came from, beyond their protocol: the command line that made them and the source
 * revision of the code that ran it (git, asked once per process in the source tree the classes were
 * loaded from: {@code <repo>/target/classes} or {@code <repo>/target/depthlab.jar}), and whether
 * that tree had local changes to its code ({@code src}, {@code kernels}, {@code native}, {@code
 * config}, {@code pom.xml}). Recorded in run.json and study.yaml, never hashed: a resume with
 * another command line or after a commit still belongs to its study.
 */
public final class Invocation {
  /** The revision when there is no git tree or no git. */
  public static final String UNKNOWN = "unknown";

  private static volatile List<String> args = List.of();
  private static volatile Source source;

  private Invocation() {}

  /** The source revision and whether the code had local changes (null: not known). */
  public record Source(String revision, Boolean localChanges) {
    /** "abc123def456 (local changes)", "abc123def456", or "unknown". */
    public String describe() {
      return revision
          + (Boolean.TRUE.equals(localChanges)
              ? " (local changes)"
              : localChanges == null ? "" : " (clean)");
    }
  }

  /** Records the arguments this process's command was given (the CLI's entry point calls it). */
  public static void recordArgs(String[] commandArgs) {
    args = List.of(commandArgs);
  }

  /** "depthlab sweep config/x.yaml --out DIR", arguments quoted where a shell would need it. */
  public static String commandLine() {
    StringBuilder sb = new StringBuilder("depthlab");
    for (String a : args) {
      sb.append(' ').append(quote(a));
    }
    return sb.toString();
  }

  static String quote(String a) {
    if (!a.isEmpty() && a.matches("[A-Za-z0-9_./:=,+@%-]+")) {
      return a;
    }
    return "'" + a.replace("'", "'\\''") + "'";
  }

  /** The source revision, asked of git once per process. */
  public static Source source() {
    Source s = source;
    if (s == null) {
      s = ask(treeOf(Invocation.class));
      source = s;
    }
    return s;
  }

  /** The git work tree above the classes' location (target/..), or null. */
  static Path treeOf(Class<?> c) {
    try {
      Path loc = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path p = loc; p != null; p = p.getParent()) {
        if (Files.exists(p.resolve(".git"))) {
          return p;
        }
      }
    } catch (URISyntaxException | RuntimeException e) {
      // no code source (a custom class loader): unknown
    }
    return null;
  }

  /** git's view of {@code tree}: its revision and whether its code has uncommitted changes. */
  static Source ask(Path tree) {
    if (tree == null) {
      return new Source(UNKNOWN, null);
    }
    String rev = git(tree, "describe", "--always", "--tags", "--abbrev=12");
    if (rev == null || rev.isEmpty()) {
      return new Source(UNKNOWN, null);
    }
    String status =
        git(tree, "status", "--porcelain", "--", "src", "kernels", "native", "config", "pom.xml");
    return new Source(rev, status == null ? null : !status.isEmpty());
  }

  private static String git(Path tree, String... gitArgs) {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", tree.toString()));
    cmd.addAll(List.of(gitArgs));
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      p.getOutputStream().close();
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readAllBytes();
      }
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).strip() : null;
    } catch (IOException e) {
      return null; // no git
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
