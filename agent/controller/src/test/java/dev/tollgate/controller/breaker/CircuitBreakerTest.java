package dev.tollgate.controller.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.controller.policy.CircuitBreakerPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private static final long S = 1_000_000_000L;
  private static final long MS = 1_000_000L;
  private long now = 10_000 * S;
  private final List<String> transitions = new CopyOnWriteArrayList<>();

  private CircuitBreaker breaker(CircuitBreakerPolicy.Builder b) {
    return new CircuitBreaker(
        b.build(), (from, to, reason) -> transitions.add(from + "->" + to + ": " + reason));
  }

  private static CircuitBreakerPolicy.Builder issuePolicy() {
    return CircuitBreakerPolicy.builder()
        .failureRate(0.5)
        .slowCall(Duration.ofSeconds(30))
        .window(20)
        .minCalls(10)
        .openFor(Duration.ofSeconds(30))
        .halfOpenCalls(3);
  }

  private void call(CircuitBreaker b, boolean failed) {
    call(b, failed, 100 * MS);
  }

  private void call(CircuitBreaker b, boolean failed, long duration) {
    CircuitBreaker.Ticket t = b.tryAcquire(now);
    assertThat(t).as("admitted").isNotNull();
    b.onResult(t, failed, duration, now);
  }

  @Test
  void staysClosedBelowMinimumCallsWhateverTheFailures() {
    CircuitBreaker b = breaker(issuePolicy());
    for (int i = 0; i < 9; i++) {
      call(b, true);
    }
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    call(b, true); // the 10th call reaches min_calls with 100% failures
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(b.openReason()).isEqualTo("10 of the last 10 calls failed (threshold 50%)");
  }

  @Test
  void opensAtTheFailureRateOverTheCountWindow() {
    CircuitBreaker b = breaker(issuePolicy());
    for (int i = 0; i < 20; i++) {
      call(b, false);
    }
    for (int i = 0; i < 9; i++) {
      call(b, true); // 9 of the last 20 fail: 45 %
    }
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(b.windowCounts(now)).containsExactly(20, 9, 0);
    call(b, true); // 10 of 20: 50 %
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(transitions)
        .containsExactly("CLOSED->OPEN: 10 of the last 20 calls failed (threshold 50%)");
  }

  @Test
  void successesIntoAWindowOfSuccessesKeepItExactlyTheLastNOutcomes() {
    CountWindow w = new CountWindow(4);
    for (int i = 0; i < 4; i++) {
      w.record(Window.OK, 0);
    }
    for (int i = 0; i < 7; i++) {
      w.record(Window.OK, 0); // nothing to change: no slot claimed
    }
    long t = w.record(Window.OK | Window.FAILED, 0);
    assertThat(Window.calls(t)).isEqualTo(4);
    assertThat(Window.failures(t)).isEqualTo(1);
    // The failure is one of the last four outcomes for the next three, and gone at the fourth.
    for (int i = 0; i < 3; i++) {
      assertThat(Window.failures(w.record(Window.OK, 0))).isEqualTo(1);
    }
    assertThat(Window.failures(w.record(Window.OK, 0))).isZero();
    assertThat(Window.calls(w.totals(0))).isEqualTo(4);
  }

  @Test
  void theCountWindowsRingPositionIsTheClaimModuloItsSize() {
    java.util.Random r = new java.util.Random(42);
    int[] sizes = {1, 2, 3, 7, 10, 20, 100, 1_000, 99_991, (int) Window.BIAS - 1};
    for (int size : sizes) {
      CountWindow w = new CountWindow(size);
      for (long claim = 0; claim < 3 * size + 10; claim++) {
        assertThat(w.index(claim)).isEqualTo((int) (claim % size));
      }
      for (int i = 0; i < 100_000; i++) {
        long claim = r.nextLong() & 0xFFFF_FFFFL;
        assertThat(w.index(claim))
            .as("size %d claim %d", size, claim)
            .isEqualTo((int) (claim % size));
      }
      assertThat(w.index(0xFFFF_FFFFL)).isEqualTo((int) (0xFFFF_FFFFL % size));
    }
  }

  @Test
  void oldOutcomesLeaveTheWindow() {
    CircuitBreaker b = breaker(issuePolicy());
    for (int i = 0; i < 9; i++) {
      call(b, true);
    }
    for (int i = 0; i < 20; i++) {
      call(b, false); // pushes the failures out
    }
    assertThat(b.windowCounts(now)).containsExactly(20, 0, 0);
    for (int i = 0; i < 9; i++) {
      call(b, true);
    }
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
  }

  @Test
  void opensOnTheSlowCallRate() {
    CircuitBreaker b = breaker(issuePolicy().slowCallRate(0.8));
    for (int i = 0; i < 10; i++) {
      call(b, false, i < 8 ? 31 * S : 1 * S);
    }
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED); // 8 slow, but the last two were fast
    call(b, false, 30 * S); // 9 of 11 slow: 82 %
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(b.openReason()).contains("took 30s or longer", "threshold 80%");
  }

  @Test
  void openFailsFastUntilTheOpenPeriodEndsThenProbes() {
    CircuitBreaker b = breaker(issuePolicy());
    for (int i = 0; i < 10; i++) {
      call(b, true);
    }
    assertThat(b.tryAcquire(now)).isNull();
    assertThat(b.retryAfterNanos(now)).isEqualTo(30 * S);
    now += 29 * S;
    assertThat(b.tryAcquire(now)).isNull();
    assertThat(b.retryAfterNanos(now)).isEqualTo(1 * S);
    now += 1 * S;
    CircuitBreaker.Ticket p1 = b.tryAcquire(now);
    assertThat(p1).isNotNull();
    assertThat(b.state()).isEqualTo(BreakerState.HALF_OPEN);
    CircuitBreaker.Ticket p2 = b.tryAcquire(now);
    CircuitBreaker.Ticket p3 = b.tryAcquire(now);
    assertThat(p2).isNotNull();
    assertThat(p3).isNotNull();
    assertThat(b.tryAcquire(now)).as("only 3 probes").isNull();
    b.onResult(p1, false, MS, now);
    b.onResult(p2, false, MS, now);
    assertThat(b.state()).isEqualTo(BreakerState.HALF_OPEN);
    b.onResult(p3, false, MS, now);
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(b.windowCounts(now)).containsExactly(0, 0, 0); // a fresh window
    assertThat(transitions)
        .extracting(t -> t.substring(0, t.indexOf(':')))
        .containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
  }

  @Test
  void failingProbesOpenItAgainAsSoonAsTheyReachTheThreshold() {
    CircuitBreaker b = breaker(issuePolicy());
    for (int i = 0; i < 10; i++) {
      call(b, true);
    }
    now += 30 * S;
    CircuitBreaker.Ticket p1 = b.tryAcquire(now);
    CircuitBreaker.Ticket p2 = b.tryAcquire(now);
    CircuitBreaker.Ticket p3 = b.tryAcquire(now);
    b.onResult(p1, true, MS, now);
    assertThat(b.state()).isEqualTo(BreakerState.HALF_OPEN); // 1 of 3 < 50 %
    b.onResult(p2, true, MS, now);
    assertThat(b.state()).isEqualTo(BreakerState.OPEN); // 2 of 3 >= 50 %
    assertThat(b.openReason()).isEqualTo("2 of 3 half-open probes failed");
    b.onResult(p3, false, MS, now); // a late probe from the old half-open state changes nothing
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(b.retryAfterNanos(now)).isEqualTo(30 * S);
  }

  @Test
  void slowProbesOpenItAgain() {
    CircuitBreaker b = breaker(issuePolicy().halfOpenCalls(1).slowCallRate(1.0));
    for (int i = 0; i < 10; i++) {
      call(b, true);
    }
    now += 30 * S;
    CircuitBreaker.Ticket p = b.tryAcquire(now);
    b.onResult(p, false, 45 * S, now);
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(b.openReason()).contains("slow");
  }

  @Test
  void cannotStickInHalfOpenWhenAProbeIsNeverCompleted() {
    CircuitBreaker b =
        breaker(issuePolicy().halfOpenCalls(1).halfOpenTimeout(Duration.ofSeconds(60)));
    for (int i = 0; i < 10; i++) {
      call(b, true);
    }
    now += 30 * S;
    CircuitBreaker.Ticket leaked = b.tryAcquire(now); // the application never finishes this call
    assertThat(leaked).isNotNull();
    now += 59 * S;
    assertThat(b.tryAcquire(now)).isNull();
    assertThat(b.state()).isEqualTo(BreakerState.HALF_OPEN);
    assertThat(b.retryAfterNanos(now)).isEqualTo(1 * S);
    now += 1 * S;
    assertThat(b.tryAcquire(now)).isNull();
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(b.openReason()).contains("did not complete within 60s");
    now += 30 * S;
    CircuitBreaker.Ticket probe = b.tryAcquire(now);
    assertThat(probe).isNotNull();
    b.onResult(probe, false, MS, now);
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    b.onResult(leaked, true, MS, now); // it finally completes: stale, ignored
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
  }

  @Test
  void aReleasedProbeGivesItsPermitBack() {
    CircuitBreaker b = breaker(issuePolicy().halfOpenCalls(1));
    for (int i = 0; i < 10; i++) {
      call(b, true);
    }
    now += 30 * S;
    CircuitBreaker.Ticket p = b.tryAcquire(now);
    assertThat(b.tryAcquire(now)).isNull();
    b.release(p); // cancelled, or a 429 the breaker does not count
    CircuitBreaker.Ticket again = b.tryAcquire(now);
    assertThat(again).isNotNull();
    b.onResult(again, false, MS, now);
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
  }

  @Test
  void anOutcomeFromBeforeATransitionDoesNotCountAfterIt() {
    CircuitBreaker b = breaker(issuePolicy());
    CircuitBreaker.Ticket early = b.tryAcquire(now); // a long call admitted while closed
    for (int i = 0; i < 10; i++) {
      call(b, true);
    }
    now += 30 * S;
    CircuitBreaker.Ticket probe = b.tryAcquire(now);
    b.onResult(early, true, MS, now); // finishes during half-open: not a probe outcome
    assertThat(b.state()).isEqualTo(BreakerState.HALF_OPEN);
    b.onResult(probe, false, MS, now);
  }

  @Test
  void timeBasedWindowForgetsOldCalls() {
    CircuitBreaker b =
        breaker(
            CircuitBreakerPolicy.builder()
                .failureRate(0.5)
                .window(Duration.ofSeconds(60))
                .minCalls(10)
                .openFor(Duration.ofSeconds(30)));
    for (int i = 0; i < 9; i++) {
      call(b, true);
    }
    assertThat(b.windowCounts(now)).containsExactly(9, 9, 0);
    now += 61 * S; // all nine fall out of the window
    assertThat(b.windowCounts(now)).containsExactly(0, 0, 0);
    for (int i = 0; i < 9; i++) {
      call(b, false);
    }
    call(b, true);
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED); // 1 of 10
    for (int i = 0; i < 7; i++) {
      now += S;
      call(b, true);
    }
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED); // 8 of 17
    call(b, true);
    assertThat(b.state()).isEqualTo(BreakerState.OPEN); // 9 of 18 = 50 %
  }

  @Test
  void timeBasedWindowEvictsBucketByBucket() {
    TimeWindow w = new TimeWindow(10 * S);
    long t = 1_000 * S;
    for (int i = 0; i < 10; i++) {
      w.record(Window.OK | (i % 2 == 0 ? Window.FAILED : 0), t + i * S);
    }
    long totals = w.totals(t + 9 * S);
    assertThat(Window.calls(totals)).isEqualTo(10);
    assertThat(Window.failures(totals)).isEqualTo(5);
    totals = w.totals(t + 12 * S); // seconds 0..2 evicted
    assertThat(Window.calls(totals)).isEqualTo(7);
    assertThat(Window.failures(totals)).isEqualTo(3);
    totals = w.totals(t + 3600 * S);
    assertThat(Window.calls(totals)).isZero();
  }

  @Test
  void packedTotalsSurviveTransientNegatives() {
    long t = Window.EMPTY;
    t -= Window.encode(Window.OK | Window.FAILED | Window.SLOW); // subtract before the add lands
    t += Window.encode(Window.OK);
    t += Window.encode(Window.OK | Window.FAILED | Window.SLOW);
    assertThat(Window.calls(t)).isEqualTo(1);
    assertThat(Window.failures(t)).isZero();
    assertThat(Window.slow(t)).isZero();
  }

  /**
   * 64 threads record mixed outcomes while the breaker flips between states on a moving clock: no
   * exception, every state reachable, and afterwards the breaker still closes normally.
   */
  @Test
  void stress64Threads() throws Exception {
    CircuitBreaker b =
        breaker(issuePolicy().openFor(Duration.ofMillis(1)).halfOpenTimeout(Duration.ofMillis(5)));
    AtomicLong clock = new AtomicLong(now);
    AtomicLong errors = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 64; t++) {
      Thread th =
          new Thread(
              () -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                try {
                  for (int i = 0; i < 5_000; i++) {
                    long n = clock.addAndGet(r.nextInt(0, 20_000));
                    CircuitBreaker.Ticket ticket = b.tryAcquire(n);
                    if (ticket == null) {
                      continue;
                    }
                    int what = r.nextInt(10);
                    if (what == 0) {
                      b.release(ticket);
                    } else if (what != 1) { // what == 1: leaked
                      b.onResult(ticket, r.nextInt(3) == 0, r.nextLong(0, 60 * S), n);
                    }
                  }
                } catch (Throwable e) {
                  errors.incrementAndGet();
                }
              });
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) {
      th.join();
    }
    assertThat(errors.get()).isZero();
    assertThat(String.join("\n", transitions))
        .contains("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN");
    // Recovery from whatever state it ended in: probes succeed, it closes.
    long n = clock.get() + 3600 * S;
    for (int i = 0; i < 10 && b.state() != BreakerState.CLOSED; i++) {
      n += S;
      CircuitBreaker.Ticket ticket = b.tryAcquire(n);
      if (ticket != null) {
        b.onResult(ticket, false, MS, n);
      }
    }
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
  }
}
