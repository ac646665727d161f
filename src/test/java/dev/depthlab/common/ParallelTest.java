package dev.depthlab.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Results come back in task order whatever order the tasks end in; failures reach the caller. */
class ParallelTest {
  @Test
  void resultsAreInTaskOrderEvenWhenTheFirstTaskEndsLast() {
    // task 0 waits until task 1 has ended: on two threads the last to end is the first task
    CountDownLatch secondDone = new CountDownLatch(1);
    List<Callable<String>> tasks =
        List.of(
            () -> {
              if (!secondDone.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("task 1 never ran beside task 0");
              }
              return "first";
            },
            () -> {
              secondDone.countDown();
              return "second";
            },
            () -> "third");
    assertEquals(List.of("first", "second", "third"), Parallel.map(tasks, 2));
  }

  @Test
  void oneThreadRunsTheTasksInOrderOnTheCallersThread() {
    List<String> ran = new ArrayList<>();
    Thread caller = Thread.currentThread();
    List<Callable<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int k = i;
      tasks.add(
          () -> {
            assertSame(caller, Thread.currentThread());
            ran.add("t" + k);
            return k * k;
          });
    }
    assertEquals(List.of(0, 1, 4, 9), Parallel.map(tasks, 1));
    assertEquals(List.of("t0", "t1", "t2", "t3"), ran);
  }

  @Test
  void aTasksFailureIsThrownAsItself() {
    UserError boom = new UserError("boom");
    List<Callable<Integer>> tasks =
        List.of(
            () -> 1,
            () -> {
              throw boom;
            },
            () -> 3);
    assertSame(boom, assertThrows(UserError.class, () -> Parallel.map(tasks, 2)));
    assertSame(boom, assertThrows(UserError.class, () -> Parallel.map(tasks, 1)));
  }

  @Test
  void noThreadsIsRefusedAndNoTasksGiveNoResults() {
    assertThrows(IllegalArgumentException.class, () -> Parallel.map(List.of(() -> 1), 0));
    assertEquals(List.of(), Parallel.map(List.<Callable<Integer>>of(), 4));
  }
}
