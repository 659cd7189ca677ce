package dev.tollgate.sidecar.aggregate;

import java.math.BigDecimal;

/**
 * One GenAI call attempt as the sidecar understands it: everything read from one span (one HTTP
 * attempt), normalised. Built in exactly one place, {@code ingest.SpanMapper}.
 *
 * <p>Unknown values: token counts are {@link #UNKNOWN} (never 0: missing and zero mean different
 * things to cost and budget code); doubles are NaN; strings are null unless noted; ints are 0.
 *
 * @param service resource {@code service.name}; {@code unknown_service} when absent
 * @param provider {@code gen_ai.provider.name}, else the deprecated {@code gen_ai.system}; "" if none
 * @param operation {@code gen_ai.operation.name}; "" if none
 * @param requestModel {@code gen_ai.request.model}
 * @param responseModel {@code gen_ai.response.model}
 * @param endpoint {@code tollgate.endpoint.name}
 * @param difyApp {@code tollgate.dify.app}
 * @param stream {@code gen_ai.request.stream}; null when not reported
 * @param startEpochNanos span start
 * @param endEpochNanos span end; the call is counted in the minute of its end
 * @param durationSeconds end - start; NaN when the span's times are unusable
 * @param ttftSeconds {@code gen_ai.response.time_to_first_chunk}
 * @param errorType {@code error.type}; {@code _OTHER} for a span with status ERROR and no type;
 *     null on success
 * @param httpStatus {@code http.response.status_code}
 * @param attempt {@code tollgate.attempt}, 1-based; 1 when absent
 * @param unmetered true when usage is unknown: {@code tollgate.usage.unmetered} says so, or the span
 *     carries neither input nor output tokens
 * @param difyTotalPrice {@code tollgate.dify.total_price}, exact
 * @param waitSeconds {@code tollgate.controller.wait_seconds}
 * @param rejectedBy {@code tollgate.controller.rejected_by}: rate_limit, concurrency,
 *     circuit_breaker
 */
public record CallRecord(
    String service,
    String provider,
    String operation,
    String requestModel,
    String responseModel,
    String endpoint,
    String difyApp,
    Boolean stream,
    String serverAddress,
    int serverPort,
    long startEpochNanos,
    long endEpochNanos,
    double durationSeconds,
    double ttftSeconds,
    String errorType,
    int httpStatus,
    int attempt,
    long inputTokens,
    long outputTokens,
    long cacheReadTokens,
    long cacheWriteTokens,
    long reasoningTokens,
    boolean unmetered,
    BigDecimal difyTotalPrice,
    String difyCurrency,
    double waitSeconds,
    String rejectedBy) {

  public static final long UNKNOWN = -1;

  /** The model a call is grouped under: the requested one, else the one the response named. */
  public String model() {
    if (requestModel != null && !requestModel.isEmpty()) {
      return requestModel;
    }
    return responseModel == null ? "" : responseModel;
  }

  public boolean isError() {
    return errorType != null;
  }

  public boolean isRetry() {
    return attempt > 1;
  }
}
