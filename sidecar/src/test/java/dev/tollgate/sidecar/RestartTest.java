package dev.tollgate.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.sidecar.config.Config;
import dev.tollgate.sidecar.testing.Otlp;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingest, stop, start on the same data directory: the API gives the same answers. */
class RestartTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  private JsonNode get(App app, String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void historySurvivesARestart() throws Exception {
    Config config = Config.defaults().withDataDir(dir).withPort(0);
    Random random = new Random(11);
    List<Span> spans = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = 0; i < 400; i++) {
      Otlp.Call c =
          Otlp.call(i % 2 == 0 ? "openai" : "anthropic", "model-" + (i % 5))
              .endpoint("ep-" + (i % 3))
              .endAt(now.minus(Duration.ofSeconds(random.nextInt(3 * 3600))))
              .duration(0.05 + random.nextDouble() * 20)
              .tokens(random.nextInt(5000), random.nextInt(800));
      if (i % 9 == 0) {
        c.error(i % 2 == 0 ? "429" : "timeout").attempt(2);
      }
      if (i % 4 == 0) {
        c.ttft(random.nextDouble());
      }
      spans.add(c.build());
    }
    String[] queries = {
      "/api/v1/summary?window=1m",
      "/api/v1/summary?window=15m",
      "/api/v1/summary?window=24h",
      "/api/v1/summary?window=24h&provider=openai&endpoint=ep-1",
      "/api/v1/breakdown?by=model&window=24h",
      "/api/v1/breakdown?by=endpoint&window=6h",
    };
    List<JsonNode> before = new ArrayList<>();
    App first = App.start(config);
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + first.port() + "/v1/traces"))
                  .header("Content-Type", "application/x-protobuf")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(Otlp.traces("svc", spans).toByteArray()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      for (String q : queries) {
        before.add(get(first, q));
      }
    } finally {
      first.close(); // flushes: nothing was written by the 5 s timer yet
    }
    assertThat(before.get(2).get("calls").asLong()).isEqualTo(400);

    App second = App.start(config);
    try {
      for (int i = 0; i < queries.length; i++) {
        assertThat(stripGauges(get(second, queries[i])))
            .as(queries[i])
            .isEqualTo(stripGauges(before.get(i)));
      }
      JsonNode series = get(second, "/api/v1/timeseries?metric=calls&step=1h&window=24h");
      long total = 0;
      for (JsonNode p : series.get("points")) {
        total += p.get("value").asLong();
      }
      assertThat(total).isEqualTo(400);
    } finally {
      second.close();
    }
  }

  private static JsonNode stripGauges(JsonNode n) {
    ObjectNode copy = n.deepCopy();
    copy.remove("breakers");
    return copy;
  }
}
