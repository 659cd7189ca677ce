package dev.tollgate.agent.installer;

import dev.tollgate.agent.bootstrap.Hooks;
import dev.tollgate.agent.bootstrap.Rejection;
import java.io.IOException;
import dev.tollgate.agent.instrumentation.jdkhttp.JdkHttpHelpers;
import dev.tollgate.agent.instrumentation.urlconnection.UrlConnectionHelpers;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.nio.ByteBuffer;
import dev.tollgate.agent.core.AgentRuntime;
import dev.tollgate.agent.core.CallTracker;
import dev.tollgate.agent.core.TrackedCall;
import dev.tollgate.agent.core.call.Route;
import dev.tollgate.agent.core.parse.ResponseTap;
import dev.tollgate.agent.core.rewrite.IncludeUsage;
import dev.tollgate.agent.core.rewrite.UsageChunkFilter;
import dev.tollgate.controller.retry.RetryDecision;

/**
 * Routes the bootstrap {@link Hooks} to each client's helpers, where the real types are known.
 * Every method stops every throwable: a fault here must never reach the application.
 */
final class HooksImpl implements Hooks {
  /** {@code tollgate.openai.include_usage}: fixed at start-up. */
  private final boolean includeUsage;

  HooksImpl(boolean includeUsage) {
    this.includeUsage = includeUsage;
  }

  @Override
  public Object jdkHttpStart(Object client, Object request) {
    try {
      return JdkHttpHelpers.start((HttpRequest) request);
    } catch (IOException rejected) {
      return new Rejection(rejected);
    } catch (Throwable t) {
      return null;
    }
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Object jdkHttpWrapHandler(Object call, Object handler) {
    try {
      return JdkHttpHelpers.wrap(call, (HttpResponse.BodyHandler) handler);
    } catch (Throwable t) {
      return handler;
    }
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Object jdkHttpSent(
      Object call, Object client, Object request, Object handler, Object future, Throwable thrown) {
    try {
      return JdkHttpHelpers.onSent(
          call,
          (java.net.http.HttpClient) client,
          (HttpRequest) request,
          (HttpResponse.BodyHandler) handler,
          (CompletableFuture) future,
          thrown);
    } catch (Throwable ignored) {
      return future;
    }
  }

  @Override
  public Object urlConnectionEnter(Object connection) {
    try {
      UrlConnectionHelpers.onEnter((HttpURLConnection) connection);
      return null;
    } catch (IOException rejected) {
      return new Rejection(rejected);
    } catch (Throwable t) {
      return null;
    }
  }

  @Override
  public Object urlConnectionOutput(Object connection, Object stream, Throwable thrown) {
    try {
      return UrlConnectionHelpers.onOutputStream(
          (HttpURLConnection) connection, (OutputStream) stream, thrown);
    } catch (Throwable t) {
      return stream;
    }
  }

  @Override
  public Object urlConnectionInput(
      Object connection, Object stream, Throwable thrown, boolean errorStream) {
    try {
      return UrlConnectionHelpers.onInputStream(
          (HttpURLConnection) connection, (InputStream) stream, thrown, errorStream);
    } catch (Throwable t) {
      return stream;
    }
  }

  @Override
  public void urlConnectionDisconnect(Object connection) {
    try {
      UrlConnectionHelpers.onDisconnect((HttpURLConnection) connection);
    } catch (Throwable ignored) {
      // never reaches the application
    }
  }

  // Client-neutral life cycle.

  @Override
  public Object callStart(
      String client,
      String method,
      String scheme,
      String host,
      int port,
      String rawPath,
      Function<String, String> requestHeaders) {
    try {
      CallTracker tracker = AgentRuntime.tracker();
      if (tracker == null || !"POST".equals(method)) {
        return null;
      }
      Route route = tracker.recognize(scheme, host, port, rawPath);
      if (route == null) {
        return null;
      }
      TrackedCall call = tracker.start(route, host, port, client);
      if (requestHeaders != null) {
        tracker.requestHeaders(call, requestHeaders::apply);
      }
      // Admission before the request is written: endpoint-wide limits apply; model-specific
      // ones cannot, since these clients' bodies are only seen as they are sent.
      tracker.admit(call);
      return call;
    } catch (IOException rejected) {
      return new Rejection(rejected);
    } catch (Throwable t) {
      return null;
    }
  }

  @Override
  public void callRequestBody(Object call, byte[] body, int offset, int length, boolean truncated) {
    try {
      CallTracker tracker = AgentRuntime.tracker();
      if (tracker != null && call instanceof TrackedCall) {
        tracker.requestBody((TrackedCall) call, body, offset, length, truncated);
      }
    } catch (Throwable ignored) {
      // never reaches the application
    }
  }

  @Override
  public void callResponse(
      Object call, int status, Function<String, String> headers, String contentEncoding) {
    try {
      CallTracker tracker = AgentRuntime.tracker();
      if (tracker != null && call instanceof TrackedCall) {
        tracker.response(
            (TrackedCall) call, status, headers == null ? null : headers::apply, contentEncoding);
      }
    } catch (Throwable ignored) {
      // never reaches the application
    }
  }

  @Override
  public void callBytes(Object call, byte[] bytes, int offset, int length) {
    try {
      if (call instanceof TrackedCall) {
        TrackedCall t = (TrackedCall) call;
        ResponseTap tap = t.tap();
        if (tap != null && !t.isFinished()) {
          tap.onBytes(bytes, offset, length);
        }
      }
    } catch (Throwable ignored) {
      // never reaches the application
    }
  }

  @Override
  public void callBytes(Object call, ByteBuffer buffer) {
    try {
      if (call instanceof TrackedCall) {
        TrackedCall t = (TrackedCall) call;
        ResponseTap tap = t.tap();
        if (tap != null && !t.isFinished()) {
          tap.onBytes(buffer);
        }
      }
    } catch (Throwable ignored) {
      // never reaches the application
    }
  }

  @Override
  public void callEnd(Object call) {
    try {
      CallTracker tracker = AgentRuntime.tracker();
      if (tracker != null && call instanceof TrackedCall) {
        tracker.finish((TrackedCall) call);
      }
    } catch (Throwable ignored) {
      // never reaches the application
    }
  }

  @Override
  public void callAborted(Object call) {
    try {
      CallTracker tracker = AgentRuntime.tracker();
      if (tracker != null && call instanceof TrackedCall) {
        tracker.abortedByApplication((TrackedCall) call);
      }
    } catch (Throwable ignored) {
      // never reaches the application
    }
  }

  @Override
  public void callFailed(Object call, Throwable error) {
    try {
      CallTracker tracker = AgentRuntime.tracker();
      if (tracker != null && call instanceof TrackedCall) {
        tracker.failed((TrackedCall) call, error);
      }
    } catch (Throwable ignored) {
      // never reaches the application
    }
  }

  @Override
  public long callRetryDelayNanos(Object call) {
    try {
      CallTracker tracker = AgentRuntime.tracker();
      if (tracker == null || !(call instanceof TrackedCall)) {
        return NO_RETRY;
      }
      RetryDecision d = tracker.decideRetry((TrackedCall) call, false);
      if (d == null) {
        return NO_RETRY;
      }
      if (d.retry()) {
        return Math.max(0, d.delayNanos());
      }
      return d.denial().policyDecided() ? RETRY_REFUSED : NO_RETRY;
    } catch (Throwable t) {
      return NO_RETRY;
    }
  }

  @Override
  public Object callRetry(Object previousCall) {
    try {
      CallTracker tracker = AgentRuntime.tracker();
      if (tracker == null || !(previousCall instanceof TrackedCall)) {
        return null;
      }
      TrackedCall previous = (TrackedCall) previousCall;
      TrackedCall next = tracker.nextAttempt(previous);
      tracker.admit(next);
      return next;
    } catch (IOException rejected) {
      return new Rejection(rejected);
    } catch (Throwable t) {
      return null;
    }
  }

  // Opt-in include_usage.

  @Override
  public Object jdkHttpRequest(Object call, Object request) {
    if (!includeUsage || !(call instanceof TrackedCall)) {
      return request;
    }
    try {
      return JdkHttpHelpers.addIncludeUsage((TrackedCall) call, (HttpRequest) request);
    } catch (Throwable t) {
      return request;
    }
  }

  @Override
  public boolean callMayAddUsage(
      Object call, String rawPath, String rawQuery, Function<String, String> requestHeaders) {
    if (!includeUsage || !(call instanceof TrackedCall)) {
      return false;
    }
    try {
      return IncludeUsage.eligible(
          ((TrackedCall) call).call.route,
          rawPath,
          rawQuery,
          requestHeaders == null ? null : requestHeaders::apply);
    } catch (Throwable t) {
      return false;
    }
  }

  @Override
  public byte[] callAddUsage(Object call, byte[] body, int offset, int length) {
    if (!includeUsage || !(call instanceof TrackedCall)) {
      return null;
    }
    try {
      byte[] rewritten = IncludeUsage.addTo(body, offset, length);
      if (rewritten != null) {
        ((TrackedCall) call).call.usageInjected = true;
      }
      return rewritten;
    } catch (Throwable t) {
      return null;
    }
  }

  @Override
  public Object callUsageFilter(Object call, int status, String contentType, String contentEncoding) {
    try {
      if (call instanceof TrackedCall
          && ((TrackedCall) call).call.usageInjected
          && IncludeUsage.filters(status, contentType, contentEncoding)) {
        return new UsageChunkFilter();
      }
    } catch (Throwable ignored) {
      // the body passes as it is
    }
    return null;
  }

  @Override
  public void usageFilterWrite(Object filter, byte[] bytes, int offset, int length) {
    ((UsageChunkFilter) filter).write(bytes, offset, length);
  }

  @Override
  public void usageFilterEnd(Object filter) {
    ((UsageChunkFilter) filter).end();
  }

  @Override
  public int usageFilterRead(Object filter, byte[] into, int offset, int length) {
    return ((UsageChunkFilter) filter).read(into, offset, length);
  }
}
