package dev.tollgate.sidecar.aggregate;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Per-minute rollups per series, kept in memory for a sliding horizon (a day by default), and the
 * queries over them. Pure Java: time comes from the {@link Clock} and from the calls' own span
 * timestamps, so tests need no sleeping and no sockets.
 *
 * <p>A window of N minutes covers the current (partial) minute and the N-1 whole minutes before
 * it. A call is counted in the minute its span ended; a span stamped in the future counts now,
 * one older than the horizon is dropped (and counted in {@link #droppedTooOld()}).
 *
 * <p>Cardinality: at most {@code maxSeries} distinct series are kept; calls of any further series
 * go to {@link SeriesKey#OTHER} and are counted in {@link #foldedCalls()}. A series with no data
 * left in memory is forgotten by {@link #evictIdle()}, which frees its place.
 *
 * <p>One lock guards everything: a batch of spans is recorded under it, a query reads under it.
 * Both take well under a millisecond for ordinary sizes, and ingest threads are few.
 */
public final class Aggregator {
  /** Distinct error types (and limiter names) kept before the rest count as {@code _OTHER}. */
  static final int VOCABULARY_LIMIT = 64;

  static final String OTHER_TYPE = "_OTHER";
  private static final long NANOS_PER_MINUTE = 60_000_000_000L;

  private final Clock clock;
  private final int maxSeries;
  private final int horizon;
  private final Slot[] ring;
  private final Map<SeriesKey, Series> series = new HashMap<>();
  private final Set<String> errorTypes = new HashSet<>();
  private final Set<String> limiters = new HashSet<>();
  private List<Rollup> dirty = new ArrayList<>();
  private long foldedCalls;
  private long droppedTooOld;

  /**
   * @param maxSeries series kept before folding into {@link SeriesKey#OTHER}
   * @param memoryWindow how far back data is kept in memory; the longest window a query may ask
   */
  public Aggregator(Clock clock, int maxSeries, Duration memoryWindow) {
    if (maxSeries < 1) {
      throw new IllegalArgumentException("maxSeries must be at least 1");
    }
    this.clock = clock;
    this.maxSeries = maxSeries;
    this.horizon = (int) Math.max(2, memoryWindow.toMinutes() + 1);
    this.ring = new Slot[horizon];
    for (int i = 0; i < horizon; i++) {
      ring[i] = new Slot();
    }
  }

  /** The longest window a query can answer. */
  public Duration maxWindow() {
    return Duration.ofMinutes(horizon - 1);
  }

  private long nowMinute() {
    return Math.floorDiv(clock.millis(), 60_000L);
  }

  /** Records one call; returns its series, or null when it was too old to keep. */
  public SeriesKey record(CallRecord call) {
    return recordAll(List.of(call))[0];
  }

  /**
   * Records a batch of calls atomically (one lock) and returns, for each, the series it was
   * counted under, or null when it was dropped as too old.
   */
  public synchronized SeriesKey[] recordAll(List<CallRecord> calls) {
    long now = nowMinute();
    SeriesKey[] out = new SeriesKey[calls.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = recordLocked(calls.get(i), now);
    }
    return out;
  }

  private SeriesKey recordLocked(CallRecord c, long now) {
    long minute = c.endEpochNanos() > 0 ? Math.floorDiv(c.endEpochNanos(), NANOS_PER_MINUTE) : now;
    if (minute > now) {
      minute = now;
    } else if (minute <= now - horizon + 1) {
      droppedTooOld++;
      return null;
    }
    Series s = series(SeriesKey.of(c), true);
    Rollup r = rollup(s, minute);
    r.add(c, vocabulary(errorTypes, c.errorType()), vocabulary(limiters, c.rejectedBy()));
    markDirty(r);
    return s.key;
  }

  private Series series(SeriesKey key, boolean countFold) {
    Series s = series.get(key);
    if (s == null) {
      int real = series.size() - (series.containsKey(SeriesKey.OTHER) ? 1 : 0);
      if (real >= maxSeries && !key.equals(SeriesKey.OTHER)) {
        key = SeriesKey.OTHER;
        if (countFold) {
          foldedCalls++;
        }
        s = series.get(key);
      }
      if (s == null) {
        s = new Series(key);
        series.put(key, s);
      }
    }
    return s;
  }

  private Rollup rollup(Series s, long minute) {
    Rollup latest = s.latest;
    if (latest != null && latest.minute == minute) {
      return latest;
    }
    Slot slot = ring[(int) Math.floorMod(minute, (long) horizon)];
    if (slot.minute != minute) {
      slot.minute = minute;
      slot.rollups = new HashMap<>();
    }
    Rollup r = slot.rollups.get(s.key);
    if (r == null) {
      r = new Rollup(s.key, minute);
      slot.rollups.put(s.key, r);
    }
    if (minute >= s.lastMinute) {
      s.lastMinute = minute;
      s.latest = r;
    }
    return r;
  }

  private void markDirty(Rollup r) {
    if (!r.dirty) {
      r.dirty = true;
      dirty.add(r);
    }
  }

  private static String vocabulary(Set<String> known, String value) {
    if (value == null) {
      return null;
    }
    if (known.contains(value)) {
      return value;
    }
    if (known.size() >= VOCABULARY_LIMIT || value.length() > SeriesKey.MAX_VALUE_LENGTH) {
      return OTHER_TYPE;
    }
    known.add(value);
    return value;
  }

  // ---------------------------------------------------------------------------------------------
  // Queries.

  /** Figures for the series matching {@code filter} over the last {@code window}. */
  public synchronized Stats query(Filter filter, Duration window) {
    Stats.Builder b = new Stats.Builder();
    long now = nowMinute();
    for (long m = now - minutes(window) + 1; m <= now; m++) {
      Slot slot = slotAt(m);
      if (slot != null) {
        for (Rollup r : slot.rollups.values()) {
          if (filter.matches(r.key)) {
            b.add(r);
          }
        }
      }
    }
    return b.build();
  }

  /** Figures per value of {@code by}, ordered by calls, most first. */
  public synchronized Map<String, Stats> breakdown(Filter filter, Dimension by, Duration window) {
    Map<String, Stats.Builder> groups = new HashMap<>();
    long now = nowMinute();
    for (long m = now - minutes(window) + 1; m <= now; m++) {
      Slot slot = slotAt(m);
      if (slot != null) {
        for (Rollup r : slot.rollups.values()) {
          if (filter.matches(r.key)) {
            groups.computeIfAbsent(r.key.get(by), k -> new Stats.Builder()).add(r);
          }
        }
      }
    }
    List<Map.Entry<String, Stats>> rows = new ArrayList<>();
    groups.forEach((k, v) -> rows.add(Map.entry(k, v.build())));
    rows.sort(
        (a, b) -> {
          int c = Long.compare(b.getValue().calls(), a.getValue().calls());
          return c != 0 ? c : a.getKey().compareTo(b.getKey());
        });
    Map<String, Stats> out = new LinkedHashMap<>();
    rows.forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** One point of a time series: the step starting at {@code startEpochMillis}. */
  public record Point(long startEpochMillis, Stats stats) {}

  /**
   * Figures per step over the last {@code window}; steps are aligned to multiples of the step
   * since the epoch, and the last one is the step in progress.
   */
  public synchronized List<Point> timeseries(Filter filter, Duration window, Duration step) {
    long now = nowMinute();
    long s = Math.max(1, step.toMinutes());
    long lastStart = Math.floorDiv(now, s) * s;
    long points = Math.max(1, (minutes(window) + s - 1) / s);
    List<Point> out = new ArrayList<>((int) points);
    for (long p = points - 1; p >= 0; p--) {
      long start = lastStart - p * s;
      Stats.Builder b = new Stats.Builder();
      for (long m = start; m < start + s && m <= now; m++) {
        Slot slot = slotAt(m);
        if (slot != null) {
          for (Rollup r : slot.rollups.values()) {
            if (filter.matches(r.key)) {
              b.add(r);
            }
          }
        }
      }
      out.add(new Point(start * 60_000L, b.build()));
    }
    return out;
  }

  private long minutes(Duration window) {
    return Math.max(1, Math.min(horizon - 1, window.toMinutes()));
  }

  private Slot slotAt(long minute) {
    Slot slot = ring[(int) Math.floorMod(minute, (long) horizon)];
    return slot.minute == minute ? slot : null;
  }

  // ---------------------------------------------------------------------------------------------
  // Persistence and housekeeping.

  /** Snapshots of every rollup changed since the last call; the store writes them. */
  public synchronized List<RollupSnapshot> drainDirty() {
    List<RollupSnapshot> out = new ArrayList<>(dirty.size());
    for (Rollup r : dirty) {
      r.dirty = false;
      out.add(r.snapshot());
    }
    dirty = new ArrayList<>();
    return out;
  }

  /** Loads stored rollups (at start); those older than the memory horizon are ignored. */
  public synchronized void restore(Collection<RollupSnapshot> snapshots) {
    long now = nowMinute();
    for (RollupSnapshot snap : snapshots) {
      if (snap.minute() > now || snap.minute() <= now - horizon + 1) {
        continue;
      }
      Series s = series(snap.key(), false);
      Rollup r = rollup(s, snap.minute());
      r.add(snap);
      if (!s.key.equals(snap.key())) {
        markDirty(r); // folded on reload: the "other" row now holds more than the store has
      }
    }
  }

  /** Forgets series with no data left in memory and returns them. */
  public synchronized List<SeriesKey> evictIdle() {
    long oldest = nowMinute() - horizon + 2; // the earliest minute a query can still see
    List<SeriesKey> out = new ArrayList<>();
    for (Iterator<Series> it = series.values().iterator(); it.hasNext(); ) {
      Series s = it.next();
      if (s.lastMinute < oldest) {
        it.remove();
        out.add(s.key);
      }
    }
    return out;
  }

  public synchronized int seriesCount() {
    return series.size();
  }

  public int maxSeries() {
    return maxSeries;
  }

  /** Calls counted under {@link SeriesKey#OTHER} because the series cap was reached. */
  public synchronized long foldedCalls() {
    return foldedCalls;
  }

  /** Calls dropped because their span ended before the memory horizon. */
  public synchronized long droppedTooOld() {
    return droppedTooOld;
  }

  /** Series with data in memory, sorted; for diagnostics and tests. */
  public synchronized List<SeriesKey> seriesKeys() {
    TreeMap<String, SeriesKey> sorted = new TreeMap<>();
    series.keySet().forEach(k -> sorted.put(k.toString(), k));
    return new ArrayList<>(sorted.values());
  }

  private static final class Series {
    final SeriesKey key;
    long lastMinute = Long.MIN_VALUE;
    Rollup latest;

    Series(SeriesKey key) {
      this.key = key;
    }
  }

  private static final class Slot {
    long minute = Long.MIN_VALUE;
    Map<SeriesKey, Rollup> rollups = Map.of();
  }
}
