package dev.tollgate.agent.core.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.agent.core.call.LlmCall;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HeadersTest {
  private static final Clock NOW =
      Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);

  private static HeaderLookup headers(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m::get;
  }

  private static LlmCall call() {
    return new LlmCall(null, "h", 443, "t", 0);
  }

  @Test
  void stainlessRetryCountIsTheAttempt() {
    LlmCall c = call();
    RequestHeaders.inspect(c, headers("x-stainless-retry-count", "2"));
    assertThat(c.attempt).isEqualTo(3);
    LlmCall first = call();
    RequestHeaders.inspect(first, headers("x-stainless-retry-count", "0"));
    assertThat(first.attempt).isEqualTo(1);
    LlmCall bad = call();
    RequestHeaders.inspect(bad, headers("x-stainless-retry-count", "lots"));
    RequestHeaders.inspect(bad, null);
    RequestHeaders.inspect(null, headers());
    assertThat(bad.attempt).isEqualTo(1);
  }

  @Test
  @DisplayName("pitfall 12: OpenAI rate-limit headers with Go durations")
  void openAiRateLimits() {
    LlmCall c = call();
    ResponseHeaders.inspect(
        c,
        headers(
            "x-ratelimit-limit-requests", "500",
            "x-ratelimit-remaining-requests", "499",
            "x-ratelimit-remaining-tokens", "29000",
            "x-ratelimit-reset-requests", "120ms",
            "x-ratelimit-reset-tokens", "6m0s"),
        NOW);
    assertThat(c.rateLimitRemainingRequests).isEqualTo(499);
    assertThat(c.rateLimitRemainingTokens).isEqualTo(29000);
    assertThat(c.rateLimitResetRequestsSeconds).isCloseTo(0.12, within(1e-9));
    assertThat(c.rateLimitResetTokensSeconds).isEqualTo(360.0);
    assertThat(c.retryAfterSeconds).isNaN();
  }

  @Test
  @DisplayName("pitfall 12: Azure's retry-after-ms wins over retry-after")
  void retryAfterMsWins() {
    LlmCall c = call();
    ResponseHeaders.inspect(c, headers("retry-after", "6", "retry-after-ms", "5683"), NOW);
    assertThat(c.retryAfterSeconds).isCloseTo(5.683, within(1e-9));
    LlmCall s = call();
    ResponseHeaders.inspect(s, headers("retry-after", "20"), NOW);
    assertThat(s.retryAfterSeconds).isEqualTo(20.0);
  }

  @Test
  void retryAfterHttpDate() {
    LlmCall c = call();
    ResponseHeaders.inspect(c, headers("retry-after", "Sun, 01 Jun 2025 12:00:45 GMT"), NOW);
    assertThat(c.retryAfterSeconds).isEqualTo(45.0);
    LlmCall past = call();
    ResponseHeaders.inspect(past, headers("retry-after", "Sun, 01 Jun 2025 11:00:00 GMT"), NOW);
    assertThat(past.retryAfterSeconds).isZero();
    LlmCall junk = call();
    ResponseHeaders.inspect(junk, headers("retry-after", "soon"), NOW);
    assertThat(junk.retryAfterSeconds).isNaN();
  }

  @Test
  @DisplayName("pitfall 12: Anthropic resets are RFC 3339 timestamps")
  void anthropicRateLimits() {
    LlmCall c = call();
    ResponseHeaders.inspect(
        c,
        headers(
            "anthropic-ratelimit-requests-limit", "50",
            "anthropic-ratelimit-requests-remaining", "49",
            "anthropic-ratelimit-requests-reset", "2025-06-01T12:00:01Z",
            "anthropic-ratelimit-tokens-remaining", "72000",
            "anthropic-ratelimit-tokens-reset", "2025-06-01T12:00:30.5Z",
            "retry-after", "30"),
        NOW);
    assertThat(c.rateLimitRemainingRequests).isEqualTo(49);
    assertThat(c.rateLimitResetRequestsSeconds).isEqualTo(1.0);
    assertThat(c.rateLimitRemainingTokens).isEqualTo(72000);
    assertThat(c.rateLimitResetTokensSeconds).isEqualTo(30.5);
    assertThat(c.retryAfterSeconds).isEqualTo(30.0);
  }

  @Test
  void anthropicInputOutputTokenLimitsTakeTheTighter() {
    LlmCall c = call();
    ResponseHeaders.inspect(
        c,
        headers(
            "anthropic-ratelimit-input-tokens-remaining", "40000",
            "anthropic-ratelimit-input-tokens-reset", "2025-06-01T12:00:10Z",
            "anthropic-ratelimit-output-tokens-remaining", "8000",
            "anthropic-ratelimit-output-tokens-reset", "2025-06-01T12:00:20+00:00"),
        NOW);
    assertThat(c.rateLimitRemainingTokens).isEqualTo(8000);
    assertThat(c.rateLimitResetTokensSeconds).isEqualTo(20.0);
  }

  @Test
  void malformedHeadersAreIgnored() {
    LlmCall c = call();
    ResponseHeaders.inspect(
        c,
        headers(
            "x-ratelimit-remaining-requests", "-3",
            "x-ratelimit-reset-tokens", "6 minutes",
            "anthropic-ratelimit-requests-reset", "tomorrow"),
        NOW);
    ResponseHeaders.inspect(c, null);
    ResponseHeaders.inspect(null, headers());
    assertThat(c.rateLimitRemainingRequests).isEqualTo(LlmCall.UNKNOWN);
    assertThat(c.rateLimitResetTokensSeconds).isNaN();
    assertThat(c.rateLimitResetRequestsSeconds).isNaN();
  }

  @Test
  void goDurations() {
    assertThat(Durations.seconds("77ms")).isCloseTo(0.077, within(1e-12));
    assertThat(Durations.seconds("1s")).isEqualTo(1.0);
    assertThat(Durations.seconds("6m0s")).isEqualTo(360.0);
    assertThat(Durations.seconds("2h3m4.5s")).isEqualTo(7384.5);
    assertThat(Durations.seconds("20us")).isCloseTo(2e-5, within(1e-15));
    assertThat(Durations.seconds("1.5")).isEqualTo(1.5);
    assertThat(Durations.seconds(" 3s ")).isEqualTo(3.0);
    assertThat(Durations.seconds("")).isNaN();
    assertThat(Durations.seconds("m")).isNaN();
    assertThat(Durations.seconds("1m30")).isNaN();
    assertThat(Durations.seconds("5d")).isNaN();
    assertThat(Durations.seconds(null)).isNaN();
  }
}
