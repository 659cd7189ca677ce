package dev.tollgate.sidecar.costs;

import java.util.ArrayList;
import java.util.List;

/** The configured budgets and how much of each is spent, from the {@link CostLedger}. */
public final class Budgets {
  /**
   * One budget now.
   *
   * @param spentUsd cost so far in the current period (unpriced calls add nothing)
   * @param usedRatio spent / limit
   * @param forecastUsd linear forecast to the period's end
   * @param unpricedCalls calls in the period whose cost is unknown: the spend may be higher
   * @param periodStartMillis start of the current day or month
   * @param periodEndMillis its end (exclusive)
   */
  public record Status(
      Budget budget,
      double spentUsd,
      double usedRatio,
      double forecastUsd,
      long unpricedCalls,
      long periodStartMillis,
      long periodEndMillis) {}

  private final List<Budget> budgets;
  private final CostLedger ledger;

  public Budgets(List<Budget> budgets, CostLedger ledger) {
    this.budgets = List.copyOf(budgets);
    this.ledger = ledger;
  }

  public List<Budget> all() {
    return budgets;
  }

  public List<Status> status() {
    List<Status> out = new ArrayList<>(budgets.size());
    for (Budget b : budgets) {
      out.add(status(b));
    }
    return out;
  }

  public Status status(Budget b) {
    CostLedger.Span span =
        b.period() == Budget.Period.DAILY ? ledger.today() : ledger.monthToDate();
    CostTotals t = ledger.total(b.scope(), span);
    double forecast =
        b.period() == Budget.Period.DAILY
            ? ledger.forecastDay(b.scope())
            : ledger.forecastMonth(b.scope());
    return new Status(
        b,
        t.cost(),
        b.limitUsd() > 0 ? t.cost() / b.limitUsd() : 0,
        forecast,
        t.unpriced(),
        ledger.start(span.grain(), span.from()),
        ledger.start(span.grain(), span.from() + 1));
  }
}
