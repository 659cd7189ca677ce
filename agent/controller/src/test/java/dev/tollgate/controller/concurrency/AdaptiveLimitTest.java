package dev.tollgate.controller.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdaptiveLimitTest {
  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;
  private long now = 1_000 * S;

  /** One window of {@code n} successes of {@code tokens} output tokens at {@code perToken}. */
  private int window(AdaptiveLimit a, int n, long tokens, long perTokenNanos, int inFlight) {
    now += S;
    int changed = -1;
    for (int i = 0; i < n; i++) {
      int c = a.onSuccess(now, tokens * perTokenNanos, -1, tokens, inFlight);
      if (c > 0) {
        changed = c;
      }
    }
    return changed;
  }

  @Test
  void growsWhileLatencyStaysAtTheBaseline() {
    AdaptiveLimit a = new AdaptiveLimit(4, 200, 16, S, 10, 0.9, now);
    window(a, 10, 300, 10 * MS, 16); // first window sets the baseline
    int before = a.limit();
    window(a, 10, 300, 10 * MS, a.limit());
    assertThat(a.limit()).isEqualTo(before + 6); // Vegas: + 6*log10(L) with log10 floored to 1
    for (int i = 0; i < 50; i++) {
      window(a, 10, 300, 10 * MS, a.limit());
    }
    assertThat(a.limit()).isEqualTo(200); // clamped at max
  }

  @Test
  void anApplicationLimitedLoadDoesNotRaiseTheLimit() {
    AdaptiveLimit a = new AdaptiveLimit(4, 200, 40, S, 10, 0.9, now);
    for (int i = 0; i < 10; i++) {
      window(a, 10, 300, 10 * MS, 5); // only 5 of 40 permits used
    }
    assertThat(a.limit()).isEqualTo(40);
  }

  @Test
  void overloadSignalsBackOffMultiplicativelyOncePerWindow() {
    AdaptiveLimit a = new AdaptiveLimit(4, 200, 100, S, 10, 0.9, now);
    now += S;
    a.onDropped(now, 100); // closes the window: 100 -> 90
    assertThat(a.limit()).isEqualTo(90);
    a.onDropped(now, 90); // same window: no second cut
    a.onDropped(now + MS, 90);
    assertThat(a.limit()).isEqualTo(90);
    now += S;
    a.onDropped(now, 90);
    assertThat(a.limit()).isEqualTo(81);
    for (int i = 0; i < 100; i++) {
      now += S;
      a.onDropped(now, 10);
    }
    assertThat(a.limit()).isEqualTo(4); // clamped at min
  }

  @Test
  void risingNormalizedLatencyLowersTheLimit() {
    AdaptiveLimit a = new AdaptiveLimit(4, 200, 50, S, 10, 0.9, now);
    window(a, 10, 300, 10 * MS, 50); // baseline 10 ms/token
    int before = a.limit();
    window(a, 10, 300, 20 * MS, a.limit()); // ratio 2: queue = L/2 > 6
    assertThat(a.limit()).isEqualTo(before - 1);
    int l = a.limit();
    window(a, 10, 300, 20 * MS, l);
    assertThat(a.limit()).isEqualTo(l - 1);
  }

  @Test
  void longGenerationsAreNotMistakenForOverload() {
    AdaptiveLimit a = new AdaptiveLimit(4, 200, 16, S, 10, 0.9, now);
    window(a, 10, 100, 10 * MS, 16); // short answers: 1 s each
    int before = a.limit();
    // Ten times longer answers take ten times longer, at the same speed per token.
    window(a, 10, 1000, 10 * MS, a.limit());
    assertThat(a.limit()).isGreaterThan(before);
  }

  @Test
  void streamsAreJudgedByTimeToFirstChunk() {
    AdaptiveLimit a = new AdaptiveLimit(4, 200, 16, S, 10, 0.9, now);
    now += S;
    for (int i = 0; i < 10; i++) {
      a.onSuccess(now, 5 * S, 200 * MS, -1, 16);
    }
    int before = a.limit();
    now += S;
    for (int i = 0; i < 10; i++) {
      // 40 s streams (long answers) but the first chunk still comes after 200 ms.
      a.onSuccess(now, 40 * S, 200 * MS, -1, a.limit());
    }
    assertThat(a.limit()).isGreaterThan(before);
    int l = a.limit();
    now += S;
    for (int i = 0; i < 10; i++) {
      a.onSuccess(now, 5 * S, 800 * MS, -1, l); // first chunk 4x later: queueing
    }
    assertThat(a.limit()).isLessThan(l);
  }

  @Test
  void aWindowNeedsItsTimeAndItsSamples() {
    AdaptiveLimit a = new AdaptiveLimit(4, 200, 16, S, 10, 0.9, now);
    window(a, 10, 300, 10 * MS, 16);
    long windows = a.windows();
    now += S / 2; // too early
    for (int i = 0; i < 20; i++) {
      a.onSuccess(now, 3 * S, -1, 300, 16);
    }
    assertThat(a.windows()).isEqualTo(windows);
    now += S; // late enough, but only 5 samples
    for (int i = 0; i < 4; i++) {
      a.onSuccess(now, 3 * S, -1, 300, 16);
    }
    assertThat(a.windows()).isEqualTo(windows + 1); // the earlier 20 samples count
  }

  @Test
  void relearnsTheBaselineWhenTheBackendItselfGetsSlower() {
    AdaptiveLimit a = new AdaptiveLimit(4, 200, 20, S, 10, 0.9, now);
    window(a, 10, 300, 10 * MS, 20); // baseline 10 ms/token
    // The provider switches to a model three times slower, for good (and in this test latency
    // does not depend on load at all).
    int lowest = a.limit();
    for (int i = 0; i < 60; i++) {
      window(a, 10, 300, 30 * MS, a.limit());
      lowest = Math.min(lowest, a.limit());
    }
    // First it backs off, as it would under queueing...
    assertThat(lowest).isLessThanOrEqualTo(13); // half the limit the slowdown was first seen at
    // ...then sees the latency did not respond, learns the new baseline, and climbs again.
    assertThat(a.baseline(AdaptiveLimit.PER_TOKEN)).isEqualTo(30.0 * MS);
    assertThat(a.limit()).isGreaterThan(20);
  }

  @Test
  void aGenuineOverloadIsNotMistakenForASlowerBackend() {
    // Processor sharing past a knee of 20: latency is proportional to the load.
    AdaptiveLimit a = new AdaptiveLimit(4, 200, 20, S, 10, 0.9, now);
    window(a, 10, 300, 10 * MS, 20);
    for (int i = 0; i < 300; i++) {
      int l = a.limit();
      long perToken = Math.max(10 * MS, 10 * MS * l / 20);
      window(a, 10, 300, perToken, l);
    }
    assertThat(a.baseline(AdaptiveLimit.PER_TOKEN)).isEqualTo(10.0 * MS);
    assertThat(a.limit()).isBetween(20, 28);
  }

  @Test
  void rawLatencyIsTheFallbackWithoutTokensOrStreams() {
    AdaptiveLimit a = new AdaptiveLimit(4, 200, 30, S, 10, 0.9, now);
    now += S;
    for (int i = 0; i < 10; i++) {
      a.onSuccess(now, 2 * S, -1, -1, 30);
    }
    assertThat(a.baseline(AdaptiveLimit.RAW)).isEqualTo(2.0 * S);
  }
}
