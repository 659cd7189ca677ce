package dev.tollgate.sidecar.costs;

import dev.tollgate.sidecar.aggregate.Dimension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Call costs summed per {@link CostKey} at four grains: minutes (the last 6 hours, for short
 * windows and alert rules), hours (the last 32 days, for windows up to 31 days), days (400 days:
 * daily budgets, daily series) and months (10 years: month to date, monthly budgets). Days and
 * months are calendar days and months in the configured time zone. Every changed bucket is handed
 * to the store by {@link #drainDirty()}, and {@link #restore} loads them back at start, so totals
 * survive a restart. Pure Java with an injected clock; one lock.
 */
public final class CostLedger {
  /** A bucket size. */
  public enum Grain {
    MINUTE("minute", 6 * 60),
    HOUR("hour", 32 * 24),
    DAY("day", 400),
    MONTH("month", 120);

    private final String label;
    private final long kept;

    Grain(String label, long kept) {
      this.label = label;
      this.kept = kept;
    }

    public String label() {
      return label;
    }

    /** How many buckets (the current one included) are kept in memory and on disk. */
    public long kept() {
      return kept;
    }

    public static Grain parse(String s) {
      for (Grain g : values()) {
        if (g.label.equals(s)) {
          return g;
        }
      }
      throw new IllegalArgumentException("unknown grain " + s);
    }
  }

  /** The longest window answered from minute buckets; longer ones use hours. */
  public static final Duration MINUTE_WINDOWS = Duration.ofHours(6);

  /** The longest window answered at all (from hour buckets). */
  public static final Duration MAX_WINDOW = Duration.ofDays(31);

  /** A stored bucket: what the store writes and {@link #restore} reads. */
  public record Row(Grain grain, long bucket, CostKey key, CostTotals totals) {}

  /** A range of buckets of one grain, both ends included. */
  public record Span(Grain grain, long from, long to) {}

  private static final class Sums {
    double cost;
    double estimated;
    double reported;
    double driftOver;
    double driftUnder;
    long calls;
    long unpriced;
    long noPrice;
    long unknownUsage;
    long noRate;
    boolean dirty;

    void add(CallCost c) {
      calls++;
      if (!c.isPriced()) {
        unpriced++;
        switch (c.unpriced()) {
          case NO_PRICE -> noPrice++;
          case UNKNOWN_USAGE -> unknownUsage++;
          case NO_EXCHANGE_RATE -> noRate++;
        }
        return;
      }
      cost += c.costUsd();
      if (!Double.isNaN(c.estimatedUsd())) {
        estimated += c.estimatedUsd();
      }
      if (!Double.isNaN(c.reportedUsd())) {
        reported += c.reportedUsd();
      }
      if (c.hasDrift()) {
        double d = c.reportedUsd() - c.estimatedUsd();
        if (d > 0) {
          driftOver += d;
        } else {
          driftUnder -= d;
        }
      }
    }

    void add(CostTotals t) {
      cost += t.cost();
      estimated += t.estimated();
      reported += t.reported();
      driftOver += t.driftOver();
      driftUnder += t.driftUnder();
      calls += t.calls();
      unpriced += t.unpriced();
      noPrice += t.noPrice();
      unknownUsage += t.unknownUsage();
      noRate += t.noRate();
    }

    CostTotals totals() {
      return new CostTotals(
          cost,
          estimated,
          reported,
          driftOver,
          driftUnder,
          calls,
          unpriced,
          noPrice,
          unknownUsage,
          noRate);
    }
  }

  private record Dirty(Grain grain, long bucket, CostKey key, Sums sums) {}

  private final Clock clock;
  private final ZoneId zone;
  private final EnumMap<Grain, HashMap<Long, HashMap<CostKey, Sums>>> buckets =
      new EnumMap<>(Grain.class);
  private List<Dirty> dirty = new ArrayList<>();
  private long firstSeenMillis = Long.MAX_VALUE;

  public CostLedger(Clock clock, ZoneId zone) {
    this.clock = clock;
    this.zone = zone;
    for (Grain g : Grain.values()) {
      buckets.put(g, new HashMap<>());
    }
  }

  public ZoneId zone() {
    return zone;
  }

  // ---------------------------------------------------------------------------------------------
  // Buckets and time.

  /** The bucket of {@code grain} holding the instant {@code millis}. */
  public long bucket(Grain grain, long millis) {
    return switch (grain) {
      case MINUTE -> Math.floorDiv(millis, 60_000L);
      case HOUR -> Math.floorDiv(millis, 3_600_000L);
      case DAY -> LocalDate.ofInstant(Instant.ofEpochMilli(millis), zone).toEpochDay();
      case MONTH -> {
        LocalDate d = LocalDate.ofInstant(Instant.ofEpochMilli(millis), zone);
        yield (d.getYear() - 1970L) * 12 + d.getMonthValue() - 1;
      }
    };
  }

  /** When a bucket starts, in epoch milliseconds. */
  public long start(Grain grain, long bucket) {
    return switch (grain) {
      case MINUTE -> bucket * 60_000L;
      case HOUR -> bucket * 3_600_000L;
      case DAY -> LocalDate.ofEpochDay(bucket).atStartOfDay(zone).toInstant().toEpochMilli();
      case MONTH -> month(bucket).atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
    };
  }

  private static YearMonth month(long bucket) {
    return YearMonth.of(
        (int) (1970 + Math.floorDiv(bucket, 12)), (int) Math.floorMod(bucket, 12) + 1);
  }

  private long now() {
    return clock.millis();
  }

  /**
   * The buckets covering the last {@code window}: minutes up to {@link #MINUTE_WINDOWS} (the
   * current minute and the N-1 before it), hours beyond, up to {@link #MAX_WINDOW}.
   */
  public Span window(Duration window) {
    long now = now();
    if (window.compareTo(MINUTE_WINDOWS) <= 0) {
      long n = Math.max(1, window.toMinutes());
      long m = bucket(Grain.MINUTE, now);
      return new Span(Grain.MINUTE, m - n + 1, m);
    }
    long hours = Math.min(MAX_WINDOW.toHours(), (window.toMinutes() + 59) / 60);
    long h = bucket(Grain.HOUR, now);
    return new Span(Grain.HOUR, h - hours + 1, h);
  }

  /** The current calendar month so far. */
  public Span monthToDate() {
    long b = bucket(Grain.MONTH, now());
    return new Span(Grain.MONTH, b, b);
  }

  /** The current calendar month, in the ledger's zone. */
  public YearMonth currentMonth() {
    return month(bucket(Grain.MONTH, now()));
  }

  /** The current calendar day so far. */
  public Span today() {
    long b = bucket(Grain.DAY, now());
    return new Span(Grain.DAY, b, b);
  }

  /** The last {@code n} buckets of {@code grain}, the current one included. */
  public Span last(Grain grain, long n) {
    long b = bucket(grain, now());
    return new Span(grain, b - Math.max(1, Math.min(n, grain.kept())) + 1, b);
  }

  // ---------------------------------------------------------------------------------------------
  // Recording.

  /** Adds one call, counted at {@code endMillis} (clamped to now; 0 means now). */
  public synchronized void record(CostKey key, long endMillis, CallCost cost) {
    if (cost.basis() == CallCost.Basis.NOT_SENT) {
      return;
    }
    long now = now();
    long t = endMillis <= 0 || endMillis > now ? now : endMillis;
    long hourStart = start(Grain.HOUR, bucket(Grain.HOUR, t));
    if (hourStart < firstSeenMillis) {
      firstSeenMillis = hourStart; // to the hour, as restored from hour buckets
    }
    for (Grain g : Grain.values()) {
      long b = bucket(g, t);
      if (b <= bucket(g, now) - g.kept()) {
        continue; // older than this grain keeps
      }
      Sums s =
          buckets
              .get(g)
              .computeIfAbsent(b, x -> new HashMap<>())
              .computeIfAbsent(key, x -> new Sums());
      s.add(cost);
      if (!s.dirty) {
        s.dirty = true;
        dirty.add(new Dirty(g, b, key, s));
      }
    }
  }

  /** Buckets changed since the last call, for the store. */
  public synchronized List<Row> drainDirty() {
    List<Row> out = new ArrayList<>(dirty.size());
    for (Dirty d : dirty) {
      d.sums().dirty = false;
      out.add(new Row(d.grain(), d.bucket(), d.key(), d.sums().totals()));
    }
    dirty = new ArrayList<>();
    return out;
  }

  /** Loads stored buckets (at start); buckets past a grain's horizon are ignored. */
  public synchronized void restore(Collection<Row> rows) {
    long now = now();
    for (Row r : rows) {
      if (r.bucket() <= bucket(r.grain(), now) - r.grain().kept()) {
        continue;
      }
      buckets
          .get(r.grain())
          .computeIfAbsent(r.bucket(), x -> new HashMap<>())
          .computeIfAbsent(r.key(), x -> new Sums())
          .add(r.totals());
      if (r.grain() == Grain.HOUR) {
        firstSeenMillis = Math.min(firstSeenMillis, start(Grain.HOUR, r.bucket()));
      } else if (r.grain() == Grain.DAY) {
        // Days older than the hours kept: their data predates any month start the hours cover.
        long end = start(Grain.DAY, r.bucket() + 1);
        if (end <= now - Grain.HOUR.kept() * 3_600_000L) {
          firstSeenMillis = Math.min(firstSeenMillis, start(Grain.DAY, r.bucket()));
        }
      }
    }
  }

  /** Drops buckets past each grain's horizon; returns, per grain, the oldest bucket kept. */
  public synchronized Map<Grain, Long> prune() {
    long now = now();
    Map<Grain, Long> oldest = new EnumMap<>(Grain.class);
    for (Grain g : Grain.values()) {
      long keepFrom = bucket(g, now) - g.kept() + 1;
      oldest.put(g, keepFrom);
      for (Iterator<Long> it = buckets.get(g).keySet().iterator(); it.hasNext(); ) {
        if (it.next() < keepFrom) {
          it.remove();
        }
      }
    }
    return oldest;
  }

  // ---------------------------------------------------------------------------------------------
  // Queries.

  /** Totals over a span for the keys matching {@code filter} (dimension -> exact value). */
  public synchronized CostTotals total(Map<Dimension, String> filter, Span span) {
    Sums s = new Sums();
    HashMap<Long, HashMap<CostKey, Sums>> grain = buckets.get(span.grain());
    for (long b = span.from(); b <= span.to(); b++) {
      HashMap<CostKey, Sums> keys = grain.get(b);
      if (keys != null) {
        for (Map.Entry<CostKey, Sums> e : keys.entrySet()) {
          if (matches(e.getKey(), filter)) {
            s.add(e.getValue().totals());
          }
        }
      }
    }
    return s.totals();
  }

  /**
   * Totals per combination of values of {@code by} (in that order), for the keys matching {@code
   * filter}; ordered by cost, highest first.
   */
  public synchronized Map<List<String>, CostTotals> groups(
      Map<Dimension, String> filter, List<Dimension> by, Span span) {
    Map<List<String>, Sums> out = new HashMap<>();
    HashMap<Long, HashMap<CostKey, Sums>> grain = buckets.get(span.grain());
    for (long b = span.from(); b <= span.to(); b++) {
      HashMap<CostKey, Sums> keys = grain.get(b);
      if (keys == null) {
        continue;
      }
      for (Map.Entry<CostKey, Sums> e : keys.entrySet()) {
        CostKey k = e.getKey();
        if (!matches(k, filter)) {
          continue;
        }
        List<String> group = new ArrayList<>(by.size());
        for (Dimension d : by) {
          group.add(k.get(d));
        }
        out.computeIfAbsent(group, x -> new Sums()).add(e.getValue().totals());
      }
    }
    List<Map.Entry<List<String>, CostTotals>> rows = new ArrayList<>();
    out.forEach((k, v) -> rows.add(Map.entry(List.copyOf(k), v.totals())));
    rows.sort(
        (a, b) -> {
          int c = Double.compare(b.getValue().cost(), a.getValue().cost());
          if (c != 0) {
            return c;
          }
          c = Long.compare(b.getValue().calls(), a.getValue().calls());
          return c != 0 ? c : a.getKey().toString().compareTo(b.getKey().toString());
        });
    Map<List<String>, CostTotals> sorted = new LinkedHashMap<>();
    rows.forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /** One point per bucket of the span, oldest first: (bucket start millis, totals). */
  public synchronized List<Map.Entry<Long, CostTotals>> series(
      Map<Dimension, String> filter, Span span) {
    List<Map.Entry<Long, CostTotals>> out = new ArrayList<>();
    for (long b = span.from(); b <= span.to(); b++) {
      out.add(Map.entry(start(span.grain(), b), total(filter, new Span(span.grain(), b, b))));
    }
    return out;
  }

  /**
   * A linear forecast of the current month's cost: month to date plus the rate observed so far
   * times the time left. "So far" starts at the month's start, or at the hour of the first call the
   * ledger ever saw when that is later (a sidecar installed mid-month does not dilute the rate); at
   * least one hour, so the first minutes of a month do not explode the figure.
   */
  public synchronized double forecastMonth(Map<Dimension, String> filter) {
    long now = now();
    long month = bucket(Grain.MONTH, now);
    long start = start(Grain.MONTH, month);
    long end = start(Grain.MONTH, month + 1);
    double mtd = total(filter, new Span(Grain.MONTH, month, month)).cost();
    long observedFrom = Math.max(start, firstSeenMillis == Long.MAX_VALUE ? now : firstSeenMillis);
    long observed = Math.max(3_600_000L, now - observedFrom);
    return mtd + mtd / observed * Math.max(0, end - now);
  }

  /** Same as {@link #forecastMonth} for a daily period: today so far, extended to midnight. */
  public synchronized double forecastDay(Map<Dimension, String> filter) {
    long now = now();
    long day = bucket(Grain.DAY, now);
    long start = start(Grain.DAY, day);
    long end = start(Grain.DAY, day + 1);
    double today = total(filter, new Span(Grain.DAY, day, day)).cost();
    long observedFrom = Math.max(start, firstSeenMillis == Long.MAX_VALUE ? now : firstSeenMillis);
    long observed = Math.max(3_600_000L, now - observedFrom);
    return today + today / observed * Math.max(0, end - now);
  }

  private static boolean matches(CostKey k, Map<Dimension, String> filter) {
    for (Map.Entry<Dimension, String> e : filter.entrySet()) {
      if (!k.get(e.getKey()).equals(e.getValue())) {
        return false;
      }
    }
    return true;
  }
}
