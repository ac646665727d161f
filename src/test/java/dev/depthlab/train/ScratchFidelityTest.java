package dev.depthlab.train;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * config/scratch.yaml trains as the nn_scratch seed's code trains, judged over many seeds: one
 * 10-epoch run of that code learns or not depending on its initial weights, so a single run proves
 * little either way.
 *
 * <p>The reference numbers come from a line-by-line NumPy transcription of the seed's
 * scripts/train.py and src/*.py (float32, the fresh permutation before every step, summed
 * gradients, clip 1e-7) run over 1000 seeds of NumPy's generator: mean batch accuracy 0.480 in
 * epoch 1 and 0.539 in epoch 10 (+0.058); median mean batch loss 0.880 in epoch 1 and 0.730 in
 * epoch 10 (a fall of 0.161); the loss falls in 99.7% of runs; the final training accuracy exceeds
 * 0.7 in 16.0% of runs (its median is 0.49: most runs do not learn the labels in 10 epochs; the
 * seed's published run, batch accuracy 0.50 to 0.78, is one of the lucky ones). depthlab over its
 * 1000 seeds 0..999 gives 0.480, 0.539 (+0.059), 0.881, 0.721 (-0.162), 99.4% and 16.0%.
 *
 * <p>This test runs seeds 0..199; the bounds are about four standard errors of a 200-run estimate
 * (bootstrap). The protocol's former setting {@code reduction: mean} fails them: its steps are 40
 * times smaller, so the mean batch accuracy does not rise (-0.002), the median loss falls by 0.008
 * and only in 63% of runs, and 2.5% of runs pass 0.7.
 */
class ScratchFidelityTest {
  private static final int RUNS = 200;

  @Test
  void overManySeedsTheScratchProtocolLearnsAsTheSeedsCodeDoes() {
    String seeds =
        LongStream.range(0, RUNS).mapToObj(Long::toString).collect(Collectors.joining(", "));
    StudyConfig cfg =
        ConfigLoader.load(
            Path.of("config/scratch.yaml"),
            List.of("seeds=[" + seeds + "]", "diagnostics.step_weights="));
    List<RunSpec> runs = new ArrayList<>();
    for (long s : cfg.seeds()) {
      runs.add(new RunSpec(cfg, cfg.data().sets().get(0), 2, s));
    }
    int epochs = cfg.training().epochs();
    double[][] batchAcc = new double[RUNS][epochs];
    List<RunResult> results =
        Trainer.train(
            new CpuBackend(),
            runs,
            new TrainListener() {
              @Override
              public void onSteps(int replica, List<StepRecord> steps) {
                double sum = 0;
                for (StepRecord s : steps) {
                  sum += s.accuracy();
                }
                batchAcc[replica][steps.get(0).epoch() - 1] = sum / steps.size();
              }
            });
    double sum1 = 0;
    double sum10 = 0;
    double[] loss1 = new double[RUNS];
    double[] loss10 = new double[RUNS];
    double[] drop = new double[RUNS];
    int falls = 0;
    int learned = 0;
    for (int r = 0; r < RUNS; r++) {
      List<EpochRecord> e = results.get(r).epochs();
      sum1 += batchAcc[r][0];
      sum10 += batchAcc[r][epochs - 1];
      loss1[r] = e.get(0).batchLoss();
      loss10[r] = e.get(epochs - 1).batchLoss();
      drop[r] = loss1[r] - loss10[r];
      falls += drop[r] > 0 ? 1 : 0;
      learned += results.get(r).summary().trainAccuracy() > 0.7 ? 1 : 0;
    }
    double acc1 = sum1 / RUNS;
    double acc10 = sum10 / RUNS;
    double rise = acc10 - acc1;
    double medianDrop = median(drop);
    double fallShare = (double) falls / RUNS;
    double learnedShare = (double) learned / RUNS;
    System.out.printf(
        Locale.ROOT,
        "scratch over %d seeds: mean batch acc %.4f -> %.4f (%+.4f); median batch loss %.4f ->"
            + " %.4f, median fall %.4f; loss falls in %.3f; final train acc > 0.7 in %.3f%n",
        RUNS,
        acc1,
        acc10,
        rise,
        median(loss1),
        median(loss10),
        medianDrop,
        fallShare,
        learnedShare);
    assertAll(
        () -> assertEquals(0.480, acc1, 0.025, "mean batch accuracy, epoch 1"),
        () -> assertEquals(0.058, rise, 0.036, "rise of the mean batch accuracy, epoch 1 to 10"),
        () -> assertEquals(0.161, medianDrop, 0.075, "median fall of the batch loss"),
        () -> assertTrue(fallShare >= 0.97, "share of runs whose loss falls: " + fallShare),
        () -> assertEquals(0.16, learnedShare, 0.10, "share of runs above 0.7 train accuracy"));
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }
}
