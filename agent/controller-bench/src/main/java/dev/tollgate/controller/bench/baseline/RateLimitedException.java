package dev.tollgate.controller.bench.baseline;

import dev.tollgate.controller.Limiter;

/**
 * The call would have had to wait longer than {@code rate_limit.max_wait} for its turn under the
 * requests-per-second limit ({@link Limiter#REQUESTS}) or the tokens-per-minute budget ({@link
 * Limiter#TOKENS}).
 */
public final class RateLimitedException extends TollgateRejectedException {
  private static final long serialVersionUID = 1L;

  RateLimitedException(
      String message, String endpoint, String model, Limiter limiter, long retryAfterNanos) {
    super(message, endpoint, model, limiter, retryAfterNanos);
  }
}
