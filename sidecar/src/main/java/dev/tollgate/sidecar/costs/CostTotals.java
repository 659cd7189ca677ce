package dev.tollgate.sidecar.costs;

/**
 * Sums of call costs over some calls. Amounts in USD.
 *
 * @param cost what the calls cost: reported prices where Dify gave them, estimates elsewhere;
 *     unpriced calls add nothing (they are counted in {@link #unpriced})
 * @param estimated the table estimates, for every call that had one (reported or not)
 * @param reported the reported (Dify) prices, converted to USD
 * @param driftOver the sum of (reported - estimated) over calls where the report was higher
 * @param driftUnder the sum of (estimated - reported) over calls where the report was lower
 * @param calls calls counted (controller rejections excluded: never sent)
 * @param unpriced calls whose cost is unknown
 * @param noPrice unpriced because no price matched the model
 * @param unknownUsage unpriced because the tokens were unknown
 * @param noRate unpriced because a reported price's currency has no exchange rate
 */
public record CostTotals(
    double cost,
    double estimated,
    double reported,
    double driftOver,
    double driftUnder,
    long calls,
    long unpriced,
    long noPrice,
    long unknownUsage,
    long noRate) {

  public static final CostTotals ZERO = new CostTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** reported - estimated, over the calls that had both. */
  public double drift() {
    return driftOver - driftUnder;
  }

  public CostTotals plus(CostTotals o) {
    return new CostTotals(
        cost + o.cost,
        estimated + o.estimated,
        reported + o.reported,
        driftOver + o.driftOver,
        driftUnder + o.driftUnder,
        calls + o.calls,
        unpriced + o.unpriced,
        noPrice + o.noPrice,
        unknownUsage + o.unknownUsage,
        noRate + o.noRate);
  }
}
