package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A csv data set through the command line: {@code depthlab data} describes it, a sweep trains it
 * and records it, and each bad file is refused (rows in the cases below: ';' stands for ',') in one
 * line with exit 2 before anything is written.
 */
class CsvDataCommandTest {
  @TempDir Path tmp;

  private static final String GOOD = "a,b,y\n0.1,0.2,0\n0.3,-0.4,1\n0.5,0.6,0\n-0.7,0.8,1\n";

  private Path config(String set, String test) throws Exception {
    Path c = tmp.resolve("c.yaml");
    Files.writeString(
        c,
        "data: {sets: ["
            + set
            + "], test: "
            + test
            + "}\nmodel: {depths: [1], width: 4}\ntraining: {epochs: 2}\nseeds: [0]\n");
    return c;
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "missing.csv|y|a;b;y\\n1;2;0|no such file 'missing.csv'",
        "d.csv|z|a;b;y\\n1;2;0\\n3;4;1|no label column 'z'; its columns: a, b, y",
        "d.csv|y|a;b;y\\n1;2;0\\n3;inf;1\\n4;5;1|d.csv:3: column 'b' is 'inf', not a finite number",
        "d.csv|y|a;b;y\\n1;2;0\\n3;;1\\n4;5;1|d.csv:3: column 'b' is '', not a finite number",
        "d.csv|y|a;b;y\\n1;2;0\\n3;4;0.5\\n4;5;1|d.csv:3: label column 'y' is 0.5; labels must be 0 or 1",
        "d.csv|y|a;b;y\\n1;2;0\\n3;4|d.csv:3: expected 3 values (the header's columns), got 2",
        "d.csv|y|a;b;y\\n1;2;0\\n3;4;1|too few rows",
      })
  void aBadFileIsRefusedInOneLine(String file, String label, String rows, String expected)
      throws Exception {
    Files.writeString(tmp.resolve("d.csv"), rows.replace("\\n", "\n").replace(';', ','));
    Path c = config("{kind: csv, path: " + file + ", label: " + label + "}", "{n: 1}");
    Path out = tmp.resolve("out");
    var r = CliTestSupport.run("sweep", c.toString(), "--out", out.toString(), "--quiet");
    assertAll(
        () -> assertEquals(2, r.code(), r.err()),
        () -> assertTrue(r.err().contains(expected), "stderr: " + r.err()),
        () -> assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err()),
        () -> assertFalse(r.err().contains("\tat "), "no stack trace"),
        () -> assertFalse(Files.exists(out), "nothing written"));
  }

  @Test
  void dataDescribesTheFileAndASweepRecordsIt() throws Exception {
    Files.writeString(tmp.resolve("d.csv"), GOOD);
    Path c = config("{kind: csv, path: d.csv, label: y, features: [b, a]}", "{fraction: 0.25}");
    var r = CliTestSupport.run("data", c.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("rows of " + tmp.resolve("d.csv")), r.out());
    assertTrue(r.out().contains("features b, a; label y"), r.out());
    assertTrue(r.out().contains("2 features; positive fraction in the file 0.5000"), r.out());
    assertTrue(r.out().contains("train: 3 points: 1 positive"), r.out());
    assertTrue(r.out().contains("test:  1 points: 1 positive"), r.out());
    Path out = tmp.resolve("study");
    var s = CliTestSupport.run("sweep", c.toString(), "--out", out.toString(), "--quiet");
    assertEquals(0, s.code(), s.err());
    String yaml = Files.readString(out.resolve("study.yaml"));
    assertTrue(yaml.contains("path: '" + tmp.resolve("d.csv") + "'"), yaml);
    assertTrue(
        Files.isDirectory(out.resolve("runs/d/depth-1/seed-0")), "runs under the file's name");
  }
}
