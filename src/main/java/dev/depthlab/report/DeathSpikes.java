package dev.depthlab.report;

import dev.depthlab.common.CsvFiles;
import dev.depthlab.plot.ChartStyle;
import dev.depthlab.plot.Figure;
import dev.depthlab.plot.FigureFiles;
import dev.depthlab.train.RunFolder;
import dev.depthlab.train.RunSchema;
import dev.depthlab.train.RunSpec;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Unit deaths set against loss spikes, per run, from its files (docs/report.md): a death is a rise
 * of a hidden layer's dead fraction ({@code dead_h{k}} of epochs.csv) between two diagnostic
 * epochs; a spike is a point of the loss series (steps.csv's per-step loss when the run has it,
 * else epochs.csv's batch_loss) that {@link CurveMetrics#spikeIndices} marks. A death is aligned
 * with the spikes in its window, the epochs since the previous diagnostic pass. Written to {@value
 * #CSV} (every run of the study) and drawn as {@code deaths-spikes-<set>}.
 */
final class DeathSpikes {
  static final String CSV = "deaths_spikes.csv";
  static final List<String> COLUMNS =
      List.of(
          "dataset",
          "depth",
          "seed",
          "event",
          "epoch",
          "step",
          "layer",
          "size",
          "window_from",
          "aligned");
  static final String DEATH = "death";
  static final String SPIKE = "spike";

  private DeathSpikes() {}

  /**
   * One event. death: at diagnostic {@code epoch}, hidden {@code layer}'s dead fraction rose by
   * {@code size} since the pass before, its window epochs {@code windowFrom}..epoch, {@code
   * aligned} the spikes in it. spike: the loss point of {@code epoch} (and {@code step}, 0 for an
   * epoch series) is {@code size} times the median before it, {@code aligned} 1 when it lies in a
   * death's window.
   */
  record Event(
      String kind, int epoch, int step, int layer, double size, int windowFrom, int aligned) {}

  /**
   * A run's loss series in order: point i is step {@code step[i]} (0: whole epoch) of its epoch.
   */
  record Series(double[] loss, int[] epoch, int[] step) {}

  /** What the events are made of: the loss series and the dead fractions at diagnostic epochs. */
  record Run(Series series, int[] diagEpochs, double[][] dead) {}

  /** The events of one run: spikes first (in series order), then deaths (by epoch, layer). */
  static List<Event> events(Run run) {
    Series s = run.series();
    List<Integer> spikes = CurveMetrics.spikeIndices(s.loss());
    List<Event> deaths = new ArrayList<>();
    int[] diag = run.diagEpochs();
    for (int k = 1; k < diag.length; k++) {
      for (int h = 0; h < run.dead()[k].length; h++) {
        double rise = run.dead()[k][h] - run.dead()[k - 1][h];
        if (rise > 0) {
          int from = diag[k - 1] + 1;
          int in = 0;
          for (int i : spikes) {
            in += s.epoch()[i] >= from && s.epoch()[i] <= diag[k] ? 1 : 0;
          }
          deaths.add(new Event(DEATH, diag[k], 0, h + 1, rise, from, in));
        }
      }
    }
    List<Event> out = new ArrayList<>();
    for (int i : spikes) {
      int e = s.epoch()[i];
      boolean inWindow = deaths.stream().anyMatch(d -> d.windowFrom() <= e && e <= d.epoch());
      out.add(
          new Event(
              SPIKE, e, s.step()[i], 0, CurveMetrics.overMedian(s.loss(), i), e, inWindow ? 1 : 0));
    }
    out.addAll(deaths);
    return out;
  }

  /**
   * The deaths that would have a spike in their window by chance: the sum over deaths of 1 - (1 -
   * p)^w, p the run's spikes per eligible loss point (from the {@value
   * CurveMetrics#SPIKE_MIN_HISTORY}th on), w the eligible points in the death's window.
   */
  static double chance(Run run, List<Event> events) {
    Series s = run.series();
    int eligible = Math.max(0, s.loss().length - CurveMetrics.SPIKE_MIN_HISTORY);
    long spikes = events.stream().filter(e -> e.kind().equals(SPIKE)).count();
    if (eligible == 0) {
      return 0;
    }
    double p = (double) spikes / eligible;
    double expected = 0;
    for (Event d : events) {
      if (!d.kind().equals(DEATH)) {
        continue;
      }
      int w = 0;
      for (int i = CurveMetrics.SPIKE_MIN_HISTORY; i < s.loss().length; i++) {
        w += s.epoch()[i] >= d.windowFrom() && s.epoch()[i] <= d.epoch() ? 1 : 0;
      }
      expected += 1 - Math.pow(1 - p, w);
    }
    return expected;
  }

  /** A run folder's loss series and dead fractions (steps.csv when present, else epochs.csv). */
  static Run read(Path runDir) {
    CsvColumns ep =
        CsvColumns.read(
            runDir.resolve(RunFolder.EPOCHS_CSV),
            n ->
                RunSchema.Epochs.EPOCH.matches(n)
                    || RunSchema.Epochs.BATCH_LOSS.matches(n)
                    || RunSchema.Epochs.DEAD.matches(n));
    double[] epoch = ep.get(RunSchema.Epochs.EPOCH.key());
    Series series;
    Path steps = runDir.resolve(RunFolder.STEPS_CSV);
    if (Files.isRegularFile(steps)) {
      CsvColumns st =
          CsvColumns.read(
              steps,
              n ->
                  RunSchema.Steps.LOSS.matches(n)
                      || RunSchema.Steps.EPOCH.matches(n)
                      || RunSchema.Steps.STEP.matches(n));
      series =
          new Series(
              st.get(RunSchema.Steps.LOSS.key()),
              ints(st.get(RunSchema.Steps.EPOCH.key())),
              ints(st.get(RunSchema.Steps.STEP.key())));
    } else {
      series =
          new Series(ep.get(RunSchema.Epochs.BATCH_LOSS.key()), ints(epoch), new int[epoch.length]);
    }
    List<double[]> layers = new ArrayList<>();
    for (int h = 1; ep.has(RunSchema.Epochs.DEAD.of(h)); h++) {
      layers.add(ep.get(RunSchema.Epochs.DEAD.of(h)));
    }
    List<Integer> diag = new ArrayList<>();
    List<double[]> dead = new ArrayList<>();
    for (int r = 0; r < epoch.length; r++) {
      if (layers.isEmpty() || Double.isNaN(layers.get(0)[r])) {
        continue;
      }
      double[] d = new double[layers.size()];
      for (int h = 0; h < d.length; h++) {
        d[h] = layers.get(h)[r];
      }
      diag.add((int) epoch[r]);
      dead.add(d);
    }
    return new Run(
        series, diag.stream().mapToInt(Integer::intValue).toArray(), dead.toArray(double[][]::new));
  }

  private static int[] ints(double[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (int) v[i];
    }
    return out;
  }

  /** One run's events with its identity. */
  record RunEvents(RunRecord run, List<Event> events, double chance) {}

  /** The events of every finished run (diverged ones included: a spike may be their end). */
  static List<RunEvents> of(Path studyDir, List<RunRecord> runs) {
    List<RunEvents> out = new ArrayList<>();
    for (RunRecord r : runs) {
      Run run = read(BoundaryFigures.runDir(studyDir, r.dataset(), r.depth(), r.seed()));
      List<Event> ev = events(run);
      out.add(new RunEvents(r, ev, chance(run, ev)));
    }
    return out;
  }

  static void write(Path studyDir, List<RunEvents> all) {
    CsvFiles.write(
        studyDir.resolve(CSV),
        COLUMNS,
        p -> {
          for (RunEvents re : all) {
            for (Event e : re.events()) {
              p.printRecord(
                  re.run().dataset(),
                  re.run().depth(),
                  re.run().seed(),
                  e.kind(),
                  e.epoch(),
                  e.step(),
                  e.layer(),
                  CsvFiles.num(e.size()),
                  e.windowFrom(),
                  e.aligned());
            }
          }
        });
  }

  /**
   * {@code deaths-spikes-<set>}: every run a row (depth, then seed, spread within the depth's
   * band), its spikes as crosses and its deaths as triangles against epoch.
   */
  static Figure draw(Path figures, String set, List<RunSpec> planned, List<RunEvents> all) {
    FigureCoverage cov =
        FigureCoverage.of(
            planned,
            all.stream().map(RunEvents::run).filter(r -> r.dataset().equals(set)).toList());
    List<RunEvents> mine =
        all.stream().filter(r -> r.run().dataset().equals(set) && r.run().ok()).toList();
    TreeSet<Long> seeds = new TreeSet<>();
    mine.forEach(r -> seeds.add(r.run().seed()));
    List<Long> seedList = new ArrayList<>(seeds);
    List<Double> sx = new ArrayList<>();
    List<Double> sy = new ArrayList<>();
    List<Double> dx = new ArrayList<>();
    List<Double> dy = new ArrayList<>();
    int deaths = 0;
    int aligned = 0;
    double chance = 0;
    int spikes = 0;
    for (RunEvents r : mine) {
      double y =
          r.run().depth() + 0.8 * (seedList.indexOf(r.run().seed()) + 0.5) / seedList.size() - 0.4;
      for (Event e : r.events()) {
        if (e.kind().equals(SPIKE)) {
          spikes++;
          sx.add(e.epoch() - (e.step() == 0 ? 0.0 : 0.5));
          sy.add(y);
        } else {
          deaths++;
          aligned += e.aligned() > 0 ? 1 : 0;
          dx.add((double) e.epoch());
          dy.add(y);
        }
      }
      chance += r.chance();
    }
    XYChart c =
        ChartStyle.xy(set + ": unit deaths and loss spikes", "epoch", "depth (a row a seed)");
    ChartStyle.integerXTicks(c);
    scatter(c, "loss spikes", sx, sy, Color.BLACK, SeriesMarkers.CROSS);
    scatter(c, "unit deaths", dx, dy, new Color(200, 30, 30), SeriesMarkers.TRIANGLE_DOWN);
    Figure f =
        new Figure(
            "deaths-spikes-" + SignalFigures.stem(set),
            "Unit deaths against loss spikes, " + set,
            String.format(
                java.util.Locale.ROOT,
                "Per run (a row per seed within each depth's band): loss spikes (crosses; per step"
                    + " where steps.csv exists, drawn in their epoch) and unit deaths (triangles:"
                    + " a hidden layer's dead fraction rose since the previous diagnostic pass)."
                    + " %d spikes, %d deaths; %d deaths have a spike in their window, %.1f would"
                    + " by chance (spikes spread evenly over each run). Events in %s. %s",
                spikes,
                deaths,
                aligned,
                chance,
                CSV,
                cov.sentence()));
    return FigureFiles.write(c, figures, f);
  }

  private static void scatter(
      XYChart c,
      String name,
      List<Double> x,
      List<Double> y,
      Color colour,
      org.knowm.xchart.style.markers.Marker marker) {
    double[] xs = x.isEmpty() ? new double[] {0} : x.stream().mapToDouble(d -> d).toArray();
    double[] ys =
        y.isEmpty() ? new double[] {Double.NaN} : y.stream().mapToDouble(d -> d).toArray();
    XYSeries s = c.addSeries(name, xs, ys);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
    s.setMarker(marker);
    s.setMarkerColor(colour);
  }

  /**
   * A run's {@code deaths-spikes} figure ({@code depthlab train}): its loss series against the
   * point (step or epoch) number, spikes crossed on it, each death a triangle at the top at the
   * last point of its diagnostic epoch.
   */
  static Figure drawRun(Path out, String name, Path runDir) {
    Run run = read(runDir);
    Series s = run.series();
    List<Event> ev = events(run);
    double[] x = RunFigures.stepIndex(s.loss().length);
    double top = Double.NEGATIVE_INFINITY;
    for (double v : s.loss()) {
      top = Double.isFinite(v) ? Math.max(top, v) : top;
    }
    List<Double> sx = new ArrayList<>();
    List<Double> sy = new ArrayList<>();
    List<Double> dx = new ArrayList<>();
    List<Double> dy = new ArrayList<>();
    int aligned = 0;
    int deaths = 0;
    for (int i : CurveMetrics.spikeIndices(s.loss())) {
      sx.add(x[i]);
      sy.add(s.loss()[i]);
    }
    for (Event e : ev) {
      if (e.kind().equals(DEATH)) {
        deaths++;
        aligned += e.aligned() > 0 ? 1 : 0;
        int last = 0;
        for (int i = 0; i < s.epoch().length; i++) {
          last = s.epoch()[i] <= e.epoch() ? i : last;
        }
        dx.add(x[last]);
        dy.add(top);
      }
    }
    boolean perStep = s.step().length > 0 && s.step()[0] != 0;
    XYChart c =
        ChartStyle.xy(
            "Unit deaths and loss spikes: " + name, perStep ? "step" : "epoch", "batch loss (BCE)");
    XYSeries line = c.addSeries("loss", x, s.loss());
    line.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
    line.setMarker(SeriesMarkers.NONE);
    line.setLineColor(Color.GRAY);
    scatter(c, "loss spikes", sx, sy, Color.BLACK, SeriesMarkers.CROSS);
    scatter(c, "unit deaths", dx, dy, new Color(200, 30, 30), SeriesMarkers.TRIANGLE_DOWN);
    Figure f =
        new Figure(
            "deaths-spikes",
            "Unit deaths against loss spikes: " + name,
            String.format(
                java.util.Locale.ROOT,
                "The batch loss per %s with its spikes (crosses) and, at the top, the unit deaths"
                    + " (triangles at the end of the diagnostic epoch where a hidden layer's dead"
                    + " fraction had risen); %d of %d deaths have a spike in their window, %.1f"
                    + " would by chance.",
                perStep ? "step" : "epoch",
                aligned,
                deaths,
                chance(run, ev)));
    return FigureFiles.write(c, out, f);
  }
}
