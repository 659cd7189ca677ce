package dev.tollgate.sidecar.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.sidecar.App;
import dev.tollgate.sidecar.config.Config;
import dev.tollgate.sidecar.ingest.OtlpRoundTripTest;
import dev.tollgate.sidecar.testing.Otlp;
import dev.tollgate.sidecar.testing.OtlpJsonWriter;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every route, in-process through JavalinTest. */
class RoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROTOBUF = "application/x-protobuf";

  @TempDir Path dir;

  private void withApp(Config config, io.javalin.testtools.TestCase test) {
    // JavalinTest starts and stops the server; App.close() then flushes and closes the store.
    try (App app = App.create(config.withDataDir(dir).withPort(0))) {
      JavalinTest.test(app.javalin(), test);
    }
  }

  private void withApp(io.javalin.testtools.TestCase test) {
    withApp(Config.defaults(), test);
  }

  static Response post(HttpClient client, String path, byte[] body, String type) {
    return post(client, path, body, b -> b.header("Content-Type", type));
  }

  static Response post(
      HttpClient client,
      String path,
      byte[] body,
      Consumer<io.javalin.testtools.Request.Builder> headers) {
    return client.request(
        path,
        b -> {
          b.post(BodyPublishers.ofByteArray(body));
          headers.accept(b);
        });
  }

  static JsonNode json(Response r) throws Exception {
    return JSON.readTree(r.body().string());
  }

  static ExportTraceServiceRequest threeCalls() {
    Span ok = Otlp.call("openai", "gpt-4o").endpoint("main").tokens(100, 10).duration(1.5).build();
    Span streamed =
        Otlp.call("openai", "gpt-4o").endpoint("main").tokens(50, 5).ttft(0.3).duration(2).build();
    Span limited = Otlp.call("openai", "gpt-4o-mini").endpoint("main").error("429").attempt(2).build();
    Span notGenAi = Span.newBuilder().setName("GET /health").build();
    return Otlp.traces("checkout", List.of(ok, streamed, limited, notGenAi));
  }

  @Test
  void tracesAsProtobufFeedTheSummary() {
    withApp(
        (server, client) -> {
          Response r = post(client, "/v1/traces", threeCalls().toByteArray(), PROTOBUF);
          assertThat(r.code()).isEqualTo(200);
          assertThat(r.headers().get("Content-Type").get(0)).startsWith(PROTOBUF);
          JsonNode s = json(client.get("/api/v1/summary?window=5m"));
          assertThat(s.get("window").asText()).isEqualTo("5m");
          assertThat(s.get("calls").asLong()).isEqualTo(3);
          assertThat(s.get("errors").asLong()).isEqualTo(1);
          assertThat(s.get("error_rate").asDouble()).isCloseTo(0.333333, org.assertj.core.data.Offset.offset(1e-5));
          assertThat(s.get("errors_by_type").get("429").asLong()).isEqualTo(1);
          assertThat(s.get("rate_limited").asLong()).isEqualTo(1);
          assertThat(s.get("retries").asLong()).isEqualTo(1);
          assertThat(s.get("tokens").get("input").asLong()).isEqualTo(150);
          assertThat(s.get("tokens").get("output").asLong()).isEqualTo(15);
          assertThat(s.get("latency_ms").get("max").asDouble()).isEqualTo(2000.0);
          assertThat(s.get("latency_ms").get("p50").asDouble()).isCloseTo(1500, org.assertj.core.data.Offset.offset(15.0));
          assertThat(s.get("ttft_ms").get("p50").asDouble()).isCloseTo(300, org.assertj.core.data.Offset.offset(3.0));
          JsonNode filtered = json(client.get("/api/v1/summary?model=gpt-4o-mini&service=checkout"));
          assertThat(filtered.get("calls").asLong()).isEqualTo(1);
          assertThat(filtered.get("ttft_ms").get("p50").isNull()).isTrue();
          assertThat(json(client.get("/api/v1/summary?service=nope")).get("calls").asLong()).isZero();
        });
  }

  @Test
  void tracesAsJsonAndGzip() {
    withApp(
        (server, client) -> {
          byte[] json = OtlpJsonWriter.traces(threeCalls()).getBytes(StandardCharsets.UTF_8);
          Response r = post(client, "/v1/traces", json, "application/json");
          assertThat(r.code()).isEqualTo(200);
          assertThat(r.body().string()).isEqualTo("{}");
          Response gz =
              post(
                  client,
                  "/v1/traces",
                  Otlp.gzip(threeCalls().toByteArray()),
                  b -> b.header("Content-Type", PROTOBUF).header("Content-Encoding", "gzip"));
          assertThat(gz.code()).isEqualTo(200);
          Response gzJson =
              post(
                  client,
                  "/v1/traces",
                  Otlp.gzip(json),
                  b -> b.header("Content-Type", "application/json; charset=utf-8").header("Content-Encoding", "gzip"));
          assertThat(gzJson.code()).isEqualTo(200);
          assertThat(json(client.get("/api/v1/summary")).get("calls").asLong()).isEqualTo(9);
        });
  }

  @Test
  void metricsFeedControllerGauges() {
    withApp(
        (server, client) -> {
          byte[] metrics = OtlpRoundTripTest.sampleMetricsForNow().toByteArray();
          assertThat(post(client, "/v1/metrics", metrics, PROTOBUF).code()).isEqualTo(200);
          String json = OtlpJsonWriter.metrics(OtlpRoundTripTest.sampleMetricsForNow());
          assertThat(post(client, "/v1/metrics", json.getBytes(), "application/json").code()).isEqualTo(200);
          JsonNode s = json(client.get("/api/v1/summary"));
          assertThat(s.get("queue_depth").get("main").asLong()).isEqualTo(7);
          assertThat(s.get("breakers").get("main").asText()).isEqualTo("open");
          String prom = client.get("/metrics").body().string();
          assertThat(prom).contains("tollgate_queue_depth{endpoint=\"main\",service=\"checkout\"} 7.0");
          assertThat(prom).contains("tollgate_breaker_state{endpoint=\"main\",service=\"checkout\"} 1.0");
          assertThat(prom)
              .contains("tollgate_breaker_transitions_total{endpoint=\"main\",service=\"checkout\",to_state=\"open\"} 2.0");
          // Cumulative: the same point twice counts once.
          assertThat(prom)
              .contains("tollgate_controller_retries_total{endpoint=\"main\",reason=\"429\",service=\"checkout\"} 3.0");
          // Delta: each of the two requests adds its 4.
          assertThat(prom)
              .contains("tollgate_controller_waits_total{endpoint=\"main\",limiter=\"concurrency\",service=\"checkout\"} 8.0");
          assertThat(prom).contains("# HELP tollgate_controller_retries_total ");
          assertThat(prom).contains("# TYPE tollgate_controller_waits_total counter");
        });
  }

  @Test
  void logsAreAcceptedAndIgnored() {
    withApp(
        (server, client) -> {
          assertThat(post(client, "/v1/logs", new byte[0], PROTOBUF).code()).isEqualTo(200);
          assertThat(post(client, "/v1/logs", "{}".getBytes(), "application/json").code()).isEqualTo(200);
        });
  }

  @Test
  void breakdownGroupsAndValidates() {
    withApp(
        (server, client) -> {
          post(client, "/v1/traces", threeCalls().toByteArray(), PROTOBUF);
          JsonNode b = json(client.get("/api/v1/breakdown?by=model&window=1h"));
          assertThat(b.get("by").asText()).isEqualTo("model");
          JsonNode rows = b.get("rows");
          assertThat(rows).hasSize(2);
          assertThat(rows.get(0).get("model").asText()).isEqualTo("gpt-4o");
          assertThat(rows.get(0).get("calls").asLong()).isEqualTo(2);
          assertThat(rows.get(1).get("errors").asLong()).isEqualTo(1);
          JsonNode byEndpoint = json(client.get("/api/v1/breakdown?by=endpoint"));
          assertThat(byEndpoint.get("rows").get(0).has("breakers")).isTrue();
          for (String by : new String[] {"provider", "service", "operation", "dify_app"}) {
            assertThat(client.get("/api/v1/breakdown?by=" + by).code()).isEqualTo(200);
          }
          Response bad = client.get("/api/v1/breakdown?by=color");
          assertThat(bad.code()).isEqualTo(400);
          assertThat(json(bad).get("error").asText()).contains("color");
          assertThat(client.get("/api/v1/breakdown").code()).isEqualTo(400);
        });
  }

  @Test
  void timeseriesReturnsPointsAndValidates() {
    withApp(
        (server, client) -> {
          post(client, "/v1/traces", threeCalls().toByteArray(), PROTOBUF);
          JsonNode t = json(client.get("/api/v1/timeseries?metric=calls&step=1m&window=6h"));
          assertThat(t.get("points")).hasSize(360);
          JsonNode last = t.get("points").get(359);
          assertThat(last.get("value").asLong()).isEqualTo(3);
          assertThat(last.get("time").asText()).endsWith(":00Z");
          JsonNode p95 = json(client.get("/api/v1/timeseries?metric=latency_p95&step=5m&window=1h"));
          assertThat(p95.get("unit").asText()).isEqualTo("ms");
          assertThat(p95.get("points")).hasSize(12);
          assertThat(p95.get("points").get(0).get("value").isNull()).isTrue();
          for (String metric :
              new String[] {"errors", "error_rate", "latency_p50", "latency_p99", "ttft_p95", "tokens_input", "tokens_output"}) {
            assertThat(client.get("/api/v1/timeseries?metric=" + metric).code()).isEqualTo(200);
          }
          assertThat(client.get("/api/v1/timeseries?metric=nope").code()).isEqualTo(400);
          assertThat(client.get("/api/v1/timeseries").code()).isEqualTo(400);
          assertThat(client.get("/api/v1/timeseries?metric=calls&step=2h&window=1h").code()).isEqualTo(400);
          assertThat(client.get("/api/v1/timeseries?metric=calls&window=48h").code()).isEqualTo(400);
          assertThat(client.get("/api/v1/timeseries?metric=calls&step=0m").code()).isEqualTo(400);
          assertThat(client.get("/api/v1/summary?window=forever").code()).isEqualTo(400);
          assertThat(client.get("/api/v1/summary?window=99999999999m").code()).isEqualTo(400);
        });
  }

  @Test
  void healthAndPrometheus() {
    withApp(
        (server, client) -> {
          post(client, "/v1/traces", threeCalls().toByteArray(), PROTOBUF);
          Response h = client.get("/healthz");
          assertThat(h.code()).isEqualTo(200);
          assertThat(json(h).get("status").asText()).isEqualTo("ok");
          Response m = client.get("/metrics");
          assertThat(m.code()).isEqualTo(200);
          assertThat(m.headers().get("Content-Type").get(0)).startsWith("text/plain");
          String prom = m.body().string();
          String labels =
              "dify_app=\"\",endpoint=\"main\",model=\"gpt-4o\",operation=\"chat\",provider=\"openai\",service=\"checkout\"";
          assertThat(prom)
              .contains(
                  "tollgate_calls_total{dify_app=\"\",endpoint=\"main\",error_type=\"none\",model=\"gpt-4o\","
                      + "operation=\"chat\",outcome=\"success\",provider=\"openai\",service=\"checkout\"} 2.0");
          assertThat(prom).contains("tollgate_call_duration_seconds_bucket{" + labels + ",le=\"81.92\"} 2");
          assertThat(prom).contains("tollgate_call_duration_seconds_bucket{" + labels + ",le=\"1.28\"} 0");
          assertThat(prom).contains("tollgate_call_duration_seconds_bucket{" + labels + ",le=\"2.56\"} 2");
          assertThat(prom).contains("tollgate_time_to_first_chunk_seconds_count{" + labels + "} 1");
          assertThat(prom).contains("tollgate_tokens_total{" + labels.replace(",model", ",kind=\"input\",model") + "} 150.0");
          assertThat(prom).contains("tollgate_retries_total{");
          assertThat(prom).contains("error_type=\"429\"");
          assertThat(prom).contains("tollgate_sidecar_spans_total{result=\"accepted\"} 3.0");
          assertThat(prom).contains("tollgate_sidecar_spans_total{result=\"skipped\"} 1.0");
          assertThat(prom).contains("tollgate_sidecar_ingest_requests_total{result=\"ok\",signal=\"traces\"} 1.0");
          assertThat(prom).contains("tollgate_sidecar_series 2.0");
          assertThat(prom).contains("tollgate_sidecar_series_limit 2000.0");
          assertThat(prom).contains("jvm_memory_used_bytes");
        });
  }

  @Test
  void tokenGuardsIngestApiAndMetricsButNotHealth() {
    withApp(
        Config.defaults().withToken("s3cret"),
        (server, client) -> {
          byte[] body = threeCalls().toByteArray();
          assertThat(post(client, "/v1/traces", body, PROTOBUF).code()).isEqualTo(401);
          assertThat(
                  post(client, "/v1/traces", body, b -> b.header("Content-Type", PROTOBUF).header("Authorization", "Bearer wrong"))
                      .code())
              .isEqualTo(401);
          assertThat(
                  post(client, "/v1/traces", body, b -> b.header("Content-Type", PROTOBUF).header("Authorization", "Bearer s3cret"))
                      .code())
              .isEqualTo(200);
          assertThat(client.get("/api/v1/summary").code()).isEqualTo(401);
          assertThat(client.get("/metrics").code()).isEqualTo(401);
          assertThat(client.get("/healthz").code()).isEqualTo(200);
          Response ok = client.get("/api/v1/summary", b -> b.header("Authorization", "Bearer s3cret"));
          assertThat(json(ok).get("calls").asLong()).isEqualTo(3);
          assertThat(client.get("/metrics", b -> b.header("Authorization", "bearer s3cret")).code()).isEqualTo(200);
        });
  }

  @Test
  void oversizedMalformedAndUnsupportedBodiesAreRejected() {
    withApp(
        Config.defaults().withMaxBodyBytes(64 * 1024),
        (server, client) -> {
          Response big = post(client, "/v1/traces", new byte[100_000], PROTOBUF);
          assertThat(big.code()).isEqualTo(413);
          // 10 MB of zeros gzips to ~10 KB: the limit applies after decompression too.
          Response bomb =
              post(client, "/v1/traces", Otlp.gzip(new byte[10_000_000]),
                  b -> b.header("Content-Type", PROTOBUF).header("Content-Encoding", "gzip"));
          assertThat(bomb.code()).isEqualTo(413);
          Response bad = post(client, "/v1/traces", new byte[] {0x0a, 0x05, 0x01}, PROTOBUF);
          assertThat(bad.code()).isEqualTo(400);
          assertThat(json(bad).get("error").asText()).contains("invalid OTLP protobuf");
          Response badGzip =
              post(client, "/v1/metrics", new byte[] {1, 2, 3},
                  b -> b.header("Content-Type", PROTOBUF).header("Content-Encoding", "gzip"));
          assertThat(badGzip.code()).isEqualTo(400);
          assertThat(json(badGzip).get("error").asText()).contains("gzip");
          Response badJson = post(client, "/v1/metrics", "{\"resourceMetrics\":{}}".getBytes(), "application/json");
          assertThat(badJson.code()).isEqualTo(400);
          assertThat(json(badJson).get("error").asText()).contains("resourceMetrics");
          assertThat(post(client, "/v1/traces", new byte[0], "text/plain").code()).isEqualTo(415);
          assertThat(
                  post(client, "/v1/traces", new byte[0], b -> b.header("Content-Type", PROTOBUF).header("Content-Encoding", "br"))
                      .code())
              .isEqualTo(415);
          assertThat(client.get("/v1/traces").code()).isIn(404, 405);
          assertThat(client.get("/nope").code()).isEqualTo(404);
          String prom = client.get("/metrics").body().string();
          assertThat(prom).contains("tollgate_sidecar_ingest_requests_total{result=\"too_large\",signal=\"traces\"} 2.0");
          assertThat(prom).contains("tollgate_sidecar_decode_errors_total{signal=\"metrics\"} 2.0");
        });
  }

  @Test
  void emptyExportIsFine() {
    withApp(
        (server, client) -> {
          assertThat(post(client, "/v1/traces", new byte[0], PROTOBUF).code()).isEqualTo(200);
          assertThat(post(client, "/v1/traces", "{}".getBytes(), "application/json").code()).isEqualTo(200);
          assertThat(post(client, "/v1/metrics", new byte[0], PROTOBUF).code()).isEqualTo(200);
          assertThat(json(client.get("/api/v1/summary")).get("calls").asLong()).isZero();
        });
  }
}
