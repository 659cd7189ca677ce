package dev.tollgate.agent.core;

import dev.tollgate.agent.core.call.LlmCall;
import dev.tollgate.agent.core.control.CallControl;
import dev.tollgate.agent.core.call.Route;
import dev.tollgate.agent.core.detect.Recognizer;
import dev.tollgate.agent.core.parse.HeaderLookup;
import dev.tollgate.agent.core.parse.RequestHeaders;
import dev.tollgate.agent.core.parse.RequestInspector;
import dev.tollgate.agent.core.parse.ResponseHeaders;
import dev.tollgate.agent.core.parse.ResponseTap;
import dev.tollgate.agent.core.telemetry.CallSink;
import dev.tollgate.conventions.Tollgate.ErrorTypes;
import dev.tollgate.controller.retry.RetryDecision;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;

/**
 * The client-independent life cycle of a call, which every HTTP client instrumentation drives
 * through the same few steps: {@link #recognize}, {@link #start}, {@link #requestBody} /
 * {@link #requestHeaders}, {@link #response}, then bytes into the tap, then {@link #finish} or
 * {@link #failed}. A new client is a small adapter onto these steps.
 *
 * <p>Every method is safe to call with anything: instrumentation wraps calls in its own guards
 * as well, but nothing here throws on bad input.
 */
public final class CallTracker {
  /** Request bodies are inspected up to this many bytes: enough for model, stream and max_tokens. */
  public static final int REQUEST_CAPTURE_LIMIT = 64 * 1024;

  private final Recognizer recognizer;
  private final CallSink sink;
  private final NanoClock clock;
  private final CallControl control;

  /**
   * The attempt number of a retry the agent itself is about to send: set around the re-send, read
   * by {@link #start} on the same thread.
   */
  private static final ThreadLocal<int[]> RETRY_ATTEMPT = ThreadLocal.withInitial(() -> new int[1]);

  public CallTracker(Recognizer recognizer, CallSink sink, NanoClock clock) {
    this(recognizer, sink, clock, null);
  }

  /** @param control the controller around governed calls, or null when no endpoint has policies */
  public CallTracker(Recognizer recognizer, CallSink sink, NanoClock clock, CallControl control) {
    this.recognizer = recognizer;
    this.sink = sink;
    this.clock = clock;
    this.control = control;
  }

  public CallControl control() {
    return control;
  }

  /** Null for a call that is not an LLM or Dify call: the caller then does nothing more. */
  public Route recognize(String scheme, String host, int port, String rawPath) {
    if (host == null || rawPath == null) {
      return null;
    }
    return recognizer.recognize(scheme, host, port, rawPath);
  }

  public TrackedCall start(Route route, String host, int port, String client) {
    TrackedCall t = new TrackedCall(new LlmCall(route, host, port, client, clock.nanoTime()));
    int retry = RETRY_ATTEMPT.get()[0];
    if (retry > 1) {
      t.call.attempt = retry;
    }
    return t;
  }

  /** Runs {@code send} (which re-sends a request) so that the call it starts is numbered {@code attempt}. */
  public static <T> T asAttempt(int attempt, java.util.function.Supplier<T> send) {
    int[] slot = RETRY_ATTEMPT.get();
    int previous = slot[0];
    slot[0] = attempt;
    try {
      return send.get();
    } finally {
      slot[0] = previous;
    }
  }

  /**
   * The next attempt of a call the controller decided to retry, for clients that re-send the same
   * request themselves: what was learned from the request carries over.
   */
  public TrackedCall nextAttempt(TrackedCall previous) {
    LlmCall p = previous.call;
    TrackedCall t = new TrackedCall(new LlmCall(p.route, p.serverAddress, p.serverPort, p.client, clock.nanoTime()));
    LlmCall c = t.call;
    c.attempt = p.attempt + 1;
    c.requestModel = p.requestModel;
    c.stream = p.stream;
    c.requestMaxTokens = p.requestMaxTokens;
    c.requestIncludeUsage = p.requestIncludeUsage;
    c.usageInjected = p.usageInjected;
    t.sdkRetryCount(previous.sdkRetryCount());
    return t;
  }

  /**
   * Lets the controller hold or refuse the call, once its request is known. A refusal ends the call
   * (exported with {@code tollgate.controller.rejected_by}) and is thrown for the application.
   */
  public void admit(TrackedCall t) throws IOException {
    if (control == null) {
      return;
    }
    try {
      control.admit(t);
    } catch (IOException e) {
      if (t.markFinished()) {
        t.call.fail(ErrorTypes.REJECTED);
        complete(t, null);
      }
      throw e;
    } catch (RuntimeException e) {
      // A controller fault must not stop the call: it goes ungoverned.
    }
  }

  /**
   * After the response headers (or a failure before them): should the agent send this request
   * again? Null when not; the caller then hands the response to the application as it is.
   */
  public RetryDecision retryDecision(TrackedCall t, boolean responseStarted) {
    RetryDecision d = decideRetry(t, responseStarted);
    return d != null && d.retry() ? d : null;
  }

  /**
   * The controller's whole decision, a refusal with its reason included (a client with a retry
   * stage of its own needs to know whether the policy refused, see {@link
   * dev.tollgate.controller.retry.NoRetryReason#policyDecided}); null when the call is not
   * governed.
   */
  public RetryDecision decideRetry(TrackedCall t, boolean responseStarted) {
    if (control == null) {
      return null;
    }
    try {
      RetryDecision d = control.retryDecision(t, responseStarted);
      if (d != null && d.retry()) {
        t.call.retriedByController = true;
      }
      return d;
    } catch (RuntimeException e) {
      return null;
    }
  }

  public void requestBody(TrackedCall t, byte[] body, int offset, int length, boolean truncated) {
    RequestInspector.inspect(t.call, body, offset, length, truncated);
  }

  public void requestHeaders(TrackedCall t, HeaderLookup headers) {
    RequestHeaders.inspect(t.call, headers);
    if (headers != null && headers.get("x-stainless-retry-count") != null) {
      t.sdkRetryCount(t.call.attempt - 1);
    }
  }

  /**
   * The response headers arrived: records the status and the provider's rate-limit headers, and
   * returns the tap the client must feed with the body bytes the application reads.
   */
  public ResponseTap response(
      TrackedCall t, int status, HeaderLookup headers, String contentEncodingSeenByTap) {
    LlmCall call = t.call;
    call.httpStatus = status;
    if (status >= 400) {
      call.fail(Integer.toString(status));
    }
    String contentType = null;
    if (headers != null) {
      ResponseHeaders.inspect(call, headers);
      contentType = headers.get("content-type");
    }
    // Parsing the body is left to the recorder thread when nothing needs its result before the
    // call is recorded: the controller does (breaker, token limits), so governed calls parse inline.
    ResponseTap tap =
        sink.settlesLater() && (control == null || !control.governs(call))
            ? ResponseTap.createDeferred(call, status, contentType, contentEncodingSeenByTap, clock)
            : ResponseTap.create(call, status, contentType, contentEncodingSeenByTap, clock);
    t.tap = tap;
    return tap;
  }

  /** The application read the body to its end (or the client finished a body-less response). */
  public void finish(TrackedCall t) {
    if (t == null || !t.markFinished()) {
      return;
    }
    ResponseTap tap = t.tap;
    if (tap != null) {
      tap.onEnd();
    }
    complete(t, tap == null ? null : tap::settle);
  }

  /** The body was closed by the application before its end. */
  public void abortedByApplication(TrackedCall t) {
    if (t == null || !t.markFinished()) {
      return;
    }
    ResponseTap tap = t.tap;
    if (tap != null) {
      tap.onAbort(true, null);
    }
    LlmCall call = t.call;
    complete(
        t,
        () -> {
          if (tap != null) {
            tap.settle();
          }
          if (call.errorType == null && !call.complete) {
            call.fail(ErrorTypes.CLIENT_ABORTED);
          }
        });
  }

  /** The call failed with an exception: before the response (connect, timeout) or while reading. */
  public void failed(TrackedCall t, Throwable error) {
    if (t == null || !t.markFinished()) {
      return;
    }
    ResponseTap tap = t.tap;
    if (tap != null) {
      tap.onAbort(false, error);
    }
    LlmCall call = t.call;
    complete(
        t,
        () -> {
          if (tap != null) {
            tap.settle();
          }
          call.fail(classify(error));
        });
  }

  /**
   * Ends the call. {@code settle} finishes what the body's parse decides (a deferred tap parses
   * here): it runs now when the tap parsed inline, else on the recorder thread before the call is
   * read, so the outcome is the same either way.
   */
  private void complete(TrackedCall t, Runnable settle) {
    t.call.endNanos = clock.nanoTime();
    if (settle != null) {
      if (t.tap != null && t.tap.deferred()) {
        t.call.settleLater(settle);
      } else {
        settle.run();
      }
    }
    if (control != null) {
      try {
        control.finished(t);
      } catch (Throwable ignored) {
        // the permit is released by the controller's own guards
      }
    }
    try {
      sink.record(t.call);
    } catch (Throwable ignored) {
      // A sink fault must never reach the application.
    }
  }

  /** Maps an exception to {@code error.type}. Checks names too: clients wrap the JDK's exceptions. */
  public static String classify(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause()) {
      if (e instanceof ConnectException
          || e instanceof UnknownHostException
          || e instanceof NoRouteToHostException
          || e instanceof UnresolvedAddressException) {
        return ErrorTypes.CONNECT;
      }
      String name = e.getClass().getName();
      if (name.equals("java.net.http.HttpConnectTimeoutException")) {
        return ErrorTypes.CONNECT;
      }
      if (e instanceof SocketTimeoutException
          || name.equals("java.net.http.HttpTimeoutException")
          || name.endsWith("TimeoutException")
          || (e instanceof InterruptedIOException && "timeout".equals(e.getMessage()))) {
        return ErrorTypes.TIMEOUT;
      }
      if (e.getCause() == e) {
        break;
      }
    }
    return error instanceof java.io.IOException ? ErrorTypes.IO : ErrorTypes.OTHER;
  }
}
