package dev.tollgate.sidecar.store;

import dev.tollgate.sidecar.costs.CostKey;
import dev.tollgate.sidecar.costs.CostLedger;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moves changed cost buckets from the ledger to SQLite, keeping a failed batch for the next try (a
 * newer snapshot of the same bucket replaces an older one), and prunes old buckets.
 */
public final class CostFlusher {
  private static final Logger LOG = Logger.getLogger(CostFlusher.class.getName());

  private record RowKey(CostLedger.Grain grain, long bucket, CostKey key) {}

  private final CostLedger ledger;
  private final CostStore store;
  private final Map<RowKey, CostLedger.Row> pending = new LinkedHashMap<>();
  private long failures;

  public CostFlusher(CostLedger ledger, CostStore store) {
    this.ledger = ledger;
    this.store = store;
  }

  /** Loads the buckets each grain still keeps into the ledger (at start). */
  public void restore(long nowMillis) throws SQLException {
    Map<CostLedger.Grain, Long> from = new LinkedHashMap<>();
    for (CostLedger.Grain g : CostLedger.Grain.values()) {
      from.put(g, ledger.bucket(g, nowMillis) - g.kept() + 1);
    }
    ledger.restore(store.load(from));
  }

  public synchronized boolean flush() {
    for (CostLedger.Row r : ledger.drainDirty()) {
      pending.put(new RowKey(r.grain(), r.bucket(), r.key()), r);
    }
    if (pending.isEmpty()) {
      return true;
    }
    List<CostLedger.Row> batch = new ArrayList<>(pending.values());
    try {
      store.write(batch);
      pending.clear();
      return true;
    } catch (SQLException | RuntimeException e) {
      failures++;
      LOG.log(Level.WARNING, "writing " + batch.size() + " cost buckets failed; will retry", e);
      return false;
    }
  }

  public synchronized void prune() {
    try {
      store.deleteBefore(ledger.prune());
    } catch (SQLException | RuntimeException e) {
      failures++;
      LOG.log(Level.WARNING, "pruning old cost buckets failed", e);
    }
  }

  public synchronized long failures() {
    return failures;
  }
}
