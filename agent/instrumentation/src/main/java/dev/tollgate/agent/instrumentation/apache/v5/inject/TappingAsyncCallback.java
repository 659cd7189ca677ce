package dev.tollgate.agent.instrumentation.apache.v5.inject;

import dev.tollgate.agent.bootstrap.Hooks;
import dev.tollgate.agent.instrumentation.inject.RequestCapture;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.core5.concurrent.CancellableDependency;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncDataConsumer;

/**
 * Reports the response and the outcome of one async exchange; the application's callback decides.
 */
final class TappingAsyncCallback implements AsyncExecCallback {
  private final AsyncExecCallback delegate;
  private final Hooks hooks;
  private final Object call;
  private final RequestCapture capture;
  private final CancellableDependency exchange;

  TappingAsyncCallback(
      AsyncExecCallback delegate,
      Hooks hooks,
      Object call,
      RequestCapture capture,
      CancellableDependency exchange) {
    this.delegate = delegate;
    this.hooks = hooks;
    this.call = call;
    this.capture = capture;
    this.exchange = exchange;
  }

  @Override
  public AsyncDataConsumer handleResponse(HttpResponse response, EntityDetails entityDetails)
      throws HttpException, IOException {
    capture.handOver();
    // The encoding of the bytes the consumer will get: null once the client's content
    // decompression has wrapped the details.
    hooks.callResponse(
        call,
        response.getCode(),
        new HeaderLookup(response),
        entityDetails == null ? null : entityDetails.getContentEncoding());
    AsyncDataConsumer consumer;
    try {
      consumer = delegate.handleResponse(response, entityDetails);
    } catch (Throwable t) {
      hooks.callFailed(call, t);
      throw t;
    }
    if (entityDetails == null || consumer == null) {
      if (entityDetails == null) {
        hooks.callEnd(call);
      }
      return consumer;
    }
    return new TappingDataConsumer(consumer, hooks, call);
  }

  @Override
  public void handleInformationResponse(HttpResponse response) throws HttpException, IOException {
    delegate.handleInformationResponse(response);
  }

  @Override
  public void completed() {
    hooks.callEnd(call); // no-op when the stream end was seen
    delegate.completed();
  }

  @Override
  public void failed(Exception cause) {
    capture.handOver();
    // The application cancelling its future fails the exchange with an InterruptedIOException:
    // that is the application stopping, not the connection failing.
    if (cause instanceof CancellationException || (exchange != null && exchange.isCancelled())) {
      hooks.callAborted(call);
    } else {
      hooks.callFailed(call, cause);
    }
    delegate.failed(cause);
  }
}
