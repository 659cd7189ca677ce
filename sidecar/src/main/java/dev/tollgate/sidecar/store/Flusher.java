package dev.tollgate.sidecar.store;

import dev.tollgate.sidecar.aggregate.Aggregator;
import dev.tollgate.sidecar.aggregate.RollupSnapshot;
import dev.tollgate.sidecar.aggregate.SeriesKey;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moves changed rollups from the aggregator to the store in batches, and prunes rows past the
 * retention. A batch that fails to write is kept and retried (a newer snapshot of the same series
 * and minute replaces an older one), so a store outage delays persistence without losing it while
 * the process lives.
 */
public final class Flusher {
  private static final Logger LOG = Logger.getLogger(Flusher.class.getName());

  private record RowKey(long minute, SeriesKey key) {}

  private final Aggregator aggregator;
  private final RollupStore store;
  private final Clock clock;
  private final Duration retention;
  private final Map<RowKey, RollupSnapshot> pending = new LinkedHashMap<>();
  private final AtomicLong rowsWritten = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();

  public Flusher(Aggregator aggregator, RollupStore store, Clock clock, Duration retention) {
    this.aggregator = aggregator;
    this.store = store;
    this.clock = clock;
    this.retention = retention;
  }

  /** Writes everything changed since the last flush; true when the store took it all. */
  public synchronized boolean flush() {
    for (RollupSnapshot s : aggregator.drainDirty()) {
      pending.put(new RowKey(s.minute(), s.key()), s);
    }
    if (pending.isEmpty()) {
      return true;
    }
    List<RollupSnapshot> batch = new ArrayList<>(pending.values());
    try {
      store.write(batch);
      rowsWritten.addAndGet(batch.size());
      pending.clear();
      return true;
    } catch (SQLException | RuntimeException e) {
      failures.incrementAndGet();
      LOG.log(Level.WARNING, "writing " + batch.size() + " rollups failed; will retry", e);
      return false;
    }
  }

  /** Deletes rows older than the retention. */
  public synchronized void prune() {
    long oldest = Math.floorDiv(clock.millis(), 60_000L) - retention.toMinutes();
    try {
      int n = store.deleteBefore(oldest);
      if (n > 0) {
        LOG.fine(() -> "pruned " + n + " rollups");
      }
    } catch (SQLException | RuntimeException e) {
      failures.incrementAndGet();
      LOG.log(Level.WARNING, "pruning old rollups failed", e);
    }
  }

  public long rowsWritten() {
    return rowsWritten.get();
  }

  public long failures() {
    return failures.get();
  }

  /** Rollups waiting for the next successful write. */
  public synchronized int pendingRows() {
    return pending.size();
  }
}
