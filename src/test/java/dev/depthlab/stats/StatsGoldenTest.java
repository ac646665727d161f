package dev.depthlab.stats;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every test and interval of the statistics over seeds against golden values from SciPy and NumPy
 * (tools/stats_golden.py, output in src/test/resources/stats-golden.json): paired t and its
 * interval, the exact signed-rank test with ties and zeros, TOST, Page's L (with and without ties),
 * the t interval of a mean, the IQM's jackknife-t interval and Clopper-Pearson; within 1e-9.
 */
class StatsGoldenTest {
  private static final double TOL = 1e-9;

  private static JsonNode cases() throws IOException {
    try (InputStream in = StatsGoldenTest.class.getResourceAsStream("/stats-golden.json")) {
      return new ObjectMapper().readTree(in).get("cases");
    }
  }

  private static double[] arr(JsonNode a) {
    double[] v = new double[a.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.get(i).asDouble();
    }
    return v;
  }

  private static void check(String kind, int min, Consumer<JsonNode> each) throws IOException {
    int seen = 0;
    for (JsonNode c : cases()) {
      if (c.get("kind").asText().equals(kind)) {
        each.accept(c);
        seen++;
      }
    }
    assertTrue(seen >= min, kind + ": " + seen + " golden cases, expected at least " + min);
  }

  private static Executable near(String what, double want, double got) {
    return () -> assertEquals(want, got, TOL, what);
  }

  @Test
  void pairedTMatchesScipyTtestRel() throws IOException {
    check(
        "paired_t",
        4,
        c -> {
          Paired p = Paired.of(arr(c.get("x")), arr(c.get("y")), Margin.absolute(0));
          String n = "n " + c.get("x").size();
          assertAll(
              near(n + " t", c.get("t").asDouble(), p.t()),
              near(n + " p", c.get("p").asDouble(), p.tP()),
              near(n + " ci low", c.get("low").asDouble(), p.diffLow()),
              near(n + " ci high", c.get("high").asDouble(), p.diffHigh()));
        });
  }

  @Test
  void meanIntervalMatchesScipyTtest1samp() throws IOException {
    check(
        "mean_t",
        4,
        c -> {
          double[] ci = Intervals.mean(arr(c.get("x")));
          assertAll(
              near("low", c.get("low").asDouble(), ci[0]),
              near("high", c.get("high").asDouble(), ci[1]));
        });
  }

  @Test
  void signedRankMatchesEnumerationWithTiesAndZeros() throws IOException {
    check(
        "signed_rank",
        7,
        c -> {
          double[] r = SignedRank.test(arr(c.get("d")));
          String d = c.get("d").toString();
          assertAll(
              near(d + " T+", c.get("t").asDouble(), r[0]),
              near(d + " p", c.get("p").asDouble(), r[1]));
        });
  }

  @Test
  void tostMatchesTwoScipyOneSidedTests() throws IOException {
    check(
        "tost",
        4,
        c -> {
          double[] d = arr(c.get("d"));
          Paired p =
              Paired.of(new double[d.length], d, Margin.absolute(c.get("margin").asDouble()));
          assertEquals(c.get("p").asDouble(), p.tostP(), TOL, c.toString());
        });
  }

  @Test
  void pageTrendMatchesScipyAndEnumeration() throws IOException {
    check(
        "page",
        5,
        c -> {
          JsonNode b = c.get("blocks");
          double[][] blocks = new double[b.size()][];
          for (int i = 0; i < blocks.length; i++) {
            blocks[i] = arr(b.get(i));
          }
          double[] r = PageTrend.test(blocks);
          assertAll(
              near(b + " L", c.get("l").asDouble(), r[0]),
              near(b + " p", c.get("p").asDouble(), r[1]));
        });
  }

  @Test
  void iqmAndItsIntervalMatchNumpyJackknife() throws IOException {
    check(
        "iqm",
        5,
        c -> {
          double[] x = arr(c.get("x"));
          double[] ci = Intervals.iqm(x);
          String n = "n " + x.length;
          assertAll(
              near(n + " iqm", c.get("iqm").asDouble(), SampleStats.iqm(x)),
              near(n + " low", c.get("low").asDouble(), ci[0]),
              near(n + " high", c.get("high").asDouble(), ci[1]));
        });
  }

  @Test
  void shareIntervalMatchesScipyBeta() throws IOException {
    List<Executable> checks = new ArrayList<>();
    check(
        "share",
        6,
        c -> {
          double[] ci = Intervals.share(c.get("k").asDouble(), c.get("n").asInt());
          checks.add(near(c + " low", c.get("low").asDouble(), ci[0]));
          checks.add(near(c + " high", c.get("high").asDouble(), ci[1]));
        });
    assertAll(checks);
  }
}
