package dev.depthlab.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.depthlab.common.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * report.html's interactive section: the study's own numbers as JSON in the page and a script,
 * uPlot (a WebJar, inlined) and {@code charts.js} beside this class, that draws them with hover
 * values, zoom, lines toggled from the legend, a seed choice, smoothing and a log scale. The page
 * fetches nothing: the script is allowed by its SHA-256 in the page's CSP ({@link #scriptHash}).
 */
final class InteractiveCharts {
  /** The section's element id; the page's navigation links to it. */
  static final String ID = "curves";

  /** uPlot's files inside its WebJar (org.webjars.npm:uplot, pinned in pom.xml). */
  private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/uPlot";

  /** Per-run values shown by depth: summary.csv's names and what the chart calls them. */
  private static final String[][] FINAL = {
    {"test_acc", "test accuracy"},
    {"train_acc", "train accuracy"},
    {"test_loss", "test loss"},
    {"train_loss", "train loss"},
    {"grad_norm_mean", "gradient norm, mean over epochs"},
    {"grad_norm_cv", "gradient norm, CV over epochs"}
  };

  /** The script (uPlot, then charts.js) and uPlot's style sheet, read once from the jar. */
  static final String SCRIPT = resource(UPLOT + ".iife.min.js") + "\n" + resource(charts());

  static final String STYLE =
      resource(UPLOT + ".min.css")
          + "\n.dl-controls{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;margin:.6rem 0;"
          + "font-size:.93rem}.dl-controls input[type=range]{width:7rem;vertical-align:middle}"
          + ".dl-chart{width:100%;overflow:hidden}.u-legend{font-size:.85rem}"
          + ".u-legend.u-inline tr{margin-right:.8rem;background:none}"
          + ".u-legend th,.u-legend td{border:0;padding:0 .15rem;background:none}\n";

  private InteractiveCharts() {}

  private static String charts() {
    return InteractiveCharts.class.getPackageName().replace('.', '/') + "/charts.js";
  }

  /** The CSP source that allows {@link #SCRIPT}, and nothing else, to run. */
  static String scriptHash() {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(SCRIPT.getBytes(StandardCharsets.UTF_8));
      return "'sha256-" + Base64.getEncoder().encodeToString(d) + "'";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JDK has SHA-256
    }
  }

  /**
   * The section: its heading, a note on what it shows, the data and the script. Runs with curves
   * (read from run folders) get per-epoch charts; runs read from summary.csv get the by-depth ones.
   */
  static String section(List<RunRecord> runs) {
    boolean curves = runs.stream().anyMatch(r -> r.curves() != null);
    String intro =
        "Drawn in this page from the study's own numbers (no network). Hover for values, drag to"
            + " zoom, double-click to zoom out, click a legend entry to hide or show its line."
            + (curves
                ? " Per-epoch curves: mean over seeds or one seed, with smoothing (an exponential"
                    + " moving average) and a log scale."
                : " This folder keeps no run folders, so only the per-run values are shown, not"
                    + " the per-epoch curves.")
            + " Diverged runs are left out.";
    return section(intro, json(runs));
  }

  /**
   * The section with {@code intro} (HTML) under its heading and {@code json} as the charts' data: a
   * "sets" list as {@link #json} writes it, whose "depths" may also be strings (each names a line:
   * "depth " and the string), and a "finalMetrics" list.
   */
  static String section(String intro, String json) {
    StringBuilder h = new StringBuilder(1 << 16);
    h.append("<section id=\"")
        .append(ID)
        .append("\">\n<h2>Interactive charts</h2>\n<p>")
        .append(intro)
        .append("</p>\n<div id=\"dl-charts\"></div>\n")
        .append("<script type=\"application/json\" id=\"dl-data\">")
        // "</" could end the element early; "<\/" is the same JSON string
        .append(json.replace("</", "<\\/"))
        .append("</script>\n<script>")
        .append(SCRIPT)
        .append("</script>\n</section>\n");
    return h.toString();
  }

  /** The runs' numbers by data set, depth and seed; a missing or non-finite value is null. */
  static String json(List<RunRecord> runs) {
    TreeMap<String, List<RunRecord>> bySet = new TreeMap<>();
    for (RunRecord r : runs) {
      bySet.computeIfAbsent(r.dataset(), k -> new ArrayList<>()).add(r);
    }
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      g.writeStartObject();
      g.writeArrayFieldStart("finalMetrics");
      for (String[] m : FINAL) {
        g.writeStartObject();
        g.writeStringField("key", m[0]);
        g.writeStringField("label", m[1]);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("sets");
      for (var e : bySet.entrySet()) {
        writeSet(g, e.getKey(), e.getValue());
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e); // a StringWriter does not fail
    }
    return w.toString();
  }

  private static void writeSet(JsonGenerator g, String name, List<RunRecord> runs)
      throws IOException {
    List<Integer> depths =
        new ArrayList<>(new TreeSet<>(runs.stream().map(RunRecord::depth).toList()));
    List<Long> seeds = new ArrayList<>(new TreeSet<>(runs.stream().map(RunRecord::seed).toList()));
    RunRecord[][] at = new RunRecord[depths.size()][seeds.size()];
    int epochs = 0;
    boolean curves = false;
    for (RunRecord r : runs) {
      if (r.ok()) {
        at[depths.indexOf(r.depth())][seeds.indexOf(r.seed())] = r;
        if (r.curves() != null) {
          curves = true;
          epochs = Math.max(epochs, r.curves().batchLoss().length);
        }
      }
    }
    g.writeStartObject();
    g.writeStringField("name", name);
    g.writeArrayFieldStart("depths");
    for (int d : depths) {
      g.writeNumber(d);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("seeds");
    for (long s : seeds) {
      g.writeNumber(s);
    }
    g.writeEndArray();
    g.writeObjectFieldStart("final");
    for (String[] m : FINAL) {
      g.writeArrayFieldStart(m[0]);
      for (RunRecord[] row : at) {
        g.writeStartArray();
        for (RunRecord r : row) {
          number(g, r == null ? Double.NaN : finalValue(r, m[0]));
        }
        g.writeEndArray();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
    if (curves) {
      g.writeObjectFieldStart("curves");
      g.writeNumberField("epochs", epochs);
      g.writeArrayFieldStart("metrics");
      metric(g, "loss", "mean batch loss");
      metric(g, "grad", "gradient norm, mean over the epoch's batches");
      g.writeEndArray();
      g.writeObjectFieldStart("values");
      for (String key : List.of("loss", "grad")) {
        g.writeArrayFieldStart(key);
        for (RunRecord[] row : at) {
          g.writeStartArray();
          for (RunRecord r : row) {
            double[] ys =
                r == null || r.curves() == null
                    ? new double[0]
                    : key.equals("loss") ? r.curves().batchLoss() : r.epochGradNorm();
            g.writeStartArray();
            for (int e = 0; e < epochs; e++) {
              number(g, e < ys.length ? ys[e] : Double.NaN);
            }
            g.writeEndArray();
          }
          g.writeEndArray();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
      g.writeEndObject();
    } else {
      g.writeNullField("curves");
    }
    g.writeEndObject();
  }

  private static void metric(JsonGenerator g, String key, String label) throws IOException {
    g.writeStartObject();
    g.writeStringField("key", key);
    g.writeStringField("label", label);
    g.writeEndObject();
  }

  private static double finalValue(RunRecord r, String key) {
    return switch (key) {
      case "test_acc" -> r.testAcc();
      case "train_acc" -> r.trainAcc();
      case "test_loss" -> r.testLoss();
      case "train_loss" -> r.trainLoss();
      case "grad_norm_mean" -> r.gradNormMean();
      case "grad_norm_cv" -> r.gradNormCv();
      default -> throw new IllegalArgumentException(key);
    };
  }

  /** Five significant digits (what a hover shows, and a page a tenth the size), null for NaN. */
  static void number(JsonGenerator g, double v) throws IOException {
    if (!Double.isFinite(v)) {
      g.writeNull();
    } else {
      g.writeNumber(Double.parseDouble(String.format(Locale.ROOT, "%.5g", v)));
    }
  }

  private static String resource(String name) {
    try (InputStream in = InteractiveCharts.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new UserError("the jar lacks " + name + " (rebuild depthlab)", UserError.FAILURE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError(
          "cannot read " + name + " from the jar: " + e.getMessage(), UserError.FAILURE);
    }
  }
}
