package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthlab.common.Rng;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The log of every call the CUDA backend makes to its device (allocations, copies with their
 * contents, each GEMM's layout and operands, each prepared launch's kernel and arguments, each
 * enqueue's grid, syncs, captures) over GroupTrace's runs of several shapes, both precisions and
 * both reductions. Pointers are written as the allocation's ordinal plus a byte offset, so the log
 * is the same on every run. Its SHA-256 was recorded before the device was split into {@link
 * Device} and {@link Lane} (issue 25): a refactoring of the backend keeps it, or says why not.
 */
class DeviceCallLogTest {
  /** The log's line count and SHA-256, as recorded on the code before the split. */
  static final int LINES = 1660;

  static final String SHA256 = "36d57f3cf38a2233d1a53a37dc849e6ec2821cb5b05bed893f8af0d727cf6595";

  /** Renders calls, naming pointers by allocation; guarded by itself. */
  static final class Log {
    final List<String> lines = new ArrayList<>();
    final TreeMap<Long, long[]> allocations = new TreeMap<>(); // base -> {ordinal, bytes}
    int next;

    synchronized void add(String method, Object[] args, Object result) {
      StringBuilder sb = new StringBuilder(method).append('(');
      if (args != null) {
        for (int i = 0; i < args.length; i++) {
          sb.append(i == 0 ? "" : ", ").append(render(args[i]));
        }
      }
      sb.append(')');
      if (method.equals("alloc")) {
        allocations.put((Long) result, new long[] {next++, (Long) args[0]});
        sb.append(" = ").append(render(result));
      }
      lines.add(sb.toString());
    }

    private String render(Object o) {
      if (o instanceof Long p) {
        Map.Entry<Long, long[]> e = allocations.floorEntry(p);
        if (e != null && p - e.getKey() < Math.max(8, e.getValue()[1])) {
          return "#" + e.getValue()[0] + "+" + (p - e.getKey());
        }
        return "long " + p;
      }
      if (o instanceof double[] d) {
        StringBuilder sb = new StringBuilder("double[");
        for (double x : d) {
          sb.append(Long.toHexString(Double.doubleToRawLongBits(x))).append(' ');
        }
        return sb.append(']').toString();
      }
      if (o instanceof float[] f) {
        StringBuilder sb = new StringBuilder("float[");
        for (float x : f) {
          sb.append(Integer.toHexString(Float.floatToRawIntBits(x))).append(' ');
        }
        return sb.append(']').toString();
      }
      if (o instanceof int[] n) {
        return "int" + Arrays.toString(n);
      }
      if (o instanceof Object[] v) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < v.length; i++) {
          sb.append(i == 0 ? "" : ", ").append(render(v[i]));
        }
        return sb.append('}').toString();
      }
      if (o instanceof Double d) {
        return "double " + Long.toHexString(Double.doubleToRawLongBits(d));
      }
      return String.valueOf(o);
    }
  }

  /**
   * {@code inner} behind a proxy of each interface it implements among the device's types; what a
   * call returns of those types (a lane, a launcher, a graph) is wrapped too. Copies out are logged
   * with what they read.
   */
  @SuppressWarnings("unchecked")
  static <T> T recording(T inner, Class<T> type, Log log) {
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              Object result;
              try {
                result = method.invoke(inner, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              String name = method.getName();
              if (!name.equals("name")
                  && !name.equals("details")
                  && !name.equals("liveAllocations")
                  && !name.equals("supportsGraphs")) {
                log.add(name, args, result);
              }
              Class<?> rt = method.getReturnType();
              if (result != null
                  && rt.isInterface()
                  && rt.getPackage() == Device.class.getPackage()) {
                result = recording(result, (Class<Object>) rt, log);
              }
              return result;
            });
  }

  static List<String> log() {
    Log log = new Log();
    Device dev = recording(NativeTools.emulatedDevice(), Device.class, log);
    record Case(Activation act, int depth, Reduction red, Precision p, int replicas) {}
    List<Case> cases =
        List.of(
            new Case(Activation.RELU, 2, Reduction.SUM, Precision.FP64, 3),
            new Case(Activation.TANH, 3, Reduction.MEAN, Precision.FP32, 2),
            new Case(Activation.LEAKY_RELU, 1, Reduction.MEAN, Precision.FP64, 1),
            new Case(Activation.RELU, 4, Reduction.SUM, Precision.FP32, 4));
    for (Case c : cases) {
      NetworkSpec spec = ParityChecks.spec(c.act(), c.depth(), c.red());
      log.add("case " + c, null, null);
      GroupTrace.of(dev, spec, c.p(), 0, c.replicas(), 3, Rng.mix(42L + c.depth()));
    }
    return log.lines;
  }

  static String sha256(List<String> lines) throws NoSuchAlgorithmException {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (String l : lines) {
      md.update(l.getBytes(StandardCharsets.UTF_8));
      md.update((byte) '\n');
    }
    return HexFormat.of().formatHex(md.digest());
  }

  @Test
  void theBackendMakesTheRecordedCalls() throws NoSuchAlgorithmException {
    List<String> lines = log();
    String got = sha256(lines);
    if (System.getProperty("depthlab.callLog") != null) {
      try {
        java.nio.file.Files.write(
            java.nio.file.Path.of(System.getProperty("depthlab.callLog")), lines);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    assertEquals(LINES + " " + SHA256, lines.size() + " " + got);
  }
}
