package dev.tollgate.sidecar.alerts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tollgate.sidecar.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Receivers against WireMock: the exact bodies, retries, and isolation of a slow receiver. */
class NotifierTest {
  private static final Instant ACTIVE = Instant.parse("2026-11-27T10:00:15Z");
  private static final Instant FIRED = Instant.parse("2026-11-27T10:01:15Z");
  private static final Instant RESOLVED = Instant.parse("2026-11-27T10:09:00Z");
  private static final Receiver.Delivery FAST_RETRY =
      new Receiver.Delivery(3, Duration.ofMillis(50), Duration.ofMillis(200));

  private final WireMockServer wm = new WireMockServer(options().dynamicPort());
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:01:15Z"));
  private Notifier notifier;

  private static final Rule RULE =
      new RuleParser(Set.of())
          .parse(
              """
              rules:
                - name: HighP95Latency
                  metric: p95_latency_ms
                  scope: {group_by: [endpoint]}
                  threshold: 3000
                  for: 1m
                  severity: warning
                  annotations:
                    summary: "p95 {{value}} ms on {{labels.endpoint}}"
                    description: "Slow calls > {{threshold}} ms"
              """,
              "t")
          .rules()
          .get(0);

  private static final Map<String, String> LABELS =
      Map.of("alertname", "HighP95Latency", "severity", "warning", "endpoint", "openai-main");
  private static final Map<String, String> ANNOTATIONS =
      Map.of("summary", "p95 4210.5 ms on openai-main", "description", "Slow calls > 3000 ms");

  private static AlertView firing() {
    return new AlertView(
        "0123456789abcdef",
        RULE,
        "HighP95Latency",
        "firing",
        LABELS,
        ANNOTATIONS,
        4210.5,
        ACTIVE,
        FIRED,
        null,
        "http://127.0.0.1:4318/api/v1/alerts?name=HighP95Latency",
        List.of());
  }

  private static AlertView resolved() {
    return new AlertView(
        "0123456789abcdef",
        RULE,
        "HighP95Latency",
        "resolved",
        LABELS,
        ANNOTATIONS,
        1800,
        ACTIVE,
        FIRED,
        RESOLVED,
        "http://127.0.0.1:4318/api/v1/alerts?name=HighP95Latency",
        List.of());
  }

  @BeforeEach
  void start() {
    wm.start();
  }

  @AfterEach
  void stop() {
    if (notifier != null) {
      notifier.close(Duration.ofMillis(100));
    }
    wm.stop();
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + wm.port() + path);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(20);
    }
  }

  @Test
  void webhookBodyIsExactlyAsDocumented() throws Exception {
    wm.stubFor(post("/hook").willReturn(aResponse().withStatus(200)));
    Receiver r =
        new Receiver.Webhook(
            "ops",
            url("/hook"),
            Duration.ofSeconds(5),
            Map.of("X-Token", "s3cret"),
            true,
            FAST_RETRY);
    notifier = new Notifier(List.of(r), clock, Duration.ofSeconds(15));
    notifier.dispatch(List.of(new Notification(Evaluator.Event.FIRING, firing())));
    await(() -> notifier.count("ops", "success") == 1);
    notifier.dispatch(List.of(new Notification(Evaluator.Event.RESOLVED, resolved())));
    await(() -> notifier.count("ops", "success") == 2);

    String firingBody =
        """
        {"version": "1", "source": "tollgate-sidecar", "receiver": "ops", "status": "firing",
         "alerts": [{
           "event": "firing", "status": "firing", "name": "HighP95Latency", "severity": "warning",
           "metric": "p95_latency_ms", "comparison": ">", "threshold": 3000, "value": 4210.5,
           "window": "5m",
           "labels": {"alertname": "HighP95Latency", "endpoint": "openai-main", "severity": "warning"},
           "annotations": {"description": "Slow calls > 3000 ms", "summary": "p95 4210.5 ms on openai-main"},
           "activeAt": "2026-11-27T10:00:15Z", "startsAt": "2026-11-27T10:01:15Z", "endsAt": null,
           "fingerprint": "0123456789abcdef",
           "generatorURL": "http://127.0.0.1:4318/api/v1/alerts?name=HighP95Latency"}]}
        """;
    wm.verify(
        postRequestedFor(urlEqualTo("/hook"))
            .withHeader("Content-Type", equalTo("application/json"))
            .withHeader("X-Token", equalTo("s3cret"))
            .withRequestBody(equalToJson(firingBody, false, false)));
    String resolvedBody =
        firingBody
            .replace(
                "\"status\": \"firing\",\n \"alerts\"", "\"status\": \"resolved\",\n \"alerts\"")
            .replace(
                "\"event\": \"firing\", \"status\": \"firing\"",
                "\"event\": \"resolved\", \"status\": \"resolved\"")
            .replace("\"value\": 4210.5", "\"value\": 1800")
            .replace("\"endsAt\": null", "\"endsAt\": \"2026-11-27T10:09:00Z\"");
    wm.verify(
        postRequestedFor(urlEqualTo("/hook"))
            .withRequestBody(equalToJson(resolvedBody, false, false)));
  }

  @Test
  void slackMessageHasTextAndBlocks() throws Exception {
    wm.stubFor(
        post("/services/T000/B000/XXXX").willReturn(aResponse().withStatus(200).withBody("ok")));
    Receiver r =
        new Receiver.Slack(
            "slack",
            url("/services/T000/B000/XXXX"),
            Duration.ofSeconds(5),
            Map.of(),
            true,
            FAST_RETRY);
    notifier = new Notifier(List.of(r), clock, Duration.ofSeconds(15));
    notifier.dispatch(List.of(new Notification(Evaluator.Event.FIRING, firing())));
    await(() -> notifier.count("slack", "success") == 1);
    String body =
        """
        {"text": "[FIRING:1] HighP95Latency",
         "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text":
           "*FIRING: HighP95Latency* (warning)\\np95 4210.5 ms on openai-main\\nSlow calls &gt; 3000 ms\\np95_latency_ms 4210.5 (threshold &gt; 3000, window 5m)\\n`endpoint=openai-main`"}}]}
        """;
    wm.verify(
        postRequestedFor(urlEqualTo("/services/T000/B000/XXXX"))
            .withRequestBody(equalToJson(body, false, false)));
    // The receiver's string form never carries its URL (a Slack URL is a credential).
    assertThat(r.toString()).doesNotContain("T000").doesNotContain("hooks");
  }

  @Test
  void alertmanagerGetsV2AlertsAndIsRemindedWhileFiring() throws Exception {
    wm.stubFor(post("/api/v2/alerts").willReturn(aResponse().withStatus(200)));
    Receiver r =
        new Receiver.Alertmanager(
            "am", url(""), Duration.ofSeconds(5), Map.of(), FAST_RETRY, Duration.ofMinutes(1));
    notifier = new Notifier(List.of(r), clock, Duration.ofSeconds(15));
    notifier.dispatch(List.of(new Notification(Evaluator.Event.FIRING, firing())));
    await(() -> notifier.count("am", "success") == 1);
    String firingBody =
        """
        [{"labels": {"alertname": "HighP95Latency", "endpoint": "openai-main", "severity": "warning"},
          "annotations": {"description": "Slow calls > 3000 ms", "summary": "p95 4210.5 ms on openai-main",
                          "threshold": "> 3000", "value": "4210.5"},
          "startsAt": "2026-11-27T10:01:15Z", "endsAt": "2026-11-27T10:05:15Z",
          "generatorURL": "http://127.0.0.1:4318/api/v1/alerts?name=HighP95Latency"}]
        """;
    wm.verify(
        postRequestedFor(urlEqualTo("/api/v2/alerts"))
            .withRequestBody(equalToJson(firingBody, false, false)));

    // Re-sent every resend interval while firing, with endsAt moved ahead.
    notifier.resendFiring(List.of(firing()));
    await(() -> notifier.count("am", "success") == 2);
    clock.advance(Duration.ofSeconds(30));
    notifier.resendFiring(List.of(firing())); // too soon
    clock.advance(Duration.ofSeconds(30));
    notifier.resendFiring(List.of(firing()));
    await(() -> notifier.count("am", "success") == 3);
    wm.verify(
        postRequestedFor(urlEqualTo("/api/v2/alerts"))
            .withRequestBody(
                equalToJson(firingBody.replace("10:05:15Z", "10:06:15Z"), false, false)));

    // Resolved: endsAt is when it resolved.
    notifier.dispatch(List.of(new Notification(Evaluator.Event.RESOLVED, resolved())));
    await(() -> notifier.count("am", "success") == 4);
    String resolvedBody =
        firingBody
            .replace("\"endsAt\": \"2026-11-27T10:05:15Z\"", "\"endsAt\": \"2026-11-27T10:09:00Z\"")
            .replace("\"value\": \"4210.5\"", "\"value\": \"1800\"");
    wm.verify(
        postRequestedFor(urlEqualTo("/api/v2/alerts"))
            .withRequestBody(equalToJson(resolvedBody, false, false)));
    // Repeats are not sent to Alertmanager (the resends do that job).
    notifier.dispatch(List.of(new Notification(Evaluator.Event.REPEAT, firing())));
    Thread.sleep(200);
    assertThat(wm.findAll(postRequestedFor(urlEqualTo("/api/v2/alerts")))).hasSize(4);
  }

  @Test
  void aFailedPostIsRetriedWithBackoff() throws Exception {
    wm.stubFor(
        post("/hook")
            .inScenario("flaky")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withStatus(500))
            .willSetStateTo("recovered"));
    wm.stubFor(
        post("/hook")
            .inScenario("flaky")
            .whenScenarioStateIs("recovered")
            .willReturn(aResponse().withStatus(200)));
    Receiver r =
        new Receiver.Webhook(
            "ops", url("/hook"), Duration.ofSeconds(5), Map.of(), true, FAST_RETRY);
    notifier = new Notifier(List.of(r), clock, Duration.ofSeconds(15));
    notifier.dispatch(List.of(new Notification(Evaluator.Event.FIRING, firing())));
    await(() -> notifier.count("ops", "success") == 1);
    assertThat(notifier.count("ops", "retry")).isEqualTo(1);
    assertThat(notifier.count("ops", "failure")).isZero();
    assertThat(wm.findAll(postRequestedFor(urlEqualTo("/hook")))).hasSize(2);
  }

  @Test
  void aClientErrorIsNotRetriedAndPersistentFailureGivesUp() throws Exception {
    wm.stubFor(post("/bad").willReturn(aResponse().withStatus(400)));
    wm.stubFor(post("/down").willReturn(aResponse().withStatus(503)));
    Receiver bad =
        new Receiver.Webhook("bad", url("/bad"), Duration.ofSeconds(5), Map.of(), true, FAST_RETRY);
    Receiver down =
        new Receiver.Webhook(
            "down", url("/down"), Duration.ofSeconds(5), Map.of(), true, FAST_RETRY);
    notifier = new Notifier(List.of(bad, down), clock, Duration.ofSeconds(15));
    notifier.dispatch(List.of(new Notification(Evaluator.Event.FIRING, firing())));
    await(() -> notifier.count("bad", "failure") == 1 && notifier.count("down", "failure") == 1);
    assertThat(wm.findAll(postRequestedFor(urlEqualTo("/bad")))).hasSize(1);
    assertThat(wm.findAll(postRequestedFor(urlEqualTo("/down")))).hasSize(3); // max_attempts
    assertThat(notifier.count("down", "retry")).isEqualTo(2);
  }

  @Test
  void aSlowReceiverDelaysNeitherDispatchNorOtherReceivers() throws Exception {
    wm.stubFor(post("/slow").willReturn(aResponse().withStatus(200).withFixedDelay(5000)));
    wm.stubFor(post("/fast").willReturn(aResponse().withStatus(200)));
    Receiver slow =
        new Receiver.Webhook(
            "slow", url("/slow"), Duration.ofSeconds(30), Map.of(), true, FAST_RETRY);
    Receiver fast =
        new Receiver.Webhook(
            "fast", url("/fast"), Duration.ofSeconds(30), Map.of(), true, FAST_RETRY);
    notifier = new Notifier(List.of(slow, fast), clock, Duration.ofSeconds(15));
    long t0 = System.nanoTime();
    notifier.dispatch(List.of(new Notification(Evaluator.Event.FIRING, firing())));
    notifier.dispatch(List.of(new Notification(Evaluator.Event.RESOLVED, resolved())));
    long dispatchMillis = (System.nanoTime() - t0) / 1_000_000;
    await(() -> notifier.count("fast", "success") == 2);
    // The fast receiver has both messages while the slow one is still on its first.
    assertThat(notifier.count("slow", "success")).isZero();
    assertThat(notifier.pending("slow")).isEqualTo(2);
    assertThat(dispatchMillis).isLessThan(4000); // enqueueing never waits for a receiver
  }
}
