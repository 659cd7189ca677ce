package dev.tollgate.agent.instrumentation.apache.v4.inject;

import java.io.IOException;
import org.apache.http.client.HttpRequestRetryHandler;
import org.apache.http.protocol.HttpContext;

/**
 * The client's I/O retry handler ({@code RetryExec}), unchanged except for the controller's
 * refusal of a call (a breaker open, a limit hit), which Tollgate's stage marked {@link
 * FinalOutcome final}: the default handler retries a POST up to three times when its request was
 * not sent, and a refusal is thrown before anything is, so without this every refusal would be
 * asked for four times. Retries after a real I/O error stay the client's: they concern its
 * connection (a stale pooled connection, a request not sent), which the controller does not see.
 *
 * <p>Set in place of the handler every {@code RetryExec} is built with; with nothing marked in the
 * context it decides exactly as the application's handler.
 */
public final class GuardedRetryHandler implements HttpRequestRetryHandler {
  private final HttpRequestRetryHandler delegate;

  private GuardedRetryHandler(HttpRequestRetryHandler delegate) {
    this.delegate = delegate;
  }

  /** From the advice on {@code RetryExec}'s constructor. */
  public static HttpRequestRetryHandler wrap(HttpRequestRetryHandler handler) {
    if (handler == null || handler instanceof GuardedRetryHandler) {
      return handler;
    }
    return new GuardedRetryHandler(handler);
  }

  @Override
  public boolean retryRequest(IOException exception, int executionCount, HttpContext context) {
    if (FinalOutcome.is(context, exception)) {
      return false;
    }
    return delegate.retryRequest(exception, executionCount, context);
  }
}
