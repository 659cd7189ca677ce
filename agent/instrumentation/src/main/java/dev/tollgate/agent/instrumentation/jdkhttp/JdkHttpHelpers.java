package dev.tollgate.agent.instrumentation.jdkhttp;

import dev.tollgate.agent.core.AgentRuntime;
import dev.tollgate.agent.core.CallTracker;
import dev.tollgate.agent.core.TrackedCall;
import dev.tollgate.agent.core.call.Route;
import dev.tollgate.agent.core.parse.HeaderLookup;
import dev.tollgate.agent.core.rewrite.IncludeUsage;
import java.net.URI;
import dev.tollgate.controller.retry.RetryDecision;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** Ordinary Java behind the JDK client's advice. Nothing here may throw into the application. */
public final class JdkHttpHelpers {
  static final String CLIENT = "jdk-httpclient";

  private JdkHttpHelpers() {}

  /**
   * Returns a {@link TrackedCall} for an LLM call, or null (the cheap path for everything else).
   * Throws when the controller refused the call.
   */
  public static Object start(HttpRequest request) throws java.io.IOException {
    CallTracker tracker = AgentRuntime.tracker();
    if (tracker == null || request == null) {
      return null;
    }
    URI uri = request.uri();
    int port = uri.getPort();
    String scheme = uri.getScheme();
    if (port < 0) {
      port = "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }
    Route route = tracker.recognize(scheme, uri.getHost(), port, uri.getRawPath());
    if (route == null || !"POST".equals(request.method())) {
      return null;
    }
    TrackedCall call = tracker.start(route, uri.getHost(), port, CLIENT);
    tracker.requestHeaders(call, headers(request.headers()));
    RequestBodyCapture.capture(tracker, call, request);
    tracker.admit(call);
    return call;
  }

  /**
   * The opt-in include_usage: a copy of the request whose body also asks for the stream's usage, or
   * the request itself when it is not an OpenAI-compatible streaming chat call with a whole
   * in-memory body. The copy keeps the URI, method, headers, timeout, version and expect-continue;
   * the client computes the new Content-Length from the body.
   */
  public static HttpRequest addIncludeUsage(TrackedCall call, HttpRequest request) {
    URI uri = request.uri();
    HttpHeaders h = request.headers();
    if (!IncludeUsage.eligible(
        call.call.route, uri.getRawPath(), uri.getRawQuery(), headers(h))) {
      return request;
    }
    byte[] body = RequestBodyCapture.whole(request, IncludeUsage.MAX_BODY);
    if (body == null) {
      return request;
    }
    byte[] rewritten = IncludeUsage.addTo(body, 0, body.length);
    if (rewritten == null) {
      return request;
    }
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .method(request.method(), HttpRequest.BodyPublishers.ofByteArray(rewritten))
            .expectContinue(request.expectContinue());
    request.timeout().ifPresent(b::timeout);
    request.version().ifPresent(b::version);
    for (java.util.Map.Entry<String, List<String>> e : h.map().entrySet()) {
      for (String v : e.getValue()) {
        b.header(e.getKey(), v);
      }
    }
    HttpRequest copy = b.build();
    call.call.usageInjected = true;
    return copy;
  }

  public static <T> HttpResponse.BodyHandler<T> wrap(
      Object call, HttpResponse.BodyHandler<T> handler) {
    if (handler == null) {
      return null; // the client itself rejects a null handler; keep its behaviour
    }
    return new TappingBodyHandler<>((TrackedCall) call, handler);
  }

  /**
   * The request was handed to the client; failures before a response end the call here. Returns
   * the future the application gets: the client's own for an ungoverned call (observed, never
   * replaced), or, when the controller may retry, one that completes with the final attempt.
   */
  public static <T> CompletableFuture<HttpResponse<T>> onSent(
      Object call,
      HttpClient client,
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      CompletableFuture<HttpResponse<T>> future,
      Throwable thrown) {
    TrackedCall t = (TrackedCall) call;
    CallTracker tracker = AgentRuntime.tracker();
    if (tracker == null) {
      return future;
    }
    if (thrown != null) {
      tracker.failed(t, thrown);
      return future;
    }
    if (future == null) {
      return null;
    }
    boolean mayRetry =
        tracker.control() != null
            && tracker.control().governs(t.call)
            && handler instanceof TappingBodyHandler
            && client != null;
    if (!mayRetry) {
      future.whenComplete(
          (r, e) -> {
            if (e != null) {
              tracker.failed(t, e);
            }
          });
      return future;
    }
    HttpResponse.BodyHandler<T> original = ((TappingBodyHandler<T>) handler).delegate;
    return future
        .handle(
            (response, error) -> {
              RetryDecision retry;
              if (error != null) {
                tracker.failed(t, error);
                retry = tracker.retryDecision(t, false);
                if (retry == null) {
                  return CompletableFuture.<HttpResponse<T>>failedFuture(unwrap(error));
                }
              } else if (t.call.retriedByController) {
                // The handler withheld this response from the application to send again.
                retry = ((TappingBodyHandler<T>) handler).retry;
              } else {
                return CompletableFuture.completedFuture(response);
              }
              int next = t.call.attempt + 1;
              java.util.concurrent.Executor later =
                  CompletableFuture.delayedExecutor(
                      Math.max(0, retry.delayNanos()), java.util.concurrent.TimeUnit.NANOSECONDS);
              return CompletableFuture.supplyAsync(() -> null, later)
                  .thenCompose(
                      ignored ->
                          CallTracker.asAttempt(next, () -> client.sendAsync(request, original)));
            })
        .thenCompose(f -> f);
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  static HeaderLookup headers(HttpHeaders headers) {
    // firstValue() is allValues() plus a stream per lookup, and a response is asked for a dozen
    // headers.
    return name -> {
      List<String> values = headers.allValues(name);
      return values.isEmpty() ? null : values.get(0);
    };
  }

  /** Wraps the application's handler; the application's own subscriber still receives every byte. */
  static final class TappingBodyHandler<T> implements HttpResponse.BodyHandler<T> {
    private final TrackedCall call;
    final HttpResponse.BodyHandler<T> delegate;
    /** Set when the controller decided to send the request again instead of answering with this response. */
    volatile RetryDecision retry;

    TappingBodyHandler(TrackedCall call, HttpResponse.BodyHandler<T> delegate) {
      this.call = call;
      this.delegate = delegate;
    }

    @Override
    public HttpResponse.BodySubscriber<T> apply(HttpResponse.ResponseInfo info) {
      CallTracker tracker = null;
      try {
        tracker = AgentRuntime.tracker();
        if (tracker != null) {
          // The JDK client does not decompress: the application and the tap see the same bytes.
          String encoding = info.headers().firstValue("content-encoding").orElse(null);
          tracker.response(call, info.statusCode(), headers(info.headers()), encoding);
          if (info.statusCode() >= 400) {
            // Decided before the application's handler sees anything: no byte of a response
            // that is retried reaches the application.
            RetryDecision d = tracker.retryDecision(call, false);
            if (d != null) {
              retry = d;
              HttpResponse.BodySubscriber<T> discard = HttpResponse.BodySubscribers.replacing((T) null);
              return TrustedTaps.trusted(new TappingSubscriber<>(discard, call, tracker), discard);
            }
          }
        }
      } catch (Throwable ignored) {
        // fall through to the application's own subscriber
      }
      HttpResponse.BodySubscriber<T> subscriber = delegate.apply(info);
      if (tracker == null || subscriber == null) {
        return subscriber;
      }
      HttpResponse.BodySubscriber<T> application = subscriber;
      if (call.call.usageInjected) {
        subscriber = UsageFilterSubscriber.wrap(subscriber, info);
      }
      // Trusted like the application's own subscriber, so the client delivers without a thread
      // hop it would not make without the agent.
      return TrustedTaps.trusted(new TappingSubscriber<>(subscriber, call, tracker), application);
    }
  }

  static final class TappingSubscriber<T> implements HttpResponse.BodySubscriber<T> {
    private final HttpResponse.BodySubscriber<T> delegate;
    private final TrackedCall call;
    private final CallTracker tracker;

    TappingSubscriber(HttpResponse.BodySubscriber<T> delegate, TrackedCall call, CallTracker tracker) {
      this.delegate = delegate;
      this.call = call;
      this.tracker = tracker;
    }

    @Override
    public CompletionStage<T> getBody() {
      return delegate.getBody();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      delegate.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          subscription.request(n);
        }

        @Override
        public void cancel() {
          try {
            tracker.abortedByApplication(call);
          } catch (Throwable ignored) {
            // never let the agent interfere with cancellation
          }
          subscription.cancel();
        }
      });
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      try {
        if (call.tap() != null && !call.isFinished()) {
          for (int i = 0, n = item.size(); i < n; i++) {
            call.tap().onBytes(item.get(i));
          }
        }
      } catch (Throwable ignored) {
        // the tap never throws, but the application's bytes must flow regardless
      }
      delegate.onNext(item);
    }

    @Override
    public void onError(Throwable throwable) {
      try {
        tracker.failed(call, throwable);
      } catch (Throwable ignored) {
        // ignore
      }
      delegate.onError(throwable);
    }

    @Override
    public void onComplete() {
      try {
        tracker.finish(call);
      } catch (Throwable ignored) {
        // ignore
      }
      delegate.onComplete();
    }
  }
}
