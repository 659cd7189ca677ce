package dev.tollgate.controller;

/**
 * The call would have had to wait longer than {@code rate_limit.max_wait} for its turn under the
 * requests-per-second limit ({@link Limiter#REQUESTS}), the tokens-per-minute budget ({@link
 * Limiter#TOKENS}), or the pause a backend asked for with {@code Retry-After} ({@link
 * Limiter#RETRY_AFTER}).
 */
public final class RateLimitedException extends TollgateRejectedException {
  private static final long serialVersionUID = 1L;

  RateLimitedException(
      String message, String endpoint, String model, Limiter limiter, long retryAfterNanos) {
    super(message, endpoint, model, limiter, retryAfterNanos);
  }
}
