package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depthlab.common.Invocation;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.ConfigYaml;
import dev.depthlab.sweep.StudyLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run.json and study.yaml record the command line and the source revision outside the protocol hash
 * (a resume with another command line still counts); a lock refusal names each changed key.
 */
class ProvenanceTest {
  @TempDir Path tmp;

  private static final String YAML =
      "data: {sets: [circle], n_train: 40, test: {n: 10}}\nmodel: {depths: [1], width: 4}\n"
          + "training: {epochs: 2, lr: 0.01}\nseeds: [0]\n";

  /** git's own answer for this checkout, asked here independently; null without git. */
  private static String git(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      return null;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    p.waitFor(20, TimeUnit.SECONDS);
    return p.exitValue() == 0 ? out : null;
  }

  @Test
  void runJsonAndStudyYamlRecordTheCommandAndTheRevisionOutsideTheHash() throws Exception {
    Path c = tmp.resolve("p.yaml");
    Files.writeString(c, YAML);
    Path out = tmp.resolve("study");
    var r = CliTestSupport.run("sweep", c.toString(), "--out", out.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    String typed = "depthlab sweep " + c + " --out " + out + " --quiet";
    JsonNode run =
        new ObjectMapper().readTree(out.resolve("runs/circle/depth-1/seed-0/run.json").toFile());
    JsonNode inv = run.path("invocation");
    assertEquals(typed, inv.path("command_line").asText(), run.toPrettyString());
    String described = git("describe", "--always", "--tags", "--abbrev=12");
    if (described == null) {
      System.out.println("git unavailable here: the revision must read unknown");
      assertEquals(Invocation.UNKNOWN, inv.path("source_revision").asText());
    } else {
      assertEquals(described, inv.path("source_revision").asText());
      String status =
          git("status", "--porcelain", "--", "src", "kernels", "native", "config", "pom.xml");
      assertEquals(!status.isEmpty(), inv.path("local_changes").asBoolean(), status);
    }
    String yaml = Files.readString(out.resolve("study.yaml"));
    assertTrue(yaml.contains("\n# made by: " + typed + "\n"), yaml);
    assertTrue(yaml.contains("\n# source: " + inv.path("source_revision").asText()), yaml);
    // the hash line is the protocol's hash: the provenance lines are not part of it
    String hash = ConfigYaml.hash(ConfigLoader.load(c, List.of()));
    assertTrue(yaml.contains("# hash: " + hash + "\n"), yaml);
    assertEquals(run.path("config_hash").asText(), hash);
    // a resume typed differently (another backend, no --quiet) still belongs to the study
    var again =
        CliTestSupport.run("sweep", c.toString(), "--out", out.toString(), "--backend", "cpu");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("resume: 1 of 1 run already finished"), again.out());
  }

  @Test
  void aLockRefusalListsEachChangedKeyAndSuggestsAnOut() throws Exception {
    Path c = tmp.resolve("p.yaml");
    Files.writeString(c, YAML);
    Path out = tmp.resolve("study");
    assertEquals(
        0, CliTestSupport.run("sweep", c.toString(), "--out", out.toString(), "--quiet").code());
    var r =
        CliTestSupport.run(
            "sweep",
            c.toString(),
            "--out",
            out.toString(),
            "--quiet",
            "--backend",
            "cpu",
            "--set",
            "training.lr=0.1",
            "--set",
            "seeds=[0, 1]");
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    String wanted =
        ConfigYaml.hash(ConfigLoader.load(c, List.of("training.lr=0.1", "seeds=[0, 1]")));
    assertTrue(r.err().contains("training.lr 0.01 -> 0.1"), r.err());
    assertTrue(r.err().contains("seeds [0] -> [0, 1]"), r.err());
    assertTrue(r.err().contains("--out " + out + "-" + wanted.substring(0, 8) + ","), r.err());
    assertFalse(r.err().contains("training.epochs"), "unchanged keys are not listed: " + r.err());
    // the suggested folder takes the new protocol
    var there =
        CliTestSupport.run(
            "sweep",
            c.toString(),
            "--out",
            out + "-" + wanted.substring(0, 8),
            "--quiet",
            "--set",
            "training.lr=0.1",
            "--set",
            "seeds=[0, 1]");
    assertEquals(0, there.code(), there.err());
  }

  @Test
  void aRefusalOfManyChangesStaysOneLine() {
    var a = ConfigLoader.parse(YAML, "a.yaml", List.of());
    var b =
        ConfigLoader.parse(
            YAML,
            "a.yaml",
            List.of(
                "training.lr=0.2",
                "training.epochs=3",
                "model.width=5",
                "seeds=[1]",
                "data.n_train=41",
                "data.noise=0.1",
                "precision=fp32",
                "model.activation=tanh"));
    String m = StudyLock.refusal(tmp, a, b).getMessage();
    assertTrue(m.contains(" and 2 more; write it elsewhere with --out "), m);
    assertFalse(m.contains("\n"), m);
  }
}
