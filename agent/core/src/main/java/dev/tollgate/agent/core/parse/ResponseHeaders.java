package dev.tollgate.agent.core.parse;

import dev.tollgate.agent.core.call.LlmCall;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Reads retry and rate-limit response headers into the call (pitfall 12). Never throws.
 *
 * <ul>
 *   <li>{@code retry-after-ms} (Azure, OpenAI SDK convention) is more precise than {@code
 *       retry-after} and wins; {@code retry-after} is seconds or an HTTP-date.
 *   <li>OpenAI/Azure: {@code x-ratelimit-remaining-requests|tokens} and {@code
 *       x-ratelimit-reset-requests|tokens} as Go durations ({@code 6m0s}).
 *   <li>Anthropic: {@code anthropic-ratelimit-requests|tokens-remaining} and {@code -reset} as RFC
 *       3339 timestamps, turned into seconds from now. Where only the input/output token limits are
 *       sent, the more restrictive one is reported.
 * </ul>
 */
public final class ResponseHeaders {
  private ResponseHeaders() {}

  public static void inspect(LlmCall call, HeaderLookup headers) {
    inspect(call, headers, Clock.systemUTC());
  }

  /**
   * @param wallClock the wall clock that "now" is taken from, for dates in headers
   */
  public static void inspect(LlmCall call, HeaderLookup headers, Clock wallClock) {
    if (call == null || headers == null) {
      return;
    }
    try {
      retryAfter(call, headers, wallClock);
      openAi(call, headers);
      anthropic(call, headers, wallClock);
    } catch (Throwable ignored) {
      // Headers are hints; a malformed one never matters more than the call.
    }
  }

  private static void retryAfter(LlmCall call, HeaderLookup h, Clock clock) {
    double ms = number(h.get("retry-after-ms"));
    if (!Double.isNaN(ms)) {
      call.retryAfterSeconds = ms / 1000.0;
      return;
    }
    String ra = h.get("retry-after");
    if (ra == null) {
      return;
    }
    double s = number(ra);
    if (Double.isNaN(s)) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(ra.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        s = secondsUntil(at.toInstant(), clock);
      } catch (RuntimeException notADate) {
        return;
      }
    }
    call.retryAfterSeconds = s;
  }

  private static void openAi(LlmCall call, HeaderLookup h) {
    long requests = count(h.get("x-ratelimit-remaining-requests"));
    if (requests >= 0) {
      call.rateLimitRemainingRequests = requests;
    }
    long tokens = count(h.get("x-ratelimit-remaining-tokens"));
    if (tokens >= 0) {
      call.rateLimitRemainingTokens = tokens;
    }
    double resetRequests = Durations.seconds(h.get("x-ratelimit-reset-requests"));
    if (!Double.isNaN(resetRequests)) {
      call.rateLimitResetRequestsSeconds = resetRequests;
    }
    double resetTokens = Durations.seconds(h.get("x-ratelimit-reset-tokens"));
    if (!Double.isNaN(resetTokens)) {
      call.rateLimitResetTokensSeconds = resetTokens;
    }
  }

  private static void anthropic(LlmCall call, HeaderLookup h, Clock clock) {
    long requests = count(h.get("anthropic-ratelimit-requests-remaining"));
    if (requests >= 0) {
      call.rateLimitRemainingRequests = requests;
    }
    double resetRequests = timestamp(h.get("anthropic-ratelimit-requests-reset"), clock);
    if (!Double.isNaN(resetRequests)) {
      call.rateLimitResetRequestsSeconds = resetRequests;
    }
    long tokens = count(h.get("anthropic-ratelimit-tokens-remaining"));
    double resetTokens = timestamp(h.get("anthropic-ratelimit-tokens-reset"), clock);
    if (tokens < 0) {
      long in = count(h.get("anthropic-ratelimit-input-tokens-remaining"));
      long out = count(h.get("anthropic-ratelimit-output-tokens-remaining"));
      double inReset = timestamp(h.get("anthropic-ratelimit-input-tokens-reset"), clock);
      double outReset = timestamp(h.get("anthropic-ratelimit-output-tokens-reset"), clock);
      if (in >= 0 && (out < 0 || in <= out)) {
        tokens = in;
        if (Double.isNaN(resetTokens)) {
          resetTokens = inReset;
        }
      } else if (out >= 0) {
        tokens = out;
        if (Double.isNaN(resetTokens)) {
          resetTokens = outReset;
        }
      }
    }
    if (tokens >= 0) {
      call.rateLimitRemainingTokens = tokens;
    }
    if (!Double.isNaN(resetTokens)) {
      call.rateLimitResetTokensSeconds = resetTokens;
    }
  }

  private static double timestamp(String v, Clock clock) {
    if (v == null) {
      return Double.NaN;
    }
    try {
      return secondsUntil(OffsetDateTime.parse(v.trim()).toInstant(), clock);
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  private static double secondsUntil(Instant at, Clock clock) {
    long ms = at.toEpochMilli() - clock.millis();
    return Math.max(0, ms) / 1000.0;
  }

  private static double number(String v) {
    if (v == null) {
      return Double.NaN;
    }
    try {
      double d = Double.parseDouble(v.trim());
      return d >= 0 && !Double.isInfinite(d) ? d : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static long count(String v) {
    if (v == null) {
      return LlmCall.UNKNOWN;
    }
    try {
      long n = Long.parseLong(v.trim());
      return n >= 0 ? n : LlmCall.UNKNOWN;
    } catch (NumberFormatException e) {
      return LlmCall.UNKNOWN;
    }
  }
}
