package dev.tollgate.agent.instrumentation.apache.v4.inject;

import org.apache.http.HttpResponse;
import org.apache.http.client.ServiceUnavailableRetryStrategy;
import org.apache.http.protocol.HttpContext;

/**
 * The application's {@code ServiceUnavailableRetryStrategy} (HttpClient 4 retries a status only
 * when one is configured; the default one retries 503), unchanged except for a response Tollgate's
 * stage marked {@link FinalOutcome final} because the endpoint's retry policy refused to send the
 * request again: a retry from above would overrun the policy the operator set.
 *
 * <p>Set in place of the strategy every {@code ServiceUnavailableRetryExec} is built with; with
 * nothing marked in the context it decides exactly as the application's strategy.
 */
public final class GuardedServiceUnavailableRetryStrategy
    implements ServiceUnavailableRetryStrategy {
  private final ServiceUnavailableRetryStrategy delegate;

  private GuardedServiceUnavailableRetryStrategy(ServiceUnavailableRetryStrategy delegate) {
    this.delegate = delegate;
  }

  /** From the advice on {@code ServiceUnavailableRetryExec}'s constructor. */
  public static ServiceUnavailableRetryStrategy wrap(ServiceUnavailableRetryStrategy strategy) {
    if (strategy == null || strategy instanceof GuardedServiceUnavailableRetryStrategy) {
      return strategy;
    }
    return new GuardedServiceUnavailableRetryStrategy(strategy);
  }

  @Override
  public boolean retryRequest(HttpResponse response, int executionCount, HttpContext context) {
    if (FinalOutcome.is(context, response)) {
      return false;
    }
    return delegate.retryRequest(response, executionCount, context);
  }

  @Override
  public long getRetryInterval() {
    return delegate.getRetryInterval();
  }
}
