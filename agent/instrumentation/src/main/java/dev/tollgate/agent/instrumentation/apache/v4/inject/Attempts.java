package dev.tollgate.agent.instrumentation.apache.v4.inject;

import org.apache.http.protocol.HttpContext;

/**
 * Numbers the attempts the client's own retry stages make for one request (RetryExec for I/O errors
 * on idempotent requests; ServiceUnavailableRetryExec, when configured, for 503). Tollgate's stage
 * sits below them, so every attempt is a call of its own; the attempt number is kept in the
 * request's context, keyed by the application's request object so a context reused across requests
 * does not carry it over.
 */
final class Attempts {
  private static final String KEY = "dev.tollgate.attempt";

  private final Object request;
  private final int count;

  private Attempts(Object request, int count) {
    this.request = request;
    this.count = count;
  }

  /** The number the coming attempt will have: 1 unless this request was tried before. */
  static int next(HttpContext context, Object original) {
    try {
      Object v = context == null ? null : context.getAttribute(KEY);
      if (original != null && v instanceof Attempts && ((Attempts) v).request == original) {
        return ((Attempts) v).count + 1;
      }
    } catch (Throwable ignored) {
      // a context that refuses attributes: first attempt
    }
    return 1;
  }

  static void record(HttpContext context, Object original, int attempt) {
    try {
      if (context != null) {
        context.setAttribute(KEY, new Attempts(original, attempt));
      }
    } catch (Throwable ignored) {
      // attempts stay unnumbered
    }
  }
}
