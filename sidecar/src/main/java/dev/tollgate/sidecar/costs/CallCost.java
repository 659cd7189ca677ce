package dev.tollgate.sidecar.costs;

/**
 * What one call cost, and on what basis. Amounts are USD; an amount that is not known is NaN.
 *
 * @param basis how {@link #costUsd} was arrived at
 * @param costUsd the call's cost: the reported price when Dify gave one, else the estimate; 0 for
 *     {@link Basis#NOT_BILLED} and {@link Basis#NOT_SENT}; NaN when {@link Basis#UNPRICED}
 * @param estimatedUsd the estimate from the price table, kept beside a reported price; NaN when it
 *     could not be made
 * @param reportedUsd Dify's {@code total_price}, converted to USD; NaN when none
 * @param unpriced why the call has no cost; null unless {@link Basis#UNPRICED}
 * @param priceKey the table key of the price used for the estimate; null when none
 */
public record CallCost(
    Basis basis,
    double costUsd,
    double estimatedUsd,
    double reportedUsd,
    Unpriced unpriced,
    String priceKey) {

  public enum Basis {
    /** From the price table and the call's tokens. */
    ESTIMATED,
    /** Dify's reported price (the estimate, when it could be made, is kept beside it). */
    REPORTED,
    /**
     * An error answered before anything was generated (an HTTP error status, a refused connection).
     */
    NOT_BILLED,
    /** Rejected by the agent's controller: never sent. Not counted as a call for costs. */
    NOT_SENT,
    /** The cost is unknown: see {@link Unpriced}. Never counted as zero. */
    UNPRICED
  }

  public enum Unpriced {
    /** No price matched the model (or the call named no model). */
    NO_PRICE("no_price"),
    /** The price is known but the tokens are not (a stream without usage, a cut-off stream). */
    UNKNOWN_USAGE("unknown_usage"),
    /** Dify reported a price in a currency with no configured exchange rate, and no estimate. */
    NO_EXCHANGE_RATE("no_exchange_rate");

    private final String label;

    Unpriced(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  static final CallCost NOT_SENT_COST =
      new CallCost(Basis.NOT_SENT, 0, Double.NaN, Double.NaN, null, null);

  public boolean isPriced() {
    return basis != Basis.UNPRICED;
  }

  /** True when both a reported price and an estimate exist, so their difference means something. */
  public boolean hasDrift() {
    return basis == Basis.REPORTED && !Double.isNaN(estimatedUsd);
  }
}
