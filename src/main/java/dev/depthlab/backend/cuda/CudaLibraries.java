package dev.depthlab.backend.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the CUDA 12 libraries that JCuda 12.6's natives link against and loads them by full path
 * before JCuda does. JCuda's natives name {@code libnvrtc.so.12} and {@code libcublas.so.12} with a
 * search path of only {@code /usr/local/cuda-12.0/lib64}; a library already loaded under that name
 * satisfies the dependency, so preloading makes any CUDA 12.x install work (the project's own
 * {@code .cuda-libs/lib} that {@link #SETUP_COMMAND} fills, toolkit folders, {@code
 * DEPTHLAB_CUDA_LIBS}, {@code CUDA_HOME}, {@code LD_LIBRARY_PATH}). When one is missing, {@link
 * #explainMissing} says why in one line, recognising a machine with only CUDA 13, and names the
 * command that fetches them.
 */
final class CudaLibraries {
  /** The CUDA major version JCuda 12.6 is built against. */
  static final int MAJOR = 12;

  static final String NVRTC = "libnvrtc.so." + MAJOR;
  static final String CUBLAS_LT = "libcublasLt.so." + MAJOR;
  static final String CUBLAS = "libcublas.so." + MAJOR;

  /** In load order: cuBLAS needs cuBLASLt. */
  static final List<String> LIBRARIES = List.of(NVRTC, CUBLAS_LT, CUBLAS);

  /**
   * The command that fetches the CUDA 12 libraries into {@link #PROJECT_LIBS} (Debian trixie's
   * non-free packages, unpacked without touching the system; see docs/gpu.md).
   */
  static final String SETUP_COMMAND = "tools/cuda-libs.sh";

  /** Where {@link #SETUP_COMMAND} unpacks them, relative to the project folder. */
  static final String PROJECT_LIBS = ".cuda-libs/lib";

  /** The Debian package (trixie, non-free) that holds each library. */
  private static final Map<String, String> PACKAGES =
      Map.of(
          NVRTC, "libnvrtc12",
          CUBLAS_LT, "libcublaslt12",
          CUBLAS, "libcublas12");

  private CudaLibraries() {}

  /**
   * The folders searched, in order: {@code DEPTHLAB_CUDA_LIBS} (colon-separated), the project's
   * {@code projectLibs} ({@link #PROJECT_LIBS}, when known), {@code CUDA_HOME/lib64}, {@code
   * CUDA_PATH/lib64}, {@code LD_LIBRARY_PATH}, {@code /usr/local/cuda/lib64}, then {@code
   * /usr/local/cuda-12.*} newest first, then the system library folders. Only folders that exist
   * are returned.
   */
  static List<Path> searchPath(Map<String, String> env, Path usrLocal, Optional<Path> projectLibs) {
    Set<Path> dirs = new LinkedHashSet<>();
    addAll(dirs, env.get("DEPTHLAB_CUDA_LIBS"));
    projectLibs.ifPresent(dirs::add);
    for (String home : new String[] {env.get("CUDA_HOME"), env.get("CUDA_PATH")}) {
      if (home != null && !home.isBlank()) {
        dirs.add(Path.of(home, "lib64"));
      }
    }
    addAll(dirs, env.get("LD_LIBRARY_PATH"));
    dirs.add(usrLocal.resolve("cuda").resolve("lib64"));
    for (Path toolkit : toolkits(usrLocal, MAJOR)) {
      dirs.add(toolkit.resolve("lib64"));
      dirs.add(toolkit.resolve("targets").resolve("x86_64-linux").resolve("lib"));
    }
    for (String sys :
        new String[] {"/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/lib/x86_64-linux-gnu"}) {
      dirs.add(Path.of(sys));
    }
    List<Path> out = new ArrayList<>();
    for (Path d : dirs) {
      if (Files.isDirectory(d)) {
        out.add(d);
      }
    }
    return out;
  }

  /** The search path of this process. */
  static List<Path> searchPath() {
    return searchPath(System.getenv(), Path.of("/usr/local"), projectLibs());
  }

  /**
   * {@link #PROJECT_LIBS} of the project this code runs from: the folder the system property {@code
   * depthlab.home} names, else the one above {@code target/} when the code is {@code
   * target/depthlab.jar} or {@code target/classes} (the launcher and the tests).
   */
  static Optional<Path> projectLibs() {
    String home = System.getProperty("depthlab.home");
    if (home != null && !home.isBlank()) {
      return Optional.of(Path.of(home).resolve(PROJECT_LIBS));
    }
    try {
      Path code =
          Path.of(CudaLibraries.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path target = code.getParent();
      if (target != null
          && target.getFileName() != null
          && target.getFileName().toString().equals("target")
          && target.getParent() != null) {
        return Optional.of(target.getParent().resolve(PROJECT_LIBS));
      }
    } catch (RuntimeException | java.net.URISyntaxException e) {
      // no code source to go by (a custom class loader): only the other folders
    }
    return Optional.empty();
  }

  private static void addAll(Set<Path> dirs, String pathList) {
    if (pathList == null) {
      return;
    }
    for (String s : pathList.split(":")) {
      if (!s.isBlank()) {
        dirs.add(Path.of(s));
      }
    }
  }

  /** {@code usrLocal/cuda-<major>.<minor>} folders, newest minor first. */
  private static List<Path> toolkits(Path usrLocal, int major) {
    Pattern name = Pattern.compile("cuda-" + major + "\\.(\\d+)");
    List<Path> found = new ArrayList<>();
    try (Stream<Path> s = Files.list(usrLocal)) {
      s.filter(p -> name.matcher(p.getFileName().toString()).matches()).forEach(found::add);
    } catch (IOException e) {
      return List.of();
    }
    found.sort(
        Comparator.comparingInt(
                (Path p) -> {
                  Matcher m = name.matcher(p.getFileName().toString());
                  return m.matches() ? Integer.parseInt(m.group(1)) : -1;
                })
            .reversed());
    return found;
  }

  /** The first folder holding {@code library}. */
  static Optional<Path> find(String library, List<Path> dirs) {
    for (Path d : dirs) {
      Path p = d.resolve(library);
      if (Files.isRegularFile(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Loads each of {@link #LIBRARIES} found in {@code dirs} by its full path and returns library to
   * path. One not found is left to the dynamic linker (it may be in the linker's cache); if that
   * fails too, JCuda's load fails and {@link #explainMissing} says why.
   */
  static Map<String, String> preload(List<Path> dirs) {
    Map<String, String> loaded = new LinkedHashMap<>();
    for (String lib : LIBRARIES) {
      Optional<Path> p = find(lib, dirs);
      if (p.isPresent()) {
        System.load(p.get().toAbsolutePath().toString());
        loaded.put(lib, p.get().toString());
      }
    }
    return loaded;
  }

  /**
   * One line: why {@code library} (one of {@link #LIBRARIES}) could not be loaded, judged from what
   * {@code dirs} hold, and the fix.
   */
  static String explainMissing(String library, List<Path> dirs) {
    String stem = library.substring(0, library.indexOf(".so.") + 4); // "libnvrtc.so."
    TreeSet<String> others = new TreeSet<>();
    for (Path d : dirs) {
      try (Stream<Path> s = Files.list(d)) {
        s.map(p -> p.getFileName().toString())
            .filter(n -> n.startsWith(stem) && !n.startsWith(library))
            .forEach(n -> others.add(d.resolve(n).toString()));
      } catch (IOException e) {
        // an unreadable folder holds nothing we can use
      }
    }
    String fix = fix(PACKAGES.get(library), library);
    if (!others.isEmpty()) {
      return library
          + " not found; this machine has only other CUDA versions ("
          + String.join(", ", others)
          + "), and JCuda 12.6 needs CUDA "
          + MAJOR
          + "'s: "
          + fix;
    }
    return library + " not found in " + dirs.size() + " folders searched: " + fix;
  }

  /**
   * The fix for a missing library: {@link #SETUP_COMMAND} (Debian's {@code debPackage}, unpacked
   * into the project), or DEPTHLAB_CUDA_LIBS naming a folder that holds {@code file}.
   */
  static String fix(String debPackage, String file) {
    return "run "
        + SETUP_COMMAND
        + " (fetches Debian's "
        + debPackage
        + " into "
        + PROJECT_LIBS
        + ", where depthlab looks) or set DEPTHLAB_CUDA_LIBS to a folder holding "
        + file;
  }

  /**
   * Where {@code libnvrtc-builtins.so.<major>.<minor>} is expected: beside the libnvrtc this
   * process loaded (NVRTC opens it on the first compile, not at load).
   */
  static String builtinsName(int major, int minor) {
    return "libnvrtc-builtins.so." + major + "." + minor;
  }

  /** The folder of a loaded library, read from {@code /proc/self/maps} (Linux). */
  static Optional<Path> loadedFrom(String library) {
    Path maps = Path.of("/proc/self/maps");
    if (!Files.isReadable(maps)) {
      return Optional.empty();
    }
    try (Stream<String> lines = Files.lines(maps)) {
      return lines
          .map(l -> l.substring(l.indexOf('/') < 0 ? l.length() : l.indexOf('/')).strip())
          .filter(p -> !p.isEmpty() && Path.of(p).getFileName().toString().startsWith(library))
          .map(p -> Path.of(p).getParent())
          .findFirst();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
