package dev.tollgate.controller.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.controller.concurrency.ConcurrencyLimiter.Result;
import dev.tollgate.controller.time.FakeClock;
import dev.tollgate.controller.time.NanoClock;
import dev.tollgate.controller.time.Sleeper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConcurrencyLimiterTest {
  private static final long S = 1_000_000_000L;
  private final FakeClock clock = new FakeClock();

  @Test
  void admitsUpToTheLimitWithoutWaiting() {
    ConcurrencyLimiter l = new ConcurrencyLimiter(2, 0, clock, clock);
    assertThat(l.tryAcquire()).isTrue();
    assertThat(l.acquire(S)).isEqualTo(Result.GRANTED);
    assertThat(l.inFlight()).isEqualTo(2);
    assertThat(l.tryAcquire()).isFalse();
    l.release();
    assertThat(l.tryAcquire()).isTrue();
  }

  @Test
  void failsFastWithoutAQueue() {
    ConcurrencyLimiter none = new ConcurrencyLimiter(1, 0, clock, clock);
    none.tryAcquire();
    long before = clock.nanoTime();
    assertThat(none.acquire(5 * S)).isEqualTo(Result.QUEUE_FULL);
    assertThat(clock.nanoTime()).isEqualTo(before); // no waiting at all
  }

  @Test
  void failsFastWhenTheQueueIsFull() {
    // A queue of 1. The first waiter's park runs a second caller, who must find the queue full.
    ConcurrencyLimiter[] l = new ConcurrencyLimiter[1];
    Result[] seenInside = new Result[1];
    int[] depthInside = new int[1];
    Sleeper second =
        nanos -> {
          if (seenInside[0] == null) {
            depthInside[0] = l[0].queueDepth();
            long t = clock.nanoTime();
            seenInside[0] = l[0].acquire(5 * S);
            assertThat(clock.nanoTime()).isEqualTo(t);
          }
          clock.park(nanos);
        };
    l[0] = new ConcurrencyLimiter(1, 1, clock, second);
    l[0].tryAcquire();
    assertThat(l[0].acquire(5 * S)).isEqualTo(Result.TIMED_OUT);
    assertThat(depthInside[0]).isEqualTo(1);
    assertThat(seenInside[0]).isEqualTo(Result.QUEUE_FULL);
    assertThat(l[0].queueDepth()).isZero();
    assertThat(l[0].inFlight()).isEqualTo(1);
  }

  @Test
  void maxWaitExpiresOnTheFakeClock() {
    ConcurrencyLimiter l = new ConcurrencyLimiter(1, 10, clock, clock);
    l.tryAcquire();
    long t0 = clock.nanoTime();
    assertThat(l.acquire(5 * S)).isEqualTo(Result.TIMED_OUT);
    assertThat(clock.nanoTime() - t0).isEqualTo(5 * S);
    assertThat(l.queueDepth()).isZero();
    assertThat(l.inFlight()).isEqualTo(1);
  }

  @Test
  void aReleaseDuringTheWaitHandsTheSlotToTheWaiter() {
    AtomicInteger parks = new AtomicInteger();
    ConcurrencyLimiter[] holder = new ConcurrencyLimiter[1];
    Sleeper releaseAfterOneSecond =
        nanos -> {
          if (parks.incrementAndGet() == 1) {
            clock.advance(1, TimeUnit.SECONDS);
            holder[0].release(); // the holder of the only slot finishes
          } else {
            clock.park(nanos);
          }
        };
    ConcurrencyLimiter l = new ConcurrencyLimiter(1, 10, clock, releaseAfterOneSecond);
    holder[0] = l;
    l.tryAcquire();
    long t0 = clock.nanoTime();
    assertThat(l.acquire(5 * S)).isEqualTo(Result.GRANTED);
    assertThat(clock.nanoTime() - t0).isEqualTo(S);
    assertThat(l.inFlight()).isEqualTo(1);
    assertThat(l.queueDepth()).isZero();
  }

  @Test
  void newcomersDoNotOvertakeTheQueue() throws Exception {
    ConcurrencyLimiter l = new ConcurrencyLimiter(1, 10, NanoClock.SYSTEM, Sleeper.SYSTEM);
    l.tryAcquire();
    ConcurrentLinkedQueue<Integer> order = new ConcurrentLinkedQueue<>();
    List<Thread> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int id = i;
      Thread t =
          new Thread(
              () -> {
                if (l.acquire(60 * S) == Result.GRANTED) {
                  order.add(id);
                  l.release();
                }
              });
      t.start();
      waiters.add(t);
      while (l.queueDepth() < i + 1) {
        Thread.onSpinWait();
      }
    }
    assertThat(l.tryAcquire()).isFalse(); // someone is waiting: no barging
    l.release();
    for (Thread t : waiters) {
      t.join(10_000);
    }
    assertThat(order).containsExactly(0, 1, 2);
    assertThat(l.inFlight()).isZero();
  }

  @Test
  void raisingTheLimitLetsWaitersIn() throws Exception {
    ConcurrencyLimiter l = new ConcurrencyLimiter(1, 10, NanoClock.SYSTEM, Sleeper.SYSTEM);
    l.tryAcquire();
    CountDownLatch in = new CountDownLatch(1);
    Thread t =
        new Thread(
            () -> {
              if (l.acquire(60 * S) == Result.GRANTED) {
                in.countDown();
              }
            });
    t.start();
    while (l.queueDepth() == 0) {
      Thread.onSpinWait();
    }
    l.setLimit(2);
    assertThat(in.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(l.inFlight()).isEqualTo(2);
    t.join();
  }

  @Test
  void loweringTheLimitLetsCallsInFlightFinish() {
    ConcurrencyLimiter l = new ConcurrencyLimiter(3, 0, clock, clock);
    for (int i = 0; i < 3; i++) {
      l.tryAcquire();
    }
    l.setLimit(1);
    assertThat(l.inFlight()).isEqualTo(3);
    l.release();
    assertThat(l.tryAcquire()).isFalse();
    l.release();
    l.release();
    assertThat(l.tryAcquire()).isTrue();
  }

  @Test
  void anInterruptedWaiterLeavesTheQueue() {
    ConcurrencyLimiter l =
        new ConcurrencyLimiter(1, 10, clock, nanos -> Thread.currentThread().interrupt());
    l.tryAcquire();
    assertThat(l.acquire(5 * S)).isEqualTo(Result.INTERRUPTED);
    assertThat(Thread.interrupted()).isTrue(); // flag restored (and cleared here)
    assertThat(l.queueDepth()).isZero();
  }

  @Test
  void permitReleaseIsIdempotent() {
    ConcurrencyLimiter l = new ConcurrencyLimiter(1, 0, clock, clock);
    ConcurrencyLimiter.Permit p = l.acquirePermit(0);
    assertThat(p).isNotNull();
    assertThat(l.acquirePermit(0)).isNull();
    assertThat(p.release()).isTrue();
    assertThat(p.release()).isFalse();
    p.close();
    assertThat(l.inFlight()).isZero();
  }

  @Test
  void anUnmatchedReleaseIsAnErrorNotACorruption() {
    ConcurrencyLimiter l = new ConcurrencyLimiter(1, 0, clock, clock);
    assertThatThrownBy(l::release).isInstanceOf(IllegalStateException.class);
    assertThat(l.inFlight()).isZero();
    assertThat(l.tryAcquire()).isTrue();
    assertThat(l.tryAcquire()).isFalse();
  }

  /**
   * 64 threads, limit 8, a small queue and short waits on the real clock, with random double
   * releases through permits: the limit is never exceeded, every grant is released once, and the
   * limiter ends empty.
   */
  @Test
  void stress64ThreadsNeverExceedTheLimitAndLeakNothing() throws Exception {
    ConcurrencyLimiter l = new ConcurrencyLimiter(8, 16, NanoClock.SYSTEM, Sleeper.SYSTEM);
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxSeen = new AtomicInteger();
    AtomicLong granted = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 64; t++) {
      Thread th =
          new Thread(
              () -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                for (int i = 0; i < 2_000; i++) {
                  try {
                    ConcurrencyLimiter.Permit p = l.acquirePermit(r.nextInt(0, 200_000));
                    if (p == null) {
                      refused.incrementAndGet();
                      continue;
                    }
                    granted.incrementAndGet();
                    int c = concurrent.incrementAndGet();
                    maxSeen.accumulateAndGet(c, Math::max);
                    if (r.nextInt(8) == 0) {
                      Thread.yield();
                    }
                    concurrent.decrementAndGet();
                    p.release();
                    if (r.nextBoolean()) {
                      p.release(); // a double release must not free a second slot
                    }
                  } catch (Throwable e) {
                    errors.incrementAndGet();
                  }
                }
              });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join(120_000);
    }
    assertThat(errors.get()).isZero();
    assertThat(maxSeen.get()).isLessThanOrEqualTo(8);
    assertThat(granted.get() + refused.get()).isEqualTo(64L * 2_000);
    assertThat(granted.get()).isPositive();
    assertThat(l.inFlight()).isZero();
    assertThat(l.queueDepth()).isZero();
    // Still fully usable: all 8 slots free.
    for (int i = 0; i < 8; i++) {
      assertThat(l.tryAcquire()).isTrue();
    }
    assertThat(l.tryAcquire()).isFalse();
  }
}
