package dev.tollgate.sidecar.costs;

import dev.tollgate.sidecar.aggregate.CallListener;
import dev.tollgate.sidecar.aggregate.CallRecord;
import dev.tollgate.sidecar.aggregate.SeriesKey;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Prices every ingested call and books it in the {@link CostLedger}; then tells its listeners (the
 * Prometheus exporter). Runs on the ingest thread, after aggregation.
 */
public final class CostService implements CallListener {
  /** Told of every priced (or unpriced) call. */
  @FunctionalInterface
  public interface CostListener {
    void onCost(CallRecord call, CostKey key, CallCost cost);
  }

  private final CostCalculator calculator;
  private final CostLedger ledger;
  private final List<CostListener> listeners = new CopyOnWriteArrayList<>();

  public CostService(CostCalculator calculator, CostLedger ledger) {
    this.calculator = calculator;
    this.ledger = ledger;
  }

  public void addListener(CostListener l) {
    listeners.add(l);
  }

  public CostCalculator calculator() {
    return calculator;
  }

  public CostLedger ledger() {
    return ledger;
  }

  @Override
  public void onCall(CallRecord call, SeriesKey series) {
    CallCost cost = calculator.cost(call);
    if (cost.basis() == CallCost.Basis.NOT_SENT) {
      return;
    }
    CostKey key = CostKey.of(series);
    ledger.record(key, call.endEpochNanos() / 1_000_000L, cost);
    for (CostListener l : listeners) {
      l.onCost(call, key, cost);
    }
  }
}
