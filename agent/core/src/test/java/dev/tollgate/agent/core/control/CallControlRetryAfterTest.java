package dev.tollgate.agent.core.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.agent.core.CallTracker;
import dev.tollgate.agent.core.TrackedCall;
import dev.tollgate.agent.core.call.Provider;
import dev.tollgate.agent.core.call.Route;
import dev.tollgate.agent.core.detect.Recognizer;
import dev.tollgate.controller.Controller;
import dev.tollgate.controller.EndpointMetrics;
import dev.tollgate.controller.policy.EndpointPolicy;
import dev.tollgate.controller.policy.RateLimitPolicy;
import dev.tollgate.controller.policy.RetryPolicy;
import dev.tollgate.controller.retry.RetryDecision;
import dev.tollgate.controller.time.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A 429 with Retry-After reaches the controller and pauses the endpoint for the next callers. */
class CallControlRetryAfterTest {
  private static final long S = 1_000_000_000L;
  private static final long MS = 1_000_000L;
  private final FakeClock clock = new FakeClock();
  private final Controller controller =
      Controller.builder()
          .clock(clock)
          .sleeper(clock)
          .endpoint(
              EndpointPolicy.builder("llm")
                  .rateLimit(
                      RateLimitPolicy.builder()
                          .requestsPerSecond(100)
                          .maxWait(Duration.ofSeconds(10))
                          .build())
                  .retry(RetryPolicy.builder().maxAttempts(3).build())
                  .build())
          .build();
  private final CallTracker tracker =
      new CallTracker(
          new Recognizer(List.of()), call -> {}, clock::nanoTime, new CallControl(controller));
  private final Route route =
      new Route(Provider.OPENAI, Route.Api.OPENAI_CHAT, "chat", "llm", null);
  private final EndpointMetrics metrics = controller.metrics("llm", null);

  private TrackedCall answered429(String retryAfter) throws Exception {
    TrackedCall t = tracker.start(route, "llm.internal", 443, "test");
    tracker.admit(t);
    tracker.response(t, 429, name -> name.equals("retry-after") ? retryAfter : null, null);
    return t;
  }

  @Test
  void aCallThatIsNotRetriedPausesTheEndpointWhenItEnds() throws Exception {
    TrackedCall t = answered429("3");
    tracker.finish(t); // the application read the 429 (or an SDK will retry it itself)
    assertThat(metrics.pausedNanos()).isEqualTo(3 * S);

    long before = clock.nanoTime();
    tracker.admit(tracker.start(route, "llm.internal", 443, "test"));
    assertThat(clock.nanoTime() - before).as("the next call waited out the pause").isEqualTo(3 * S);
  }

  @Test
  void aCallTheControllerRetriesPausesItOnceWhenItDecides() throws Exception {
    TrackedCall t = answered429("2");
    RetryDecision d = tracker.retryDecision(t, false);
    assertThat(d).isNotNull();
    assertThat(metrics.pausedNanos()).isEqualTo(2 * S);
    clock.advance(10, TimeUnit.MILLISECONDS); // the withheld response is discarded
    tracker.finish(t);
    assertThat(metrics.pausedNanos())
        .as("not pushed back by the end of the call")
        .isEqualTo(1_990 * MS);
    assertThat(metrics.pauses()).isEqualTo(1);
  }
}
