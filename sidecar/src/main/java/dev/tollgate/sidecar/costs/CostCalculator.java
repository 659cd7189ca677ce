package dev.tollgate.sidecar.costs;

import dev.tollgate.conventions.GenAi;
import dev.tollgate.sidecar.aggregate.CallRecord;

/**
 * Prices one call. Pure: the same call and book give the same cost.
 *
 * <p>Token semantics are the agent's (and the GenAI conventions'): input tokens include cache reads
 * and cache writes, output tokens include reasoning. So:
 *
 * <pre>
 *   fresh input = input - cache_read - cache_write
 *   cost = fresh input x input rate
 *        + cache_read  x cache_read_input_token_cost      (input rate when the table has none)
 *        + cache_write x cache_creation_input_token_cost  (input rate when the table has none)
 *        + output      x output rate                      (reasoning included), or, when the
 *          table prices reasoning separately (output_cost_per_reasoning_token):
 *          (output - reasoning) x output rate + reasoning x reasoning rate
 * </pre>
 *
 * A cache count that is absent counts as 0 (all input fresh). When the cache counts exceed the
 * input, the source evidently reported input without them (Anthropic's raw semantics from another
 * instrumentation) and all of input is taken as fresh. Embeddings need no output count. Context
 * tiers ({@code *_above_200k_tokens}) replace the base rates for the whole call when input exceeds
 * the threshold, as the providers bill. Streaming makes no difference.
 */
public final class CostCalculator {
  private final PriceBook book;

  public CostCalculator(PriceBook book) {
    this.book = book;
  }

  public PriceBook book() {
    return book;
  }

  public CallCost cost(CallRecord c) {
    if (c.rejectedBy() != null) {
      return CallCost.NOT_SENT_COST;
    }
    boolean noUsage =
        c.inputTokens() == CallRecord.UNKNOWN && c.outputTokens() == CallRecord.UNKNOWN;
    boolean reportedPrice = c.difyTotalPrice() != null && c.difyTotalPrice().signum() > 0;
    if (c.isError() && noUsage && !reportedPrice && notBilled(c.errorType())) {
      return new CallCost(CallCost.Basis.NOT_BILLED, 0, Double.NaN, Double.NaN, null, null);
    }
    PriceBook.Resolution r =
        book.resolve(c.endpoint(), c.provider(), c.requestModel(), c.responseModel());
    double estimate = Double.NaN;
    if (r.found()) {
      estimate = estimate(r.price(), c);
    }
    String key = r.found() ? r.price().key() : null;
    double reported = Double.NaN;
    if (reportedPrice) {
      reported = book.toUsd(c.difyTotalPrice(), c.difyCurrency());
    }
    if (!Double.isNaN(reported)) {
      return new CallCost(CallCost.Basis.REPORTED, reported, estimate, reported, null, key);
    }
    if (!Double.isNaN(estimate)) {
      return new CallCost(CallCost.Basis.ESTIMATED, estimate, estimate, Double.NaN, null, key);
    }
    CallCost.Unpriced why;
    if (reportedPrice) {
      why = CallCost.Unpriced.NO_EXCHANGE_RATE;
    } else if (!r.found()) {
      why = CallCost.Unpriced.NO_PRICE;
    } else {
      why = CallCost.Unpriced.UNKNOWN_USAGE;
    }
    return new CallCost(CallCost.Basis.UNPRICED, Double.NaN, Double.NaN, Double.NaN, why, key);
  }

  /**
   * Errors after which the provider generated nothing: an HTTP error status (the request was
   * refused or failed before any token) or a connection that never opened. Timeouts, truncated
   * streams and error events inside a stream may well have been billed: they stay unpriced when
   * their usage is unknown.
   */
  static boolean notBilled(String errorType) {
    if (errorType.equals("connect_error")) {
      return true;
    }
    if (errorType.length() != 3) {
      return false;
    }
    for (int i = 0; i < 3; i++) {
      if (!Character.isDigit(errorType.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** The table estimate in USD, or NaN when the call's tokens do not allow one. */
  static double estimate(Price p, CallRecord c) {
    boolean embedding = GenAi.OP_EMBEDDINGS.equals(c.operation()) || p.isEmbedding();
    long input = c.inputTokens();
    long output = c.outputTokens();
    if (input < 0 || output < 0 && !embedding) {
      return Double.NaN;
    }
    long cacheRead = Math.max(0, c.cacheReadTokens());
    long cacheWrite = Math.max(0, c.cacheWriteTokens());
    long reasoning = Math.max(0, c.reasoningTokens());

    double inRate = p.input();
    double outRate = p.output();
    double readRate = p.cacheRead();
    double writeRate = p.cacheWrite();
    long fresh = input - cacheRead - cacheWrite;
    long promptSize = input;
    if (fresh < 0) {
      fresh = input;
      promptSize = input + cacheRead + cacheWrite;
    }
    for (Price.Tier t : p.tiers()) {
      if (promptSize > t.aboveTokens()) {
        inRate = orElse(t.input(), inRate);
        outRate = orElse(t.output(), outRate);
        readRate = orElse(t.cacheRead(), readRate);
        writeRate = orElse(t.cacheWrite(), writeRate);
      }
    }
    readRate = orElse(readRate, inRate);
    writeRate = orElse(writeRate, inRate);
    double cost = fresh * inRate + cacheRead * readRate + cacheWrite * writeRate;
    if (output > 0) {
      double o = Double.isNaN(outRate) ? 0 : outRate;
      if (!Double.isNaN(p.reasoning()) && reasoning > 0) {
        long visible = reasoning <= output ? output - reasoning : output;
        cost += visible * o + reasoning * p.reasoning();
      } else {
        cost += output * o;
      }
    }
    return cost;
  }

  private static double orElse(double v, double fallback) {
    return Double.isNaN(v) ? fallback : v;
  }
}
