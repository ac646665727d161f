package dev.depthlab.common;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs independent tasks on a few threads and hands back their results in task order, so what a
 * caller builds from them never depends on the thread count or on which task finished first.
 */
public final class Parallel {
  private Parallel() {}

  /** The threads to use by default: the cores this process may run on. */
  public static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * Each task's result, in the order of {@code tasks}; tasks start in that order on at most {@code
   * threads} threads (on the caller's thread for one task or one thread). The first failure in task
   * order is thrown and the tasks not yet started are cancelled.
   */
  public static <T> List<T> map(List<? extends Callable<T>> tasks, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    List<T> out = new ArrayList<>(tasks.size());
    if (tasks.size() <= 1 || threads == 1) {
      for (Callable<T> t : tasks) {
        out.add(call(t));
      }
      return out;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(threads, tasks.size()),
            r -> {
              Thread t = new Thread(r, "depthlab-worker");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<T>> futures = new ArrayList<>(tasks.size());
      for (Callable<T> t : tasks) {
        futures.add(pool.submit(t));
      }
      for (Future<T> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (ExecutionException e) {
      throw unchecked(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> T call(Callable<T> task) {
    try {
      return task.call();
    } catch (Exception e) {
      throw unchecked(e);
    }
  }

  private static RuntimeException unchecked(Throwable cause) {
    if (cause instanceof RuntimeException re) {
      return re;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return new IllegalStateException(cause);
  }
}
