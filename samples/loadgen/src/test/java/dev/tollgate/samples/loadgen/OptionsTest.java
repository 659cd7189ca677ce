package dev.tollgate.samples.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  void defaultsAndFlags() {
    Options o = Options.parse(new String[] {"--url", "http://127.0.0.1:9/v1"}, Map.of());
    assertThat(o.scenario).isEqualTo(Scenario.Kind.OPENAI);
    assertThat(o.concurrency).isEqualTo(16);
    assertThat(o.durationNanos).isEqualTo(10_000_000_000L);
    assertThat(o.openLoop()).isFalse();
    o =
        Options.parse(
            new String[] {
              "--url=http://h",
              "--scenario",
              "dify-workflow",
              "--stream",
              "--concurrency",
              "64",
              "--ramp-up",
              "500ms",
              "--requests",
              "1000",
              "--timeout",
              "2s",
              "--price-input",
              "1.5",
              "--header",
              "X-Test: yes",
              "--progress",
              "off"
            },
            Map.of());
    assertThat(o.scenario).isEqualTo(Scenario.Kind.DIFY_WORKFLOW);
    assertThat(o.stream).isTrue();
    assertThat(o.rampUpNanos).isEqualTo(500_000_000L);
    assertThat(o.durationNanos).as("a request count alone bounds the run").isNull();
    assertThat(o.requests).isEqualTo(1000);
    assertThat(o.timeoutNanos).isEqualTo(2_000_000_000L);
    assertThat(o.priceInput).isEqualTo(1.5);
    o =
        Options.parse(
            new String[] {"--rate", "2000"},
            Map.of("LOADGEN_URL", "http://h", "LOADGEN_API_KEY", "k"));
    assertThat(o.openLoop()).isTrue();
    assertThat(o.concurrency).isEqualTo(512);
    assertThat(o.apiKey).isEqualTo("k");
  }

  @Test
  void mistakesAreExplained() {
    assertThatThrownBy(() -> Options.parse(new String[] {}, Map.of()))
        .hasMessageContaining("--url is required");
    assertThatThrownBy(
            () -> Options.parse(new String[] {"--url", "h", "--concurrency", "0"}, Map.of()))
        .hasMessageContaining("positive");
    assertThatThrownBy(
            () ->
                Options.parse(
                    new String[] {"--url", "h", "--rate", "5", "--ramp-up", "1s"}, Map.of()))
        .hasMessageContaining("closed loop");
    assertThatThrownBy(
            () -> Options.parse(new String[] {"--url", "h", "--scenario", "x"}, Map.of()))
        .hasMessageContaining("--scenario");
    assertThatThrownBy(() -> Options.parse(new String[] {"--url", "h", "--wat"}, Map.of()))
        .hasMessageContaining("unknown flag");
    assertThatThrownBy(() -> Target.parse("ftp://h")).hasMessageContaining("http");
  }

  @Test
  void baseUrlsWithOrWithoutV1LeadToTheSameEndpoint() {
    assertThat(Target.parse("http://h:8080").apiPath("/chat/completions"))
        .isEqualTo("/v1/chat/completions");
    assertThat(Target.parse("http://h:8080/v1/").apiPath("/chat/completions"))
        .isEqualTo("/v1/chat/completions");
    assertThat(Target.parse("https://api.dify.ai/v1").apiPath("/workflows/run"))
        .isEqualTo("/v1/workflows/run");
    assertThat(Target.parse("http://gw/openai").apiPath("/chat/completions"))
        .isEqualTo("/openai/v1/chat/completions");
    assertThat(Target.parse("http://h:80/x").hostHeader()).isEqualTo("h");
    assertThat(Target.parse("https://h").port()).isEqualTo(443);
  }

  @Test
  void templatesCarryTheScenarioShapes() {
    Options o =
        Options.parse(
            new String[] {
              "--url",
              "http://h:1",
              "--scenario",
              "mixed",
              "--stream",
              "--api-key",
              "KEY",
              "--header",
              "X-A: b"
            },
            Map.of());
    List<Scenario.Template> t = Scenario.templates(o, Target.parse(o.url));
    assertThat(t)
        .extracting(Scenario.Template::name)
        .containsExactly("openai", "anthropic", "openai", "dify-chat", "dify-workflow");
    String openai = new String(t.get(0).http11(Target.parse(o.url)), StandardCharsets.UTF_8);
    assertThat(openai).startsWith("POST /v1/chat/completions HTTP/1.1\r\nHost: h:1\r\n");
    assertThat(openai)
        .contains("Authorization: Bearer KEY\r\n", "X-A: b\r\n", "Accept: text/event-stream\r\n");
    assertThat(openai).endsWith("\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
    int length = t.get(0).body().length;
    assertThat(openai).contains("Content-Length: " + length + "\r\n\r\n{");
    String anthropic = new String(t.get(1).http11(Target.parse(o.url)), StandardCharsets.UTF_8);
    assertThat(anthropic)
        .contains("POST /v1/messages ", "x-api-key: KEY", "anthropic-version: 2023-06-01");
    assertThat(new String(t.get(4).body(), StandardCharsets.UTF_8))
        .contains("\"response_mode\":\"streaming\"");
    assertThat(t.get(0).price()).isEqualTo(new Prices.Price(0.15, 0.60));
    assertThat(t.get(3).price()).as("Dify names no model").isNull();
  }
}
