package dev.depthlab.runner;

import dev.depthlab.sweep.Sweep;
import dev.depthlab.train.RunResult;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A sweep's progress for a person: on a terminal, a bar of runs done of total with elapsed time,
 * ETA and the runs in flight; otherwise (or with --quiet) one plain line per finished run.
 */
final class SweepProgress implements Sweep.Listener, AutoCloseable {
  private final ProgressBar bar;
  private final PrintWriter out;
  private final int total;
  private final long start = System.nanoTime();
  private final Map<String, String> current = new ConcurrentSkipListMap<>();
  private int done;

  private SweepProgress(ProgressBar bar, PrintWriter out, int total) {
    this.bar = bar;
    this.out = out;
    this.total = total;
    showCurrent(); // the message's room from the first frame: the bar keeps one width
  }

  static SweepProgress open(int total, boolean quiet, PrintWriter out) {
    boolean terminal = System.console() != null && !quiet && total > 0;
    ProgressBar bar =
        terminal
            ? new ProgressBarBuilder()
                .setTaskName("sweep")
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setUnit(" runs", 1)
                .setUpdateIntervalMillis(250)
                .setMaxRenderedLength(BarLayout.width())
                .build()
            : null;
    return new SweepProgress(bar, out, total);
  }

  @Override
  public void onRunStarted(Sweep.Job job) {
    current.put(job.name(), "starting");
    showCurrent();
  }

  @Override
  public void onEpoch(Sweep.Job job, int epoch, int epochs) {
    if (bar != null && (epoch % 10 == 0 || epoch == epochs)) {
      current.put(job.name(), epoch + "/" + epochs);
      showCurrent();
    }
  }

  @Override
  public synchronized void onRunFinished(Sweep.Job job, RunResult result) {
    current.remove(job.name());
    done++;
    if (bar != null) {
      bar.stepTo(done);
      showCurrent();
      return;
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    double eta = elapsed / done * (total - done);
    var s = result.summary();
    out.printf(
        Locale.ROOT,
        "[%d/%d] %s: %s, train acc %.4f, test acc %.4f, %.1f s" + " (elapsed %s, eta %s)%n",
        done,
        total,
        job.name(),
        s.status(),
        s.trainAccuracy(),
        s.testAccuracy(),
        result.wallSeconds(),
        clock(elapsed),
        clock(eta));
  }

  @Override
  public synchronized void onRunFailed(Sweep.Job job, String reason) {
    current.remove(job.name());
    done++;
    if (bar != null) {
      bar.stepTo(done);
      showCurrent();
      return;
    }
    out.printf(Locale.ROOT, "[%d/%d] %s: failed (%s)%n", done, total, job.name(), reason);
  }

  private void showCurrent() {
    if (bar == null) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    int shown = 0;
    for (Map.Entry<String, String> e : current.entrySet()) {
      if (shown++ == 3) {
        sb.append(" +").append(current.size() - 3);
        break;
      }
      sb.append(sb.length() == 0 ? "" : "; ").append(e.getKey()).append(' ').append(e.getValue());
    }
    // "sweep  42% [====   ]  5/12 runs (0:00:03 / 0:00:04) " takes about 50 columns
    bar.setExtraMessage(
        BarLayout.fit(sb.toString(), BarLayout.messageWidth(BarLayout.width(), 50)));
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s < 60
        ? s + "s"
        : s < 3600
            ? (s / 60) + "m" + String.format("%02d", s % 60) + "s"
            : (s / 3600) + "h" + String.format("%02d", (s % 3600) / 60) + "m";
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
