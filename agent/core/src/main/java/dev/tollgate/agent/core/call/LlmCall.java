package dev.tollgate.agent.core.call;

/**
 * Everything recorded about one LLM or Dify call, filled in as the call proceeds: by the
 * instrumentation (timing, status, headers), by the request inspector (request model, stream flag)
 * and by the response parser (usage, response model, first chunk, errors in streams).
 *
 * <p>A token count the provider did not report stays {@link #UNKNOWN}, never 0: "missing" and
 * "zero" mean different things to cost estimation. Instances are confined to the call's threads
 * (the JDK client may hand the body to another thread, with a happens-before edge), so there is no
 * locking here.
 */
public final class LlmCall {
  public static final long UNKNOWN = -1;

  public final Route route;
  public final String serverAddress;
  public final int serverPort;
  /** Which HTTP client made the call, e.g. {@code jdk-httpclient}. */
  public final String client;

  public final long startNanos;
  public long firstChunkNanos;
  public long endNanos;

  public String requestModel;
  public String responseModel;
  public String responseId;
  public String finishReason;
  public boolean stream;
  /** The request asked for usage in the stream ({@code stream_options.include_usage: true}). */
  public boolean requestIncludeUsage;
  /**
   * The agent added {@code stream_options.include_usage} to the request (the opt-in), and takes
   * what that adds back out of the stream before the application reads it.
   */
  public boolean usageInjected;
  public long requestMaxTokens = UNKNOWN;
  public int httpStatus;
  /** {@code error.type}; null while the call is a success. */
  public String errorType;
  /** Provider error code or type (e.g. {@code insufficient_quota}, {@code overloaded_error}). */
  public String errorCode;

  public long inputTokens = UNKNOWN;
  public long outputTokens = UNKNOWN;
  public long cacheReadTokens = UNKNOWN;
  public long cacheWriteTokens = UNKNOWN;
  public long reasoningTokens = UNKNOWN;
  /**
   * Total tokens as the provider reported it, or {@link #UNKNOWN}. Usually input + output, but a
   * Dify workflow run reports only this total, with no input/output split.
   */
  public long totalTokens = UNKNOWN;

  /** Dify's own reported price for the call, as the decimal string it sent, and its currency. */
  public String difyTotalPrice;
  public String difyCurrency;
  public String difyAppId;
  /** Dify's server-side latency in seconds, as reported in {@code metadata.usage.latency}. */
  public double difyLatencySeconds = Double.NaN;

  public long rateLimitRemainingRequests = UNKNOWN;
  public long rateLimitRemainingTokens = UNKNOWN;
  /** Seconds until the request/token window resets, as the provider said; NaN when absent. */
  public double rateLimitResetRequestsSeconds = Double.NaN;
  public double rateLimitResetTokensSeconds = Double.NaN;
  /** Server-requested delay before a retry (Retry-After, retry-after-ms, Gemini retryDelay). */
  public double retryAfterSeconds = Double.NaN;

  /** Attempt number, 1-based; from {@code x-stainless-retry-count} or the controller. */
  public int attempt = 1;
  /** Nanoseconds the controller held the call before sending it (rate or concurrency limits). */
  public long controllerWaitNanos;
  /** The limiter that refused the call ({@code requests}, {@code tokens}, {@code concurrency}, {@code circuit_breaker}), or null. */
  public String rejectedBy;
  /** True when the controller decided to retry this attempt (its response never reached the application). */
  public boolean retriedByController;

  /** True when the response ended normally (end marker seen, or a complete blocking body). */
  public boolean complete;
  /** True when a parser met a body it could not understand and gave up on this call. */
  public boolean parseFailed;

  /**
   * Work that completes this record, left by the tracker for the recorder thread: parsing a
   * response body that was kept rather than parsed on the application's thread. Null when none.
   */
  private Runnable unsettled;

  /** Leaves {@code work} to be done by {@link #settle()} before anything reads this record. */
  public void settleLater(Runnable work) {
    this.unsettled = work;
  }

  /** Does the work left by {@link #settleLater}, once; a fault in it leaves the record as it is. */
  public void settle() {
    Runnable w = unsettled;
    if (w != null) {
      unsettled = null;
      try {
        w.run();
      } catch (Throwable ignored) {
        // the tap never throws; whatever was filled in stays
      }
    }
  }

  public LlmCall(Route route, String serverAddress, int serverPort, String client, long startNanos) {
    this.route = route;
    this.serverAddress = serverAddress;
    this.serverPort = serverPort;
    this.client = client;
    this.startNanos = startNanos;
  }

  /** Marks the first generated chunk; later calls are ignored. */
  public void markFirstChunk(long nowNanos) {
    if (firstChunkNanos == 0) {
      firstChunkNanos = nowNanos;
    }
  }

  /** Records an error type unless one was already recorded (the first cause wins). */
  public void fail(String type) {
    if (errorType == null) {
      errorType = type;
    }
  }

  /** True when the stream carried no usage at all, so tokens are unknown (counted as unmetered). */
  public boolean unmetered() {
    return inputTokens == UNKNOWN && outputTokens == UNKNOWN;
  }

  @Override
  public String toString() {
    return "LlmCall{"
        + route
        + " model="
        + (responseModel != null ? responseModel : requestModel)
        + " status="
        + httpStatus
        + " error="
        + errorType
        + " stream="
        + stream
        + " in="
        + inputTokens
        + " out="
        + outputTokens
        + " cacheRead="
        + cacheReadTokens
        + " cacheWrite="
        + cacheWriteTokens
        + " reasoning="
        + reasoningTokens
        + "}";
  }
}
