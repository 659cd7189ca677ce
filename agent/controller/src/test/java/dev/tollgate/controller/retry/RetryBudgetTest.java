package dev.tollgate.controller.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
  private static final long S = 1_000_000_000L;
  private static final long T0 = 777 * S;

  @Test
  void retriesAreCappedAtTheShareOfFirstAttempts() {
    RetryBudget b = new RetryBudget(0.10, 0, 10 * S, T0);
    for (int i = 0; i < 200; i++) {
      b.onFirstAttempt(T0);
    }
    int granted = 0;
    for (int i = 0; i < 100; i++) {
      if (b.tryWithdraw(T0)) {
        granted++;
      }
    }
    assertThat(granted).isEqualTo(20);
    assertThat(b.retries(T0)).isEqualTo(20);
    assertThat(b.firstAttempts(T0)).isEqualTo(200);
  }

  @Test
  void theFloorAllowsAFewRetriesOnAQuietEndpoint() {
    RetryBudget b = new RetryBudget(0.10, 1, 10 * S, T0); // at least 1/s over 10 s = 10
    b.onFirstAttempt(T0);
    int granted = 0;
    for (int i = 0; i < 100; i++) {
      if (b.tryWithdraw(T0)) {
        granted++;
      }
    }
    assertThat(granted).isEqualTo(10);
  }

  @Test
  void theWindowSlidesAndTheBudgetRecovers() {
    RetryBudget b = new RetryBudget(0.5, 0, 10 * S, T0);
    for (int i = 0; i < 10; i++) {
      b.onFirstAttempt(T0);
    }
    for (int i = 0; i < 5; i++) {
      assertThat(b.tryWithdraw(T0)).isTrue();
    }
    assertThat(b.tryWithdraw(T0)).isFalse();
    // 11 s later both the attempts and the retries have left the window.
    long later = T0 + 11 * S;
    assertThat(b.retries(later)).isZero();
    assertThat(b.tryWithdraw(later)).isFalse(); // no first attempts, no floor: nothing allowed
    for (int i = 0; i < 4; i++) {
      b.onFirstAttempt(later);
    }
    assertThat(b.tryWithdraw(later)).isTrue();
    assertThat(b.tryWithdraw(later)).isTrue();
    assertThat(b.tryWithdraw(later)).isFalse();
  }

  @Test
  void sdkRetriesUseUpTheBudgetToo() {
    RetryBudget b = new RetryBudget(0.10, 0, 10 * S, T0);
    for (int i = 0; i < 100; i++) {
      b.onFirstAttempt(T0);
    }
    for (int i = 0; i < 8; i++) {
      b.onExternalRetry(T0);
    }
    assertThat(b.tryWithdraw(T0)).isTrue();
    assertThat(b.tryWithdraw(T0)).isTrue();
    assertThat(b.tryWithdraw(T0)).isFalse();
  }

  @Test
  void aStormOf64SimultaneousFailuresCannotOverdraw() throws Exception {
    RetryBudget b = new RetryBudget(0.10, 0, 10 * S, T0);
    for (int i = 0; i < 100; i++) {
      b.onFirstAttempt(T0);
    }
    AtomicInteger granted = new AtomicInteger();
    CyclicBarrier start = new CyclicBarrier(64);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 64; t++) {
      Thread th =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
                if (b.tryWithdraw(T0)) {
                  granted.incrementAndGet();
                }
              });
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) {
      th.join();
    }
    assertThat(granted.get()).isEqualTo(10);
  }
}
