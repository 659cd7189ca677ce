package dev.tollgate.controller.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final long MS = 1_000_000L;

  @Test
  void capDoublesPerAttemptUpToTheMaximum() {
    long base = 500 * MS;
    long max = 20_000 * MS;
    assertThat(Backoff.capNanos(base, max, 1)).isEqualTo(500 * MS);
    assertThat(Backoff.capNanos(base, max, 2)).isEqualTo(1_000 * MS);
    assertThat(Backoff.capNanos(base, max, 3)).isEqualTo(2_000 * MS);
    assertThat(Backoff.capNanos(base, max, 6)).isEqualTo(16_000 * MS);
    assertThat(Backoff.capNanos(base, max, 7)).isEqualTo(20_000 * MS);
    assertThat(Backoff.capNanos(base, max, 1_000)).isEqualTo(20_000 * MS); // no overflow
    assertThat(Backoff.capNanos(0, max, 3)).isZero();
  }

  @Test
  void fullJitterSpansZeroToTheCap() {
    long base = 500 * MS;
    long max = 20_000 * MS;
    assertThat(Backoff.fullJitterNanos(base, max, 3, 0.0)).isZero();
    assertThat(Backoff.fullJitterNanos(base, max, 3, 0.5)).isEqualTo(1_000 * MS);
    assertThat(Backoff.fullJitterNanos(base, max, 3, 0.999999))
        .isLessThan(2_000 * MS)
        .isGreaterThan(1_999 * MS);
    assertThat(Backoff.fullJitterNanos(base, max, 3, 1.0)).isLessThan(2_000 * MS); // clamped
    assertThat(Backoff.fullJitterNanos(base, max, 3, -1)).isZero();
  }

  @Test
  void jitteredDelaysFillTheIntervalUniformly() {
    Random r = new Random(7);
    long cap = Backoff.capNanos(500 * MS, 8_000 * MS, 4); // 4 s
    int[] buckets = new int[4];
    for (int i = 0; i < 40_000; i++) {
      long d = Backoff.fullJitterNanos(500 * MS, 8_000 * MS, 4, r.nextDouble());
      assertThat(d).isBetween(0L, cap - 1);
      buckets[(int) (d * 4 / cap)]++;
    }
    for (int b : buckets) {
      assertThat(b).isBetween(9_500, 10_500); // each quarter gets a quarter
    }
  }
}
