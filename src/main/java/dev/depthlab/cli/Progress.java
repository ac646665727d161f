package dev.depthlab.cli;

import dev.depthlab.runner.BarLayout;
import dev.depthlab.train.EpochRecord;
import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress for a person: a live bar with epoch, loss, accuracy and ETA on a terminal;
 * about twenty plain lines otherwise (or with --quiet), so logs stay readable.
 */
final class Progress implements AutoCloseable {
  private final ProgressBar bar;
  private final PrintWriter out;
  private final int total;
  private final int every;
  private final long start = System.nanoTime();
  private double lastAcc = Double.NaN;

  private Progress(ProgressBar bar, PrintWriter out, int total) {
    this.bar = bar;
    this.out = out;
    this.total = total;
    this.every = Math.max(1, total / 20);
    if (bar != null) { // the message's room from the first frame: the bar keeps one width
      bar.setExtraMessage(BarLayout.fit("", BarLayout.messageWidth(BarLayout.width(), 48)));
    }
  }

  static Progress open(String task, int total, boolean quiet, PrintWriter out) {
    boolean terminal = System.console() != null && !quiet;
    ProgressBar bar =
        terminal
            ? new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setUnit(" ep", 1)
                .setMaxRenderedLength(BarLayout.width())
                .build()
            : null;
    return new Progress(bar, out, total);
  }

  void epoch(EpochRecord r) {
    if (r.diagnosed()) {
      lastAcc = r.trainAccuracy();
    }
    String msg =
        String.format("loss %.4f acc %.4f |g| %.3g", r.batchLoss(), lastAcc, r.gradNormMean());
    if (bar != null) {
      bar.stepTo(r.epoch());
      // "train  42% [===   ] 420/1000 ep (0:00:03 / 0:00:04) " takes about 48 columns
      bar.setExtraMessage(BarLayout.fit(msg, BarLayout.messageWidth(BarLayout.width(), 48)));
    } else if (r.epoch() % every == 0 || r.epoch() == total) {
      double el = (System.nanoTime() - start) / 1e9;
      double eta = el / r.epoch() * (total - r.epoch());
      out.printf("epoch %d/%d  %s  elapsed %.1fs  eta %.1fs%n", r.epoch(), total, msg, el, eta);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
