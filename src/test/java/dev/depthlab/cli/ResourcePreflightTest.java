package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.Traits;
import dev.depthlab.common.UserError;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.ResourceEstimate;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.sweep.ResourceCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resource preflight's refusals: what each says (the need, what is there, the key to lower),
 * through the command line for the host and the limits, and on a stub device backend for the
 * device's memory and the compute bound.
 */
class ResourcePreflightTest {
  @TempDir Path tmp;

  private String refusal(String... sets) {
    Path out = tmp.resolve("out");
    List<String> args = new java.util.ArrayList<>(List.of("sweep", "config/quick.yaml"));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    args.add("--out");
    args.add(out.toString());
    var r = CliTestSupport.run(args.toArray(String[]::new));
    assertAll(
        () -> assertEquals(2, r.code(), r.err()),
        () -> assertEquals(1, r.err().strip().lines().count(), r.err()),
        () -> assertFalse(Files.exists(out), "nothing written"));
    return r.err().strip();
  }

  private static Backend stub(Traits traits, Map<String, String> details) {
    return new Backend() {
      @Override
      public String name() {
        return "stub";
      }

      @Override
      public Availability availability() {
        return Availability.usable(details);
      }

      @Override
      public Traits traits() {
        return traits;
      }

      @Override
      public Group createGroup(GroupSpec spec, List<ReplicaSetup> replicas) {
        throw new AssertionError("the preflight creates no group");
      }
    };
  }

  private static StudyConfig quick(String... sets) {
    return ConfigLoader.builtIn("quick", List.of(sets));
  }

  /** Within the limits, beyond any heap: 1000 layers of 8192 x 8192 (67e9 weights, TiBs). */
  @Test
  void aNetworkBeyondTheHeapIsRefusedWithWhatItNeeds() {
    String err = refusal("model.width=8192", "model.depths=[1000]");
    assertTrue(
        err.matches(
            "depthlab: model.width 8192 needs [0-9.]+ TiB for one run \\(mostly parameters\\);"
                + " this JVM has [0-9.]+ [KMGT]iB free \\(-Xmx\\); lower model.width"),
        err);
  }

  @Test
  void theIssuesDepthAndWidthAreRefusedWithTheMemoryTheyWouldNeed() {
    String depth = refusal("model.depths=[1000000]");
    assertTrue(
        depth.matches(
            "depthlab: --set model.depths=\\[1000000\\]: model.depths: depth 1000000 is beyond"
                + " depthlab's limit of 1000 \\(docs/config.md, Limits; one run would need [0-9.]+"
                + " GiB of memory\\); lower model.depths"),
        depth);
    String width = refusal("model.width=100000000");
    assertTrue(width.contains("model.width: width 100000000 is beyond depthlab's limit"), width);
    assertTrue(width.contains("EiB of memory"), width);
  }

  /** The seeds train together on a device: ten replicas of 10^5 points evaluated at once. */
  @Test
  void aGroupBeyondTheDevicesMemoryIsRefused() {
    StudyConfig c =
        quick(
            "seeds=[0,1,2,3,4,5,6,7,8,9]",
            "data.n_train=100000",
            "model.width=64",
            "training.epochs=2");
    Backend device = stub(new Traits(true, 16, false), Map.of("memory", "1024 MiB"));
    ResourceEstimate e = ResourceEstimate.forGroup(c, 10);
    assertTrue(e.deviceBytes() > 1L << 30, "the case needs more than 1 GiB: " + e.deviceBytes());
    UserError u = assertThrows(UserError.class, () -> ResourceCheck.requireFits(device, c, true));
    assertEquals(2, u.exitCode());
    assertTrue(
        u.getMessage()
            .contains(
                "of stub device memory for a group of 10 replicas; the device has" + " 1.0 GiB"),
        u.getMessage());
    // the same study on a host backend runs one replica a group and needs no device
    ResourceCheck.requireFits(stub(Traits.host(), Map.of()), c, true);
    // a device whose memory other processes hold: what was free counts, not the total
    Backend shared =
        stub(
            new Traits(true, 16, false),
            Map.of("memory", "1048576 MiB", "memory free", "1024 MiB"));
    UserError busy =
        assertThrows(UserError.class, () -> ResourceCheck.requireFits(shared, c, true));
    assertTrue(busy.getMessage().contains("the device has 1.0 GiB"), busy.getMessage());
    ResourceCheck.requireFits(
        stub(new Traits(true, 16, false), Map.of("memory", "1048576 MiB")), c, true);
  }

  /**
   * 10^6 epochs of 10^7 points, width 512: about 1.3e20 FLOP, beyond a year at the assumed rate on
   * host or device.
   */
  @Test
  void computeBeyondAYearIsRefused() {
    StudyConfig c =
        quick("training.epochs=1000000", "data.n_train=10000000", "model.width=512", "seeds=[0]");
    for (Backend b :
        List.of(
            stub(Traits.host(), Map.of()),
            stub(new Traits(true, 16, false), Map.of("memory", "1048576 MiB")))) {
      UserError u = assertThrows(UserError.class, () -> ResourceCheck.requireFits(b, c, true));
      assertTrue(u.getMessage().startsWith("the study would take about "), u.getMessage());
      assertTrue(u.getMessage().contains("beyond depthlab's limit of 365 days"), u.getMessage());
    }
  }

  /**
   * The issue's case end to end: a 2-run width-3400 depth-8 study with --jobs 2 in a JVM whose heap
   * holds one run but not two (-Xmx 1.5 runs) is refused before anything is written: exit 2, one
   * line, no study.yaml (it used to pass, then die with OutOfMemoryError).
   */
  @Test
  void jobsRunningAtOnceAreCountedBeforeAnythingIsWritten() throws Exception {
    String[] sets = {"model.width=3400", "model.depths=[8]", "seeds=[0,1]", "data.sets=[circle]"};
    long one = (long) ResourceEstimate.forRun(quick(sets)).hostBytes();
    Path out = tmp.resolve("wide");
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + (one + one / 2) / (1 << 20) + "m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "sweep",
                "config/quick.yaml",
                "--jobs",
                "2",
                "--backend",
                "cpu",
                "--out",
                out.toString()));
    for (String s : sets) {
      cmd.add("--set");
      cmd.add(s);
    }
    Path err = tmp.resolve("err.txt");
    Process p =
        new ProcessBuilder(cmd)
            .redirectError(err.toFile())
            .redirectOutput(tmp.resolve("out.txt").toFile())
            .start();
    assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the sweep hung");
    String e = Files.readString(err).strip();
    assertAll(
        () -> assertEquals(2, p.exitValue(), e),
        () -> assertEquals(1, e.lines().count(), e),
        () ->
            assertTrue(
                e.matches(
                    "depthlab: model.width 3400 needs [0-9.]+ GiB for 2 runs at once \\(--jobs 2;"
                        + " mostly parameters\\); this JVM has [0-9.]+ GiB free \\(-Xmx\\);"
                        + " lower --jobs or model.width"),
                e),
        () -> assertFalse(Files.exists(out), "nothing written"));
  }

  @Test
  void theQuickStudyPasses() {
    StudyConfig c = quick();
    ResourceCheck.requireFits(stub(Traits.host(), Map.of()), c, true);
    ResourceCheck.requireFits(
        stub(new Traits(true, 16, false), Map.of("memory", "1024 MiB")), c, true);
  }
}
