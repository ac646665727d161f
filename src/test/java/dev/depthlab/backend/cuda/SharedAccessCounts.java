package dev.depthlab.backend.cuda;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The emulator's shared-memory accounting ({@link EmulatedDevice#countSharedAccesses}), parsed: per
 * kernel the blocks run and barriers passed, per access site (a DL_SMEM or DL_PARAM of the kernel
 * source) its warp requests, the wavefronts they took, the fewest they could take, and the worst
 * conflict degree of one request's phase (1: conflict-free; 16: sixteen distinct words in one
 * bank).
 */
record SharedAccessCounts(Map<String, Kernel> kernels) {
  /** One kernel's counts. */
  record Kernel(String name, long blocks, long barriers, List<Site> sites) {
    long requests() {
      return sites.stream().mapToLong(Site::requests).sum();
    }

    long wavefronts() {
      return sites.stream().mapToLong(Site::wavefronts).sum();
    }

    /** The site named {@code name} (the first of several with that name). */
    Site site(String name) {
      return sites.stream()
          .filter(s -> s.name().equals(name))
          .findFirst()
          .orElseThrow(() -> new AssertionError(this.name + " has no access site " + name));
    }
  }

  /** One access site's counts; {@code where} is file:line. */
  record Site(
      String name,
      String where,
      int bytes,
      long requests,
      long wavefronts,
      long ideal,
      int maxDegree,
      long accesses) {}

  /** Turns the accounting on, runs {@code work}, turns it off and returns what was counted. */
  static SharedAccessCounts during(Runnable work) {
    EmulatedDevice.countSharedAccesses(true);
    try {
      work.run();
    } finally {
      EmulatedDevice.countSharedAccesses(false);
    }
    return parse(EmulatedDevice.sharedAccessCounts());
  }

  static SharedAccessCounts parse(String text) {
    Map<String, Kernel> out = new LinkedHashMap<>();
    String name = null;
    long blocks = 0;
    long barriers = 0;
    List<Site> sites = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\t");
      if (f[0].equals("kernel")) {
        if (name != null) {
          out.put(name, new Kernel(name, blocks, barriers, List.copyOf(sites)));
        }
        name = f[1];
        blocks = Long.parseLong(f[2]);
        barriers = Long.parseLong(f[3]);
        sites.clear();
      } else {
        sites.add(
            new Site(
                f[1],
                f[2],
                Integer.parseInt(f[3]),
                Long.parseLong(f[4]),
                Long.parseLong(f[5]),
                Long.parseLong(f[6]),
                Integer.parseInt(f[7]),
                Long.parseLong(f[8])));
      }
    }
    if (name != null) {
      out.put(name, new Kernel(name, blocks, barriers, List.copyOf(sites)));
    }
    return new SharedAccessCounts(out);
  }

  Kernel kernel(String name) {
    Kernel k = kernels.get(name);
    if (k == null) {
      throw new AssertionError(
          "nothing counted for " + name + " (counted: " + kernels.keySet() + ")");
    }
    return k;
  }
}
