package dev.tollgate.agent.instrumentation.apache.v5.inject;

import java.io.IOException;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;

/**
 * The classic client's own retry strategy (the default one retries 429 and 503 once, honouring
 * Retry-After), unchanged except for what Tollgate's handler marked {@link FinalOutcome final}: a
 * response the endpoint's retry policy refused to send again, whose retry from above would overrun
 * the policy the operator set, and the controller's refusal of a call. Other retries after an I/O
 * error stay the client's: they concern its connection, which the controller does not see (and
 * the default strategy does not retry a POST after one).
 *
 * <p>Set in place of the strategy every {@code HttpRequestRetryExec} is built with; with nothing
 * marked in the context it decides exactly as the application's strategy.
 */
public final class GuardedRetryStrategy implements HttpRequestRetryStrategy {
  private final HttpRequestRetryStrategy delegate;

  private GuardedRetryStrategy(HttpRequestRetryStrategy delegate) {
    this.delegate = delegate;
  }

  /** From the advice on {@code HttpRequestRetryExec}'s constructor. */
  public static HttpRequestRetryStrategy wrap(HttpRequestRetryStrategy strategy) {
    if (strategy == null || strategy instanceof GuardedRetryStrategy) {
      return strategy;
    }
    return new GuardedRetryStrategy(strategy);
  }

  @Override
  public boolean retryRequest(
      HttpRequest request, IOException exception, int execCount, HttpContext context) {
    if (FinalOutcome.is(context, exception)) {
      return false;
    }
    return delegate.retryRequest(request, exception, execCount, context);
  }

  @Override
  public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
    if (FinalOutcome.is(context, response)) {
      return false;
    }
    return delegate.retryRequest(response, execCount, context);
  }

  @Override
  public TimeValue getRetryInterval(
      HttpRequest request, IOException exception, int execCount, HttpContext context) {
    // A default method in later 5.x versions (not in 5.1): forwarded so that the application's
    // own override still applies.
    return delegate.getRetryInterval(request, exception, execCount, context);
  }

  @Override
  public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
    return delegate.getRetryInterval(response, execCount, context);
  }
}
