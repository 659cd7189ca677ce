package dev.tollgate.agent.core.control;

import dev.tollgate.agent.core.TrackedCall;
import dev.tollgate.agent.core.call.LlmCall;
import dev.tollgate.controller.Admission;
import dev.tollgate.controller.Controller;
import dev.tollgate.controller.EndpointMetrics;
import dev.tollgate.controller.TollgateRejectedException;
import dev.tollgate.controller.policy.ErrorKind;
import dev.tollgate.controller.retry.RetryDecision;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;

/**
 * Puts the controller (rate limits, concurrency limits, retries, circuit breaking) around the calls
 * the agent tracks. Only calls to a configured endpoint with policies are governed; for everything
 * else each method returns at once.
 */
public final class CallControl {
  /** Tokens charged at admission when the request names no max_tokens: the policy's default. */
  private static final long NO_ESTIMATE = 0;

  private final Controller controller;

  public CallControl(Controller controller) {
    this.controller = controller;
  }

  public boolean governs(LlmCall call) {
    return call.route.endpointName != null && controller.hasEndpoint(call.route.endpointName);
  }

  /**
   * Waits (bounded) for the limits to let the call go. A refusal is recorded on the call and
   * thrown: it is an {@link IOException} the application already handles.
   */
  public void admit(TrackedCall t) throws IOException {
    LlmCall call = t.call;
    if (!governs(call)) {
      return;
    }
    long estimate = call.requestMaxTokens > 0 ? call.requestMaxTokens : NO_ESTIMATE;
    int sdkRetryCount = t.sdkRetryCount();
    try {
      Admission a =
          controller.admit(call.route.endpointName, model(call), estimate, call.attempt, sdkRetryCount);
      t.admission(a);
      call.controllerWaitNanos = a.waitedNanos();
    } catch (TollgateRejectedException e) {
      call.rejectedBy = e.limiter().label();
      throw e;
    } catch (InterruptedIOException e) {
      call.rejectedBy = "interrupted";
      throw e;
    }
  }

  /** Records the outcome of the call (feeds the breaker, the adaptive limit, the token budget) and frees its permit. */
  public void finished(TrackedCall t) {
    Object a = t.admission();
    if (!(a instanceof Admission)) {
      return;
    }
    LlmCall call = t.call;
    long latency = call.endNanos - call.startNanos;
    long ttft = call.firstChunkNanos == 0 ? -1 : call.firstChunkNanos - call.startNanos;
    long total =
        call.totalTokens >= 0
            ? call.totalTokens
            : (call.inputTokens >= 0 || call.outputTokens >= 0)
                ? Math.max(0, call.inputTokens) + Math.max(0, call.outputTokens)
                : -1;
    ((Admission) a)
        .onResult(call.httpStatus, kind(call), latency, ttft, call.outputTokens, total);
    // A 429 or 503 asking to wait pauses the endpoint for every caller, not only this one's retry.
    // A call the controller retries set the pause when it decided (shouldRetry), at the instant
    // its own delay starts; setting it again now, a little later, would hold back that very retry.
    if (!call.retriedByController && !Double.isNaN(call.retryAfterSeconds)) {
      controller.onRetryAfter(
          call.route.endpointName, model(call), call.httpStatus, serverDelayNanos(call));
    }
  }

  /**
   * Asks whether this attempt should be sent again: the controller's decision, a refusal with its
   * reason included; null for a call that is not governed. {@code responseStarted} is true once
   * any response byte reached the application: such a call is never retried.
   */
  public RetryDecision retryDecision(TrackedCall t, boolean responseStarted) {
    LlmCall call = t.call;
    if (!governs(call)) {
      return null;
    }
    RetryDecision d =
        controller.shouldRetry(
            call.route.endpointName,
            model(call),
            call.attempt,
            call.httpStatus,
            kind(call),
            call.errorCode,
            serverDelayNanos(call),
            responseStarted,
            t.sdkRetryCount());
    return d;
  }

  public List<EndpointMetrics> metrics() {
    return controller.endpoints();
  }

  /** The server's requested delay (retry-after-ms, Retry-After, Gemini's retryDelay), or -1. */
  private static long serverDelayNanos(LlmCall call) {
    return Double.isNaN(call.retryAfterSeconds) ? -1 : (long) (call.retryAfterSeconds * 1e9);
  }

  private static String model(LlmCall call) {
    return call.requestModel != null ? call.requestModel : call.route.pathModel;
  }

  private static ErrorKind kind(LlmCall call) {
    if (call.errorType == null) {
      return ErrorKind.NONE;
    }
    // HTTP status errors carry their status; the kind covers what happened below HTTP.
    if (call.httpStatus >= 400 && call.errorType.equals(Integer.toString(call.httpStatus))) {
      return ErrorKind.NONE;
    }
    return ErrorKind.fromErrorType(call.errorType);
  }
}
