package dev.tollgate.agent.core.parse;

import dev.tollgate.agent.core.call.LlmCall;

/** Reads request headers: the OpenAI and Anthropic SDKs number their retries. Never throws. */
public final class RequestHeaders {
  private RequestHeaders() {}

  public static void inspect(LlmCall call, HeaderLookup headers) {
    if (call == null || headers == null) {
      return;
    }
    try {
      // x-stainless-retry-count: 0 on the first attempt (Stainless-generated SDKs: OpenAI,
      // Anthropic, and their Java/Go/Python/Node variants).
      String retries = headers.get("x-stainless-retry-count");
      if (retries != null) {
        int n = Integer.parseInt(retries.trim());
        if (n >= 0 && n < Integer.MAX_VALUE) {
          call.attempt = n + 1;
        }
      }
    } catch (Throwable ignored) {
      // A malformed header leaves the attempt as it was.
    }
  }
}
