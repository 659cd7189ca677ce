package dev.tollgate.sidecar.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.sidecar.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AggregatorTest {
  private static final Instant T0 = Instant.parse("2026-03-02T10:00:30Z");
  private final MutableClock clock = new MutableClock(T0);
  private final Aggregator agg = new Aggregator(clock, 100, Duration.ofHours(24));

  private static final long U = CallRecord.UNKNOWN;

  static CallRecord call(
      String service, String model, Instant end, double seconds, String error, long in, long out) {
    return builder(service, model, end).duration(seconds).error(error).tokens(in, out).build();
  }

  /** A CallRecord builder for tests. */
  static final class B {
    String service;
    String provider = "openai";
    String model;
    String endpoint = "";
    String op = "chat";
    Instant end;
    double seconds = 1;
    double ttft = Double.NaN;
    String error;
    int attempt = 1;
    long in = U;
    long out = U;
    long cacheRead = U;
    long cacheWrite = U;
    long reasoning = U;
    boolean unmetered;
    String rejectedBy;

    B duration(double s) {
      seconds = s;
      return this;
    }

    B error(String e) {
      error = e;
      return this;
    }

    B tokens(long i, long o) {
      in = i;
      out = o;
      return this;
    }

    B endpoint(String e) {
      endpoint = e;
      return this;
    }

    B attempt(int a) {
      attempt = a;
      return this;
    }

    B rejectedBy(String r) {
      rejectedBy = r;
      return this;
    }

    B ttft(double t) {
      ttft = t;
      return this;
    }

    B unmetered() {
      unmetered = true;
      return this;
    }

    CallRecord build() {
      long endNanos = end.getEpochSecond() * 1_000_000_000L + end.getNano();
      long start = endNanos - Math.round(seconds * 1e9);
      return new CallRecord(
          service, provider, op, model, null, endpoint, null, null, null, 0, start, endNanos,
          seconds, ttft, error, 0, attempt, in, out, cacheRead, cacheWrite, reasoning, unmetered,
          null, null, Double.NaN, rejectedBy);
    }
  }

  static B builder(String service, String model, Instant end) {
    B b = new B();
    b.service = service;
    b.model = model;
    b.end = end;
    return b;
  }

  @Test
  void countsErrorsTokensRetriesAndRejections() {
    agg.record(call("svc", "gpt-4o", T0, 1.0, null, 100, 20));
    agg.record(call("svc", "gpt-4o", T0, 2.0, "429", U, U));
    agg.record(builder("svc", "gpt-4o", T0).error("500").attempt(2).build());
    agg.record(builder("svc", "gpt-4o", T0).error("circuit_open").rejectedBy("circuit_breaker").build());
    Stats s = agg.query(Filter.ALL, Duration.ofMinutes(1));
    assertThat(s.calls()).isEqualTo(4);
    assertThat(s.errors()).isEqualTo(3);
    assertThat(s.errorRate()).isEqualTo(0.75);
    assertThat(s.errorsByType()).containsExactlyInAnyOrderEntriesOf(
        Map.of("429", 1L, "500", 1L, "circuit_open", 1L));
    assertThat(s.rateLimited()).isEqualTo(1);
    assertThat(s.retries()).isEqualTo(1);
    assertThat(s.rejected()).isEqualTo(1);
    assertThat(s.rejectedBy()).containsEntry("circuit_breaker", 1L);
    assertThat(s.tokens().input()).isEqualTo(100);
    assertThat(s.tokens().output()).isEqualTo(20);
    // The rejected call is not a latency sample.
    assertThat(s.latency().count()).isEqualTo(3);
  }

  @Test
  void missingTokensAreUnknownNotZero() {
    agg.record(builder("svc", "m", T0).tokens(0, 0).build()); // reported zero
    agg.record(builder("svc", "m", T0).unmetered().build()); // not reported
    agg.record(builder("svc", "m", T0).tokens(10, U).build()); // only input reported
    Stats s = agg.query(Filter.ALL, Duration.ofMinutes(5));
    assertThat(s.calls()).isEqualTo(3);
    assertThat(s.unmeteredCalls()).isEqualTo(1);
    assertThat(s.tokens().input()).isEqualTo(10);
    assertThat(s.tokens().output()).isEqualTo(0);
    assertThat(s.tokens().reasoning()).isEqualTo(0);
  }

  @Test
  void windowCoversCurrentMinuteAndWholeMinutesBefore() {
    // Now is 10:00:30. A 1m window is 10:00:00..now; 5m is 09:56:00..now.
    agg.record(call("svc", "m", Instant.parse("2026-03-02T10:00:00Z"), 1, null, 1, 1));
    agg.record(call("svc", "m", Instant.parse("2026-03-02T09:59:59.999Z"), 1, null, 1, 1));
    agg.record(call("svc", "m", Instant.parse("2026-03-02T09:56:00Z"), 1, null, 1, 1));
    agg.record(call("svc", "m", Instant.parse("2026-03-02T09:55:59Z"), 1, null, 1, 1));
    assertThat(agg.query(Filter.ALL, Duration.ofMinutes(1)).calls()).isEqualTo(1);
    assertThat(agg.query(Filter.ALL, Duration.ofMinutes(2)).calls()).isEqualTo(2);
    assertThat(agg.query(Filter.ALL, Duration.ofMinutes(5)).calls()).isEqualTo(3);
    assertThat(agg.query(Filter.ALL, Duration.ofMinutes(6)).calls()).isEqualTo(4);
    // Time passes: at 10:01:00 the 10:00 call leaves the 1m window.
    clock.set(Instant.parse("2026-03-02T10:01:00Z"));
    assertThat(agg.query(Filter.ALL, Duration.ofMinutes(1)).calls()).isZero();
    assertThat(agg.query(Filter.ALL, Duration.ofMinutes(2)).calls()).isEqualTo(1);
  }

  @Test
  void dataAgesOutOfTheHorizonAndFutureSpansCountNow() {
    agg.record(call("svc", "m", T0.plus(Duration.ofHours(3)), 1, null, 1, 1)); // clock skew
    assertThat(agg.query(Filter.ALL, Duration.ofMinutes(1)).calls()).isEqualTo(1);
    assertThat(agg.record(call("svc", "m", T0.minus(Duration.ofHours(25)), 1, null, 1, 1)))
        .isNull();
    assertThat(agg.droppedTooOld()).isEqualTo(1);
    clock.advance(Duration.ofHours(24));
    assertThat(agg.query(Filter.ALL, Duration.ofHours(24)).calls()).isZero();
    assertThat(agg.evictIdle()).hasSize(1);
    assertThat(agg.seriesCount()).isZero();
  }

  @Test
  void percentilesAreWithinOnePercentOverManyMinutes() {
    Random random = new Random(3);
    List<Double> all = new ArrayList<>();
    for (int minute = 0; minute < 15; minute++) {
      Instant end = T0.minus(Duration.ofMinutes(minute));
      for (int i = 0; i < 2000; i++) {
        double d = Math.exp(random.nextGaussian() + 1); // median ~2.7 s
        all.add(d);
        agg.record(builder("svc", "m", end).duration(d).ttft(d / 10).build());
      }
    }
    double[] sorted = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    Stats s = agg.query(Filter.ALL, Duration.ofMinutes(15));
    assertThat(s.calls()).isEqualTo(30_000);
    for (double[] qp : new double[][] {{0.5, s.latency().p50()}, {0.95, s.latency().p95()},
        {0.99, s.latency().p99()}}) {
      double want = sorted[(int) Math.floor(qp[0] * (sorted.length - 1))];
      assertThat(qp[1]).isCloseTo(want, org.assertj.core.data.Offset.offset(want * 0.01));
    }
    assertThat(s.latency().max()).isEqualTo(sorted[sorted.length - 1]);
    double want = sorted[(int) Math.floor(0.95 * (sorted.length - 1))] / 10;
    assertThat(s.ttft().p95()).isCloseTo(want, org.assertj.core.data.Offset.offset(want * 0.01));
  }

  @Test
  void cardinalityCapFoldsIntoOther() {
    Aggregator small = new Aggregator(clock, 3, Duration.ofHours(1));
    for (int i = 0; i < 10; i++) {
      SeriesKey k = small.record(call("svc", "model-" + i, T0, 1, null, 1, 1));
      assertThat(k.model()).isEqualTo(i < 3 ? "model-" + i : "other");
    }
    // A known series still gets its own counts after the cap is hit.
    assertThat(small.record(call("svc", "model-1", T0, 1, null, 1, 1)).model()).isEqualTo("model-1");
    assertThat(small.seriesCount()).isEqualTo(4); // three plus "other"
    assertThat(small.foldedCalls()).isEqualTo(7);
    Map<String, Stats> byModel = small.breakdown(Filter.ALL, Dimension.MODEL, Duration.ofMinutes(1));
    assertThat(byModel.get("other").calls()).isEqualTo(7);
    assertThat(byModel.get("model-1").calls()).isEqualTo(2);
    assertThat(small.query(Filter.ALL, Duration.ofMinutes(1)).calls()).isEqualTo(11);
  }

  @Test
  void errorTypeVocabularyIsCapped() {
    for (int i = 0; i < Aggregator.VOCABULARY_LIMIT + 10; i++) {
      agg.record(call("svc", "m", T0, 1, "type-" + i, U, U));
    }
    Stats s = agg.query(Filter.ALL, Duration.ofMinutes(1));
    assertThat(s.errorsByType()).hasSize(Aggregator.VOCABULARY_LIMIT + 1);
    assertThat(s.errorsByType().get("_OTHER")).isEqualTo(10);
  }

  @Test
  void filtersBreakdownAndTimeseries() {
    agg.record(builder("a", "gpt-4o", T0).endpoint("main").build());
    agg.record(builder("a", "gpt-4o-mini", T0).endpoint("main").build());
    agg.record(builder("b", "gpt-4o", T0.minus(Duration.ofMinutes(2))).endpoint("batch").build());
    assertThat(agg.query(Filter.ALL.and(Dimension.SERVICE, "a"), Duration.ofMinutes(5)).calls())
        .isEqualTo(2);
    assertThat(
            agg.query(
                    Filter.ALL.and(Dimension.MODEL, "gpt-4o").and(Dimension.ENDPOINT, "batch"),
                    Duration.ofMinutes(5))
                .calls())
        .isEqualTo(1);
    Map<String, Stats> byModel = agg.breakdown(Filter.ALL, Dimension.MODEL, Duration.ofHours(1));
    assertThat(byModel.keySet()).containsExactly("gpt-4o", "gpt-4o-mini");
    List<Aggregator.Point> points =
        agg.timeseries(Filter.ALL, Duration.ofMinutes(5), Duration.ofMinutes(1));
    assertThat(points).hasSize(5);
    assertThat(points.stream().mapToLong(p -> p.stats().calls()).toArray())
        .containsExactly(0, 0, 1, 0, 2);
    assertThat(points.get(4).startEpochMillis())
        .isEqualTo(Instant.parse("2026-03-02T10:00:00Z").toEpochMilli());
    List<Aggregator.Point> fives =
        agg.timeseries(Filter.ALL, Duration.ofMinutes(10), Duration.ofMinutes(5));
    assertThat(fives).hasSize(2);
    assertThat(fives.get(0).stats().calls()).isEqualTo(1); // 09:55..09:59
    assertThat(fives.get(1).stats().calls()).isEqualTo(2); // 10:00..now
  }

  @Test
  void drainDirtyAndRestoreReproduceTheSameAnswers() {
    Random random = new Random(5);
    for (int i = 0; i < 500; i++) {
      agg.record(
          builder("svc" + (i % 3), "m" + (i % 4), T0.minus(Duration.ofMinutes(i % 30)))
              .duration(random.nextDouble() * 10)
              .tokens(i, i * 2L)
              .error(i % 7 == 0 ? "500" : null)
              .build());
    }
    List<RollupSnapshot> rows = agg.drainDirty();
    assertThat(agg.drainDirty()).isEmpty();
    Aggregator copy = new Aggregator(clock, 100, Duration.ofHours(24));
    copy.restore(rows);
    for (Duration w : new Duration[] {Duration.ofMinutes(1), Duration.ofMinutes(15), Duration.ofHours(1)}) {
      assertThat(copy.query(Filter.ALL, w)).isEqualTo(agg.query(Filter.ALL, w));
    }
    assertThat(copy.breakdown(Filter.ALL, Dimension.SERVICE, Duration.ofHours(1)))
        .isEqualTo(agg.breakdown(Filter.ALL, Dimension.SERVICE, Duration.ofHours(1)));
    // Restored rows are not dirty; new data on a restored minute makes that whole row dirty.
    assertThat(copy.drainDirty()).isEmpty();
    copy.record(call("svc0", "m0", T0, 1, null, 1, 1));
    List<RollupSnapshot> changed = copy.drainDirty();
    assertThat(changed).hasSize(1);
    assertThat(Arrays.asList(changed.get(0).calls())).isNotEmpty();
  }
}
