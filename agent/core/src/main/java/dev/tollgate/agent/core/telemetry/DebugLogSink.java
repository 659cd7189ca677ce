package dev.tollgate.agent.core.telemetry;

import dev.tollgate.agent.core.call.LlmCall;
import java.io.PrintStream;

/**
 * {@code -Dtollgate.debug=true}: one line per call on stderr, so a user can see at once what the
 * agent recognized. It prints metadata only: no headers, no URLs' query strings, no content.
 */
public final class DebugLogSink implements CallSink {
  private final PrintStream out;

  public DebugLogSink(PrintStream out) {
    this.out = out;
  }

  @Override
  public void record(LlmCall c) {
    StringBuilder sb = new StringBuilder(200);
    sb.append("[tollgate] ")
        .append(c.route.provider.configKey)
        .append(' ')
        .append(c.route.operation);
    if (c.route.endpointName != null) {
      sb.append(" endpoint=").append(c.route.endpointName);
    }
    String model = c.responseModel != null ? c.responseModel : c.requestModel;
    if (model == null) {
      model = c.route.pathModel;
    }
    sb.append(" model=").append(model);
    sb.append(" client=").append(c.client);
    sb.append(" status=").append(c.httpStatus);
    sb.append(" stream=").append(c.stream);
    sb.append(String.format(" duration_ms=%.1f", (c.endNanos - c.startNanos) / 1e6));
    if (c.firstChunkNanos != 0) {
      sb.append(String.format(" ttfc_ms=%.1f", (c.firstChunkNanos - c.startNanos) / 1e6));
    }
    sb.append(" tokens{in=").append(n(c.inputTokens));
    sb.append(",out=").append(n(c.outputTokens));
    sb.append(",cache_read=").append(n(c.cacheReadTokens));
    sb.append(",cache_write=").append(n(c.cacheWriteTokens));
    sb.append(",reasoning=").append(n(c.reasoningTokens)).append('}');
    if (c.attempt > 1) {
      sb.append(" attempt=").append(c.attempt);
    }
    if (c.difyTotalPrice != null) {
      sb.append(" dify_price=").append(c.difyTotalPrice).append(' ').append(c.difyCurrency);
    }
    if (c.errorType != null) {
      sb.append(" error=").append(c.errorType);
      if (c.errorCode != null) {
        sb.append('(').append(c.errorCode).append(')');
      }
    }
    out.println(sb);
  }

  private static String n(long v) {
    return v < 0 ? "?" : Long.toString(v);
  }
}
