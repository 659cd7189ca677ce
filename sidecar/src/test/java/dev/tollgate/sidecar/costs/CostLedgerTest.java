package dev.tollgate.sidecar.costs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.sidecar.aggregate.Dimension;
import dev.tollgate.sidecar.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostLedgerTest {
  private static final CostKey A = new CostKey("checkout", "openai", "gpt-4o", "main", "");
  private static final CostKey B =
      new CostKey("search", "anthropic", "claude-sonnet-4-5", "main", "");
  private static final CostKey DIFY = new CostKey("support", "dify", "", "dify", "bot");

  private static CallCost usd(double v) {
    return new CallCost(CallCost.Basis.ESTIMATED, v, v, Double.NaN, null, "k");
  }

  private static CallCost reported(double reported, double estimated) {
    return new CallCost(CallCost.Basis.REPORTED, reported, estimated, reported, null, "k");
  }

  private static CallCost unpriced(CallCost.Unpriced why) {
    return new CallCost(CallCost.Basis.UNPRICED, Double.NaN, Double.NaN, Double.NaN, why, null);
  }

  @Test
  void windowsMonthToDateAndGroups() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-10T12:30:00Z"));
    CostLedger l = new CostLedger(clock, ZoneOffset.UTC);
    long now = clock.millis();
    l.record(A, now, usd(1.0));
    l.record(A, now - Duration.ofMinutes(30).toMillis(), usd(2.0));
    l.record(B, now - Duration.ofHours(3).toMillis(), usd(4.0));
    l.record(B, now - Duration.ofDays(3).toMillis(), usd(8.0));
    l.record(B, Instant.parse("2026-10-31T23:00:00Z").toEpochMilli(), usd(16.0)); // last month
    l.record(A, now, unpriced(CallCost.Unpriced.NO_PRICE));
    l.record(A, now, CallCost.NOT_SENT_COST); // never sent: not a call

    assertThat(l.total(Map.of(), l.window(Duration.ofMinutes(15))).cost()).isEqualTo(1.0);
    assertThat(l.total(Map.of(), l.window(Duration.ofHours(1))).cost()).isEqualTo(3.0);
    assertThat(l.total(Map.of(), l.window(Duration.ofHours(24))).cost()).isEqualTo(7.0);
    assertThat(l.total(Map.of(), l.window(Duration.ofDays(30))).cost()).isEqualTo(31.0);
    CostTotals mtd = l.total(Map.of(), l.monthToDate());
    assertThat(mtd.cost()).isEqualTo(15.0);
    assertThat(mtd.calls()).isEqualTo(5);
    assertThat(mtd.unpriced()).isEqualTo(1);
    assertThat(mtd.noPrice()).isEqualTo(1);
    assertThat(l.total(Map.of(Dimension.SERVICE, "search"), l.monthToDate()).cost())
        .isEqualTo(12.0);

    Map<List<String>, CostTotals> byModel =
        l.groups(Map.of(), List.of(Dimension.MODEL), l.window(Duration.ofDays(30)));
    assertThat(byModel.keySet()).containsExactly(List.of("claude-sonnet-4-5"), List.of("gpt-4o"));
    assertThat(byModel.get(List.of("gpt-4o")).unpriced()).isEqualTo(1);
  }

  @Test
  void driftIsKeptBothWays() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-10T12:30:00Z"));
    CostLedger l = new CostLedger(clock, ZoneOffset.UTC);
    l.record(DIFY, clock.millis(), reported(0.5, 0.3));
    l.record(DIFY, clock.millis(), reported(0.1, 0.4));
    CostTotals t = l.total(Map.of(), l.today());
    assertThat(t.cost()).isCloseTo(0.6, within(1e-12));
    assertThat(t.estimated()).isCloseTo(0.7, within(1e-12));
    assertThat(t.reported()).isCloseTo(0.6, within(1e-12));
    assertThat(t.driftOver()).isCloseTo(0.2, within(1e-12));
    assertThat(t.driftUnder()).isCloseTo(0.3, within(1e-12));
    assertThat(t.drift()).isCloseTo(-0.1, within(1e-12));
  }

  @Test
  void forecastIsLinearFromWhatWasObserved() {
    // November has 30 days; 10 days have passed at 2026-11-11T00:00Z.
    MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
    CostLedger l = new CostLedger(clock, ZoneOffset.UTC);
    l.record(A, clock.millis(), usd(0)); // first seen at the start of the month
    clock.set(Instant.parse("2026-11-11T00:00:00Z"));
    l.record(A, clock.millis(), usd(100));
    assertThat(l.forecastMonth(Map.of())).isCloseTo(300, within(1e-9));

    // A ledger that first saw data on the 6th extrapolates from 5 days, not 10.
    MutableClock late = new MutableClock(Instant.parse("2026-11-06T00:00:00Z"));
    CostLedger l2 = new CostLedger(late, ZoneOffset.UTC);
    l2.record(A, late.millis(), usd(0));
    late.set(Instant.parse("2026-11-11T00:00:00Z"));
    l2.record(A, late.millis(), usd(100));
    assertThat(l2.forecastMonth(Map.of())).isCloseTo(100 + 100.0 / 5 * 20, within(1e-9));
  }

  @Test
  void daysAndMonthsFollowTheConfiguredZone() {
    // 2026-11-30T20:00Z is already December 1st in Shanghai (UTC+8).
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T20:00:00Z"));
    CostLedger shanghai = new CostLedger(clock, ZoneId.of("Asia/Shanghai"));
    CostLedger utc = new CostLedger(clock, ZoneOffset.UTC);
    shanghai.record(
        A, Instant.parse("2026-11-30T15:00:00Z").toEpochMilli(), usd(1)); // Nov 30 23:00
    shanghai.record(A, Instant.parse("2026-11-30T17:00:00Z").toEpochMilli(), usd(2)); // Dec 1 01:00
    utc.record(A, Instant.parse("2026-11-30T15:00:00Z").toEpochMilli(), usd(1));
    utc.record(A, Instant.parse("2026-11-30T17:00:00Z").toEpochMilli(), usd(2));
    assertThat(shanghai.currentMonth().toString()).isEqualTo("2026-12");
    assertThat(shanghai.total(Map.of(), shanghai.monthToDate()).cost()).isEqualTo(2);
    assertThat(shanghai.total(Map.of(), shanghai.today()).cost()).isEqualTo(2);
    assertThat(utc.total(Map.of(), utc.monthToDate()).cost()).isEqualTo(3);
  }

  @Test
  void drainedRowsRestoreTheSameTotals() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-10T12:30:00Z"));
    CostLedger l = new CostLedger(clock, ZoneOffset.UTC);
    for (int i = 0; i < 50; i++) {
      l.record(i % 2 == 0 ? A : B, clock.millis() - i * 3_600_000L, usd(0.25 * i));
    }
    List<CostLedger.Row> rows = l.drainDirty();
    assertThat(l.drainDirty()).isEmpty();
    CostLedger restored = new CostLedger(clock, ZoneOffset.UTC);
    restored.restore(rows);
    for (Duration w :
        List.of(
            Duration.ofMinutes(5), Duration.ofHours(6), Duration.ofDays(2), Duration.ofDays(31))) {
      assertThat(restored.total(Map.of(), restored.window(w)))
          .isEqualTo(l.total(Map.of(), l.window(w)));
    }
    assertThat(restored.total(Map.of(), restored.monthToDate()))
        .isEqualTo(l.total(Map.of(), l.monthToDate()));
    assertThat(restored.forecastMonth(Map.of())).isEqualTo(l.forecastMonth(Map.of()));
  }

  @Test
  void oldBucketsArePruned() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-10T12:30:00Z"));
    CostLedger l = new CostLedger(clock, ZoneOffset.UTC);
    l.record(A, clock.millis(), usd(1));
    clock.advance(Duration.ofDays(40));
    Map<CostLedger.Grain, Long> oldest = l.prune();
    assertThat(l.total(Map.of(), l.window(Duration.ofDays(31))).cost()).isZero();
    assertThat(l.total(Map.of(), l.last(CostLedger.Grain.DAY, 60)).cost()).isEqualTo(1);
    assertThat(oldest.get(CostLedger.Grain.MINUTE))
        .isEqualTo(l.bucket(CostLedger.Grain.MINUTE, clock.millis()) - 359);
  }
}
