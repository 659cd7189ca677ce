package dev.tollgate.controller.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.controller.policy.ErrorKind;
import dev.tollgate.controller.policy.RetryPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryDeciderTest {
  private static final long S = 1_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final long NOW = 100 * S;

  private static RetryDecider decider(RetryPolicy p) {
    RetryDecider d = new RetryDecider(p, () -> 0.5, NOW);
    for (int i = 0; i < 1000; i++) {
      d.budget().onFirstAttempt(NOW); // plenty of budget unless a test says otherwise
    }
    return d;
  }

  private static RetryPolicy policy() {
    return RetryPolicy.builder()
        .maxAttempts(4)
        .baseDelay(Duration.ofMillis(500))
        .maxDelay(Duration.ofSeconds(20))
        .build();
  }

  private static RetryDecision decide(RetryDecider d, int attempt, int status, ErrorKind kind) {
    return d.decide(attempt, status, kind, null, -1, false, -1, NOW);
  }

  @Test
  void retriesTheDefaultStatusesAndConnectErrors() {
    RetryDecider d = decider(policy());
    for (int status : new int[] {408, 429, 500, 502, 503, 504, 529}) {
      RetryDecision r = decide(d, 1, status, ErrorKind.NONE);
      assertThat(r.retry()).as("status %d", status).isTrue();
      assertThat(r.reason().label()).isEqualTo(String.valueOf(status));
    }
    assertThat(decide(d, 1, 0, ErrorKind.CONNECT).reason()).isEqualTo(RetryReason.CONNECT_ERROR);
    for (int status : new int[] {200, 400, 401, 404, 409, 422, 501}) {
      assertThat(decide(d, 1, status, ErrorKind.NONE).denial())
          .as("status %d", status)
          .isEqualTo(NoRetryReason.NOT_RETRYABLE);
    }
    // Timeouts may have cost tokens upstream: not retried unless configured.
    assertThat(decide(d, 1, 0, ErrorKind.TIMEOUT).denial()).isEqualTo(NoRetryReason.NOT_RETRYABLE);
    assertThat(decide(d, 1, 0, ErrorKind.CANCELLED).denial())
        .isEqualTo(NoRetryReason.NOT_RETRYABLE);
  }

  @Test
  void backoffIsFullJitterWithinTheCap() {
    RetryDecider d = new RetryDecider(policy(), () -> 0.5, NOW);
    for (int i = 0; i < 100; i++) {
      d.budget().onFirstAttempt(NOW);
    }
    assertThat(decide(d, 1, 503, ErrorKind.NONE).delayNanos()).isEqualTo(250 * MS);
    assertThat(decide(d, 2, 503, ErrorKind.NONE).delayNanos()).isEqualTo(500 * MS);
    assertThat(decide(d, 3, 503, ErrorKind.NONE).delayNanos()).isEqualTo(1_000 * MS);
    assertThat(decide(d, 3, 503, ErrorKind.NONE).serverDelay()).isFalse();
  }

  @Test
  void theServerDelayWins() {
    RetryDecider d = decider(policy());
    RetryDecision r =
        d.decide(1, 429, ErrorKind.NONE, "rate_limit_exceeded", 7 * S, false, -1, NOW);
    assertThat(r.retry()).isTrue();
    assertThat(r.delayNanos()).isEqualTo(7 * S);
    assertThat(r.serverDelay()).isTrue();
    // Even a delay above the computed backoff's cap, up to max_server_delay (60 s)...
    assertThat(d.decide(1, 429, ErrorKind.NONE, null, 45 * S, false, -1, NOW).delayNanos())
        .isEqualTo(45 * S);
    // ...beyond which the application gets the 429 now rather than a minute-long hang.
    assertThat(d.decide(1, 429, ErrorKind.NONE, null, 61 * S, false, -1, NOW).denial())
        .isEqualTo(NoRetryReason.RETRY_AFTER_TOO_LONG);
  }

  @Test
  void neverRetriesInsufficientQuota() {
    RetryDecider d = decider(policy());
    RetryDecision r = d.decide(1, 429, ErrorKind.NONE, "insufficient_quota", 1 * S, false, -1, NOW);
    assertThat(r.retry()).isFalse();
    assertThat(r.denial()).isEqualTo(NoRetryReason.INSUFFICIENT_QUOTA);
  }

  @Test
  void neverRetriesOnceResponseBytesReachedTheApplication() {
    RetryDecider d = decider(policy());
    assertThat(
            d.decide(1, 200, ErrorKind.STREAM_ERROR, "overloaded_error", -1, true, -1, NOW)
                .denial())
        .isEqualTo(NoRetryReason.RESPONSE_STARTED);
    assertThat(d.decide(1, 503, ErrorKind.NONE, null, -1, true, -1, NOW).denial())
        .isEqualTo(NoRetryReason.RESPONSE_STARTED);
  }

  @Test
  void leavesRetriesToAnSdkThatRetriesItself() {
    RetryDecider d = decider(policy());
    assertThat(d.decide(1, 503, ErrorKind.NONE, null, -1, false, 0, NOW).denial())
        .isEqualTo(NoRetryReason.SDK_RETRIES);
    RetryDecider own =
        decider(RetryPolicy.builder().maxAttempts(4).respectSdkRetries(false).build());
    assertThat(own.decide(1, 503, ErrorKind.NONE, null, -1, false, 0, NOW).retry()).isTrue();
  }

  @Test
  void stopsAtMaxAttempts() {
    RetryDecider d = decider(policy());
    assertThat(decide(d, 3, 503, ErrorKind.NONE).retry()).isTrue();
    assertThat(decide(d, 4, 503, ErrorKind.NONE).denial()).isEqualTo(NoRetryReason.MAX_ATTEMPTS);
    RetryDecider none = decider(RetryPolicy.builder().maxAttempts(1).build());
    assertThat(decide(none, 1, 503, ErrorKind.NONE).denial()).isEqualTo(NoRetryReason.MAX_ATTEMPTS);
  }

  @Test
  void stopsWhenTheBudgetIsSpent() {
    RetryDecider d =
        new RetryDecider(
            RetryPolicy.builder().budget(0.10).minRetriesPerSecond(0).build(), () -> 0.5, NOW);
    for (int i = 0; i < 30; i++) {
      d.budget().onFirstAttempt(NOW);
    }
    assertThat(decide(d, 1, 503, ErrorKind.NONE).retry()).isTrue();
    assertThat(decide(d, 1, 503, ErrorKind.NONE).retry()).isTrue();
    assertThat(decide(d, 1, 503, ErrorKind.NONE).retry()).isTrue();
    assertThat(decide(d, 1, 503, ErrorKind.NONE).denial())
        .isEqualTo(NoRetryReason.BUDGET_EXHAUSTED);
  }

  @Test
  void configuredRetryOnReplacesTheDefaults() {
    RetryDecider d =
        decider(
            RetryPolicy.builder()
                .retryOn(new int[] {503}, ErrorKind.TIMEOUT, ErrorKind.CONNECT)
                .build());
    assertThat(decide(d, 1, 503, ErrorKind.NONE).retry()).isTrue();
    assertThat(decide(d, 1, 429, ErrorKind.NONE).retry()).isFalse();
    assertThat(decide(d, 1, 0, ErrorKind.TIMEOUT).reason()).isEqualTo(RetryReason.TIMEOUT);
  }

  @Test
  void onlyThePolicysOwnRefusalsAreFinal() {
    // A client with its own retry stage (Apache) is held back only when the policy itself said
    // no; without a policy, or when an SDK retries, its retries go ahead as without the agent.
    assertThat(NoRetryReason.NOT_CONFIGURED.policyDecided()).isFalse();
    assertThat(NoRetryReason.SDK_RETRIES.policyDecided()).isFalse();
    for (NoRetryReason r :
        new NoRetryReason[] {
          NoRetryReason.NOT_RETRYABLE,
          NoRetryReason.RESPONSE_STARTED,
          NoRetryReason.INSUFFICIENT_QUOTA,
          NoRetryReason.MAX_ATTEMPTS,
          NoRetryReason.RETRY_AFTER_TOO_LONG,
          NoRetryReason.BUDGET_EXHAUSTED
        }) {
      assertThat(r.policyDecided()).as(r.label()).isTrue();
    }
  }

  @Test
  void decisionsDescribeThemselves() {
    RetryDecider d = decider(policy());
    assertThat(decide(d, 1, 503, ErrorKind.NONE).toString()).contains("retry after", "503");
    assertThat(decide(d, 9, 503, ErrorKind.NONE).toString()).contains("max_attempts");
  }
}
