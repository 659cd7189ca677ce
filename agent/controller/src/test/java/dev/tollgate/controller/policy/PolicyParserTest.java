package dev.tollgate.controller.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyParserTest {

  /** The shape from issue 4, as a YAML parser hands it over. */
  private static Map<String, Object> issueExample() {
    return map(
        "name", "dify-prod",
        "url", "https://dify.internal/v1",
        "provider", "dify",
        "rate_limit", map("requests_per_second", 50, "burst", 100, "tokens_per_minute", 400000),
        "concurrency", map("max", 64, "queue", 10000, "max_wait", "5s"),
        "retry", map("max_attempts", 4, "base_delay", "500ms", "max_delay", "20s", "budget", "10%"),
        "circuit_breaker",
            map(
                "failure_rate",
                "50%",
                "slow_call",
                "30s",
                "window",
                20,
                "min_calls",
                10,
                "open_for",
                "30s",
                "half_open_calls",
                3));
  }

  @Test
  void parsesTheIssueExample() {
    EndpointPolicy p = PolicyParser.parseEndpoint(issueExample());
    assertThat(p.name()).isEqualTo("dify-prod");
    assertThat(p.rateLimit().requestsPerSecond()).isEqualTo(50);
    assertThat(p.rateLimit().burst()).isEqualTo(100);
    assertThat(p.rateLimit().tokensPerMinute()).isEqualTo(400_000);
    assertThat(p.rateLimit().tokenBurst()).isEqualTo(400_000);
    assertThat(p.rateLimit().respectRetryAfter()).isTrue();
    assertThat(p.rateLimit().maxPauseNanos()).isEqualTo(Duration.ofSeconds(60).toNanos());
    assertThat(p.concurrency().adaptive()).isFalse();
    assertThat(p.concurrency().max()).isEqualTo(64);
    assertThat(p.concurrency().queue()).isEqualTo(10_000);
    assertThat(p.concurrency().maxWaitNanos()).isEqualTo(Duration.ofSeconds(5).toNanos());
    assertThat(p.retry().maxAttempts()).isEqualTo(4);
    assertThat(p.retry().baseDelayNanos()).isEqualTo(Duration.ofMillis(500).toNanos());
    assertThat(p.retry().maxDelayNanos()).isEqualTo(Duration.ofSeconds(20).toNanos());
    assertThat(p.retry().budget()).isEqualTo(0.10);
    assertThat(p.retry().statuses()).containsExactly(408, 429, 500, 502, 503, 504, 529);
    assertThat(p.retry().retriesKind(ErrorKind.CONNECT)).isTrue();
    assertThat(p.retry().retriesKind(ErrorKind.TIMEOUT)).isFalse();
    assertThat(p.retry().respectSdkRetries()).isTrue();
    CircuitBreakerPolicy b = p.circuitBreaker();
    assertThat(b.failureRate()).isEqualTo(0.5);
    assertThat(b.slowCallNanos()).isEqualTo(Duration.ofSeconds(30).toNanos());
    assertThat(b.windowSize()).isEqualTo(20);
    assertThat(b.timeBased()).isFalse();
    assertThat(b.minCalls()).isEqualTo(10);
    assertThat(b.openForNanos()).isEqualTo(Duration.ofSeconds(30).toNanos());
    assertThat(b.halfOpenCalls()).isEqualTo(3);
    assertThat(b.count429AsFailure()).isFalse();
    assertThat(b.halfOpenTimeoutNanos()).isEqualTo(Duration.ofSeconds(60).toNanos());
  }

  @Test
  void retryAfterPauseKeys() {
    EndpointPolicy p =
        PolicyParser.parseEndpoint(
            "x",
            map(
                "rate_limit",
                map("requests_per_second", 5, "respect_retry_after", false, "max_pause", "2m")));
    assertThat(p.rateLimit().respectRetryAfter()).isFalse();
    assertThat(p.rateLimit().maxPauseNanos()).isEqualTo(Duration.ofMinutes(2).toNanos());
    expectError(
        map("rate_limit", map("requests_per_second", 5, "max_pause", 30)),
        "rate_limit.max_pause",
        "30s");
  }

  @Test
  void adaptiveConcurrencyAndDefaults() {
    EndpointPolicy p =
        PolicyParser.parseEndpoint(
            "x", map("concurrency", map("adaptive", true, "min", 4, "max", 256)));
    assertThat(p.concurrency().adaptive()).isTrue();
    assertThat(p.concurrency().min()).isEqualTo(4);
    assertThat(p.concurrency().max()).isEqualTo(256);
    assertThat(p.concurrency().initial()).isEqualTo(16);
    assertThat(p.concurrency().queue()).isEqualTo(1000);
    assertThat(p.rateLimit()).isNull();
    assertThat(p.retry()).isNull();
    assertThat(p.circuitBreaker()).isNull();
  }

  @Test
  void timeBasedWindowAndOptionalKeys() {
    EndpointPolicy p =
        PolicyParser.parseEndpoint(
            "x",
            map(
                "circuit_breaker",
                map(
                    "window",
                    "60s",
                    "min_calls",
                    20,
                    "count_429",
                    true,
                    "slow_call_rate",
                    0.8,
                    "half_open_timeout",
                    "2m"),
                "retry",
                map(
                    "retry_on",
                    Arrays.asList(429, "5xx", "connect_error", "timeout"),
                    "respect_sdk_retries",
                    false,
                    "budget_window",
                    "30s",
                    "min_retries_per_second",
                    0.5,
                    "max_server_delay",
                    "2m")));
    assertThat(p.circuitBreaker().timeBased()).isTrue();
    assertThat(p.circuitBreaker().windowNanos()).isEqualTo(Duration.ofSeconds(60).toNanos());
    assertThat(p.circuitBreaker().count429AsFailure()).isTrue();
    assertThat(p.circuitBreaker().slowCallRate()).isEqualTo(0.8);
    assertThat(p.circuitBreaker().halfOpenTimeoutNanos())
        .isEqualTo(Duration.ofMinutes(2).toNanos());
    RetryPolicy r = p.retry();
    assertThat(r.statuses()).hasSize(101).contains(429, 500, 529, 599).doesNotContain(408);
    assertThat(r.retriesKind(ErrorKind.TIMEOUT)).isTrue();
    assertThat(r.respectSdkRetries()).isFalse();
    assertThat(r.budgetWindowNanos()).isEqualTo(Duration.ofSeconds(30).toNanos());
    assertThat(r.minRetriesPerSecond()).isEqualTo(0.5);
  }

  @Test
  void modelOverrides() {
    Map<String, Object> m = issueExample();
    m.put("models", map("gpt-4o", map("rate_limit", map("tokens_per_minute", 30000))));
    EndpointPolicy p = PolicyParser.parseEndpoint(m);
    EndpointPolicy o = p.models().get("gpt-4o");
    assertThat(o.rateLimit().tokensPerMinute()).isEqualTo(30_000);
    assertThat(o.rateLimit().hasRequestLimit()).isFalse();
    assertThat(o.concurrency()).isNull(); // inherited, and shared, at run time
  }

  @Test
  void durations() {
    assertThat(PolicyParser.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(PolicyParser.parseDuration("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(PolicyParser.parseDuration("20s")).isEqualTo(Duration.ofSeconds(20));
    assertThat(PolicyParser.parseDuration("1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(PolicyParser.parseDuration("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(PolicyParser.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(PolicyParser.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(PolicyParser.parseDuration("250us")).isEqualTo(Duration.ofNanos(250_000));
    assertThat(PolicyParser.parseDuration(" 10 S ".replace(" ", "")))
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(PolicyParser.parseDuration("0")).isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> PolicyParser.parseDuration("5"))
        .hasMessageContaining("needs a unit")
        .hasMessageContaining("5s");
    assertThatThrownBy(() -> PolicyParser.parseDuration("5 days")).hasMessageContaining("unit");
    assertThatThrownBy(() -> PolicyParser.parseDuration("soon"))
        .hasMessageContaining("not a duration");
    assertThatThrownBy(() -> PolicyParser.parseDuration("5y"))
        .hasMessageContaining("unknown unit 'y'");
  }

  @Test
  void shares() {
    assertThat(PolicyParser.parseShare("10%")).isEqualTo(0.10);
    assertThat(PolicyParser.parseShare("50 %")).isEqualTo(0.5);
    assertThat(PolicyParser.parseShare(0.1)).isEqualTo(0.1);
    assertThat(PolicyParser.parseShare("0.25")).isEqualTo(0.25);
    assertThat(PolicyParser.parseShare(1)).isEqualTo(1.0);
    assertThatThrownBy(() -> PolicyParser.parseShare(50)).hasMessageContaining("ambiguous");
    assertThatThrownBy(() -> PolicyParser.parseShare("150%")).hasMessageContaining("between");
    assertThatThrownBy(() -> PolicyParser.parseShare("lots")).hasMessageContaining("not a share");
  }

  @Test
  void unknownKeysAreNamedWithTheEndpointAndTheAlternatives() {
    Map<String, Object> m = map("retry", map("max_atempts", 3));
    assertThatThrownBy(() -> PolicyParser.parseEndpoint("dify-prod", m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("endpoint 'dify-prod': retry.max_atempts: unknown key")
        .hasMessageContaining("max_attempts");
  }

  @Test
  void badValuesAreNamedWithTheKey() {
    expectError(map("concurrency", map("max", 64, "max_wait", 5)), "concurrency.max_wait", "5s");
    expectError(map("concurrency", map("max", "lots")), "concurrency.max", "whole number");
    expectError(map("concurrency", map("max", 0)), "concurrency.max", "at least 1");
    expectError(
        map("concurrency", map("adaptive", "yes")), "concurrency.adaptive", "true or false");
    expectError(
        map("concurrency", map("adaptive", true, "min", 10, "max", 5)), "concurrency.max", "min");
    expectError(map("concurrency", map("max", 4, "min", 2)), "concurrency.min", "adaptive");
    expectError(map("retry", map("budget", 10)), "retry.budget", "10%");
    expectError(map("retry", map("max_attempts", 0)), "retry.max_attempts", "between 1 and 20");
    expectError(
        map("retry", map("base_delay", "5s", "max_delay", "1s")), "retry.max_delay", "base_delay");
    expectError(
        map("retry", map("retry_on", Arrays.asList(429, "teapot"))), "retry.retry_on", "teapot");
    expectError(map("retry", map("retry_on", Arrays.asList(999))), "retry.retry_on", "999");
    expectError(map("rate_limit", map("burst", 10)), "rate_limit.", "requests_per_second");
    expectError(
        map("rate_limit", map("requests_per_second", -1)),
        "rate_limit.requests_per_second",
        "between");
    expectError(
        map("circuit_breaker", map("failure_rate", "0%")),
        "circuit_breaker.failure_rate",
        "above 0%");
    expectError(
        map("circuit_breaker", map("window", 5, "min_calls", 10)),
        "circuit_breaker.min_calls",
        "window");
    expectError(
        map("circuit_breaker", map("window", "500ms")), "circuit_breaker.window", "at least 1s");
    expectError(map("circuit_breaker", "on"), "circuit_breaker", "must be a map");
    expectError(map("models", map("gpt-4o", map("url", "x"))), "models.gpt-4o", "unknown key");
    expectError(
        map("models", map("gpt-4o", map("retry", map("max_attempts", "x")))),
        "models.gpt-4o.retry.max_attempts",
        "whole number");
  }

  @Test
  void anEndpointNeedsAName() {
    assertThatThrownBy(() -> PolicyParser.parseEndpoint(map("url", "x")))
        .hasMessageContaining("name");
  }

  @Test
  void agentKeysAreIgnored() {
    EndpointPolicy p =
        PolicyParser.parseEndpoint("x", map("url", "u", "provider", "openai", "match", List.of()));
    assertThat(p.isEmpty()).isTrue();
  }

  private static void expectError(Map<String, Object> m, String key, String hint) {
    assertThatThrownBy(() -> PolicyParser.parseEndpoint("ep", m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("endpoint 'ep': " + key)
        .hasMessageContaining(hint);
  }

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
