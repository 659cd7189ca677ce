package dev.tollgate.sidecar.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogHistogramTest {

  /** The exact value at quantile q with the same rank rule the sketch uses. */
  private static double exact(double[] sorted, double q) {
    return sorted[(int) Math.floor(q * (sorted.length - 1))];
  }

  @Test
  void quantilesAreWithinOnePercentOfExactOnSkewedData() {
    Random random = new Random(42);
    for (int trial = 0; trial < 20; trial++) {
      int n = 1 + random.nextInt(20_000);
      double[] values = new double[n];
      // Several minutes of one series, merged as a query would: lognormal LLM-like latencies.
      LogHistogram.Accumulator acc = new LogHistogram.Accumulator();
      LogHistogram minute = new LogHistogram();
      for (int i = 0; i < n; i++) {
        values[i] = Math.exp(random.nextGaussian() * 1.5 + 0.5) / 1000 * (1 + trial);
        minute.record(values[i]);
        if (i % 1000 == 999) {
          acc.add(minute);
          minute = new LogHistogram();
        }
      }
      acc.add(minute);
      Arrays.sort(values);
      for (double q : new double[] {0, 0.5, 0.9, 0.95, 0.99, 0.999, 1}) {
        double want = exact(values, q);
        assertThat(acc.quantile(q)).as("q=%s n=%s", q, n).isCloseTo(want, relative(want));
      }
      assertThat(acc.max()).isEqualTo(values[n - 1]);
      assertThat(acc.count()).isEqualTo(n);
    }
  }

  private static org.assertj.core.data.Offset<Double> relative(double v) {
    return org.assertj.core.data.Offset.offset(v * 0.01);
  }

  @Test
  void emptyHistogramHasNoQuantiles() {
    LogHistogram.Accumulator acc = new LogHistogram.Accumulator();
    acc.add(new LogHistogram());
    assertThat(acc.quantile(0.5)).isNaN();
    assertThat(acc.max()).isNaN();
  }

  @Test
  void zeroNegativeAndNaNAreHandled() {
    LogHistogram h = new LogHistogram();
    h.record(0);
    h.record(-1);
    h.record(Double.NaN);
    h.record(Double.POSITIVE_INFINITY);
    h.record(2.0);
    LogHistogram.Accumulator acc = new LogHistogram.Accumulator();
    acc.add(h);
    assertThat(acc.count()).isEqualTo(2);
    assertThat(acc.quantile(0)).isEqualTo(0);
    assertThat(acc.quantile(1)).isEqualTo(2.0);
  }

  @Test
  void mergeEqualsRecordingEverythingInOne() {
    Random random = new Random(7);
    LogHistogram a = new LogHistogram();
    LogHistogram b = new LogHistogram();
    LogHistogram all = new LogHistogram();
    for (int i = 0; i < 5000; i++) {
      double v = random.nextDouble() * 30;
      (i % 2 == 0 ? a : b).record(v);
      all.record(v);
    }
    a.merge(b);
    LogHistogram.Accumulator merged = new LogHistogram.Accumulator();
    merged.add(a);
    LogHistogram.Accumulator direct = new LogHistogram.Accumulator();
    direct.add(all);
    assertThat(merged.count()).isEqualTo(direct.count());
    assertThat(merged.sum()).isCloseTo(direct.sum(), org.assertj.core.data.Offset.offset(1e-6));
    for (double q = 0; q <= 1; q += 0.01) {
      assertThat(merged.quantile(q)).isEqualTo(direct.quantile(q));
    }
  }

  @Test
  void bytesRoundTrip() {
    LogHistogram h = new LogHistogram();
    for (double v : new double[] {0, 0.001, 0.5, 0.5, 12.3, 80, 1e9}) {
      h.record(v);
    }
    LogHistogram back = LogHistogram.fromBytes(h.toBytes());
    assertThat(back.toBytes()).isEqualTo(h.toBytes());
    assertThat(back.count()).isEqualTo(7);
    assertThat(back.max()).isEqualTo(1e9);
    assertThat(back.min()).isEqualTo(0);
  }

  @Test
  void garbageBytesAreRejected() {
    assertThatThrownBy(() -> LogHistogram.fromBytes(new byte[] {9}))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] ok = new LogHistogram().toBytes();
    assertThatThrownBy(() -> LogHistogram.fromBytes(Arrays.copyOf(ok, ok.length - 3)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
