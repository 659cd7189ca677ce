package dev.tollgate.agent.instrumentation.jdkhttp;

import dev.tollgate.agent.core.AgentRuntime;
import dev.tollgate.agent.core.CallTracker;
import dev.tollgate.agent.core.TrackedCall;
import dev.tollgate.agent.core.call.Route;
import dev.tollgate.agent.core.parse.HeaderLookup;
import java.net.URI;
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

  /** Returns a {@link TrackedCall} for an LLM call, or null (the cheap path for everything else). */
  public static Object start(HttpRequest request) {
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
    return call;
  }

  public static <T> HttpResponse.BodyHandler<T> wrap(
      Object call, HttpResponse.BodyHandler<T> handler) {
    if (handler == null) {
      return null; // the client itself rejects a null handler; keep its behaviour
    }
    return new TappingBodyHandler<>((TrackedCall) call, handler);
  }

  /** The request was handed to the client; failures before a response end the call here. */
  public static void onSent(Object call, CompletableFuture<?> future, Throwable thrown) {
    TrackedCall t = (TrackedCall) call;
    CallTracker tracker = AgentRuntime.tracker();
    if (tracker == null) {
      return;
    }
    if (thrown != null) {
      tracker.failed(t, thrown);
      return;
    }
    if (future != null) {
      // Observe, never replace: the application keeps the very future the client returned.
      future.whenComplete(
          (r, e) -> {
            if (e != null) {
              tracker.failed(t, e);
            }
          });
    }
  }

  static HeaderLookup headers(HttpHeaders headers) {
    return name -> headers.firstValue(name).orElse(null);
  }

  /** Wraps the application's handler; the application's own subscriber still receives every byte. */
  static final class TappingBodyHandler<T> implements HttpResponse.BodyHandler<T> {
    private final TrackedCall call;
    private final HttpResponse.BodyHandler<T> delegate;

    TappingBodyHandler(TrackedCall call, HttpResponse.BodyHandler<T> delegate) {
      this.call = call;
      this.delegate = delegate;
    }

    @Override
    public HttpResponse.BodySubscriber<T> apply(HttpResponse.ResponseInfo info) {
      HttpResponse.BodySubscriber<T> subscriber = delegate.apply(info);
      try {
        CallTracker tracker = AgentRuntime.tracker();
        if (tracker != null && subscriber != null) {
          // The JDK client does not decompress: the application and the tap see the same bytes.
          String encoding = info.headers().firstValue("content-encoding").orElse(null);
          tracker.response(call, info.statusCode(), headers(info.headers()), encoding);
          return new TappingSubscriber<>(subscriber, call, tracker);
        }
      } catch (Throwable ignored) {
        // fall through to the application's own subscriber
      }
      return subscriber;
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
