package dev.tollgate.agent.core.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.agent.core.call.Provider;
import dev.tollgate.agent.core.call.Route;
import dev.tollgate.agent.core.detect.Recognizer;
import dev.tollgate.agent.core.parse.HeaderLookup;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IncludeUsageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Recognizer RECOGNIZER = new Recognizer(List.of());

  // ---- the request body ----------------------------------------------------------------------

  @Test
  void appendsStreamOptionsAfterTheLastMember() {
    assertThat(add("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
        .isEqualTo(
            "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]"
                + ",\"stream_options\":{\"include_usage\":true}}");
  }

  @Test
  void keepsEveryOtherByteOfAPrettyPrintedBody() {
    String body = "{\n  \"model\" : \"gpt-4o\",\n  \"stream\" : true\n}\n";
    assertThat(add(body))
        .isEqualTo(
            "{\n  \"model\" : \"gpt-4o\",\n  \"stream\" : true,\"stream_options\":{\"include_usage\":true}\n}\n");
  }

  @Test
  void addsTheKeyToStreamOptionsThatLackIt() {
    assertThat(add("{\"stream\":true,\"stream_options\":{\"include_obfuscation\":false},\"model\":\"m\"}"))
        .isEqualTo(
            "{\"stream\":true,\"stream_options\":{\"include_obfuscation\":false,\"include_usage\":true},\"model\":\"m\"}");
    assertThat(add("{\"stream\":true,\"stream_options\":{}}"))
        .isEqualTo("{\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
    assertThat(add("{\"stream\":true,\"stream_options\":{ }}"))
        .isEqualTo("{\"stream\":true,\"stream_options\":{\"include_usage\":true }}");
  }

  @Test
  void theResultIsTheSameJsonWithTheOneMemberMore() throws Exception {
    String body =
        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Grüße 👋 \\\"quoted\\\" }]{[\"}],"
            + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\","
            + "\"properties\":{\"stream\":{\"type\":\"boolean\"}}}}}],\"temperature\":0.2e0,\"stream\":true,\"n\":-1}";
    ObjectNode expected = (ObjectNode) JSON.readTree(body);
    expected.putObject("stream_options").put("include_usage", true);
    JsonNode actual = JSON.readTree(add(body));
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void leavesAloneWhatIsNotAStreamingRequestItCanReadWhole() {
    String[] untouched = {
      "{\"model\":\"gpt-4o\",\"messages\":[]}", // not streaming
      "{\"stream\":false}",
      "{\"stream\":\"true\"}",
      "{\"stream\":true,\"stream_options\":{\"include_usage\":true}}", // the application asked
      "{\"stream\":true,\"stream_options\":{\"include_usage\":false}}", // the application declined
      "{\"stream\":true,\"stream_options\":null}",
      "{\"stream\":true,\"stream\":true}", // duplicate keys: which one counts is the server's call
      "{\"stream\":true,\"stream_options\":{},\"stream_options\":{}}",
      "{\"str\\u0065am\":true}", // an escaped key could be either of ours
      "{\"stream\":true,\"stream_options\":{\"include_\\u0075sage\":false}}",
      "[{\"stream\":true}]", // not an object
      "{\"stream\":true} trailing", // not one JSON value
      "{\"stream\":true", // cut short
      "{\"stream\":true,\"messages\":[}", // malformed
      "{\"stream\":true,\"messages\":\"line\nbreak\"}", // raw control character in a string
      "",
      "   ",
    };
    for (String body : untouched) {
      assertThat(IncludeUsage.addTo(body.getBytes(StandardCharsets.UTF_8), 0, body.length()))
          .as(body)
          .isNull();
    }
    assertThat(IncludeUsage.addTo(null, 0, 0)).isNull();
  }

  @Test
  void bodiesOf64KiBAndMoreAreNotRewritten() {
    StringBuilder b = new StringBuilder("{\"stream\":true,\"messages\":[{\"content\":\"");
    while (b.length() < IncludeUsage.MAX_BODY) {
      b.append('x');
    }
    b.append("\"}]}");
    byte[] big = b.toString().getBytes(StandardCharsets.UTF_8);
    assertThat(IncludeUsage.addTo(big, 0, big.length)).isNull();
  }

  @Test
  void readsTheGivenRangeOnly() {
    byte[] framed = "xx{\"stream\":true}yy".getBytes(StandardCharsets.UTF_8);
    assertThat(new String(IncludeUsage.addTo(framed, 2, framed.length - 4), StandardCharsets.UTF_8))
        .isEqualTo("{\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
  }

  // ---- which calls ---------------------------------------------------------------------------

  @Test
  void openAiCompatibleChatCompletionsOnly() {
    assertThat(eligible("https://api.openai.com/v1/chat/completions")).isTrue();
    assertThat(eligible("https://api.deepseek.com/chat/completions")).isTrue();
    assertThat(eligible("http://gpu-01:8000/v1/chat/completions")).isTrue(); // vLLM, gateways
    assertThat(eligible(new Route(Provider.OLLAMA, Route.Api.OPENAI_CHAT, "chat", "ollama", null), "/v1/chat/completions", null))
        .isTrue();

    assertThat(eligible("https://api.openai.com/v1/responses")).isFalse();
    assertThat(eligible("https://api.openai.com/v1/completions")).isFalse();
    assertThat(eligible("https://api.openai.com/v1/embeddings")).isFalse();
    assertThat(eligible("https://api.anthropic.com/v1/messages")).isFalse();
    assertThat(eligible("https://api.anthropic.com/v1/chat/completions")).isFalse();
    assertThat(eligible("https://generativelanguage.googleapis.com/v1beta/openai/chat/completions")).isFalse();
    assertThat(eligible("https://api.dify.ai/v1/chat-messages")).isFalse();
    assertThat(eligible("http://localhost:11434/api/chat")).isFalse();
    assertThat(IncludeUsage.eligible(null, "/v1/chat/completions", null, null)).isFalse();
  }

  @Test
  void azureOnlyWhereItsApiVersionAcceptsStreamOptions() {
    String d = "https://acme.openai.azure.com/openai/deployments/gpt-4o/chat/completions";
    assertThat(eligible(d + "?api-version=2024-10-21")).isTrue();
    assertThat(eligible(d + "?api-version=2024-09-01-preview")).isTrue();
    assertThat(eligible(d + "?foo=1&api-version=2025-04-01-preview")).isTrue();
    assertThat(eligible(d + "?api-version=2024-08-01-preview")).isFalse();
    assertThat(eligible(d + "?api-version=2024-06-01")).isFalse();
    assertThat(eligible(d + "?api-version=2023-05-15")).isFalse();
    assertThat(eligible(d + "?api-version=latest")).isFalse();
    assertThat(eligible(d)).isFalse();
    assertThat(eligible(d + "?xapi-version=2024-10-21")).isFalse();
    // The v1 API takes no dated version.
    assertThat(eligible("https://acme.openai.azure.com/openai/v1/chat/completions")).isTrue();
    assertThat(eligible("https://acme.openai.azure.com/openai/v1/chat/completions?api-version=preview")).isTrue();
  }

  @Test
  void notWhenTheApplicationHandlesContentEncodingItself() {
    Route r = route("https://api.openai.com/v1/chat/completions");
    assertThat(IncludeUsage.eligible(r, "/v1/chat/completions", null, headers(Map.of()))).isTrue();
    assertThat(IncludeUsage.eligible(r, "/v1/chat/completions", null, headers(Map.of("accept-encoding", "identity"))))
        .isTrue();
    assertThat(IncludeUsage.eligible(r, "/v1/chat/completions", null, headers(Map.of("accept-encoding", "gzip"))))
        .isFalse();
    assertThat(IncludeUsage.eligible(r, "/v1/chat/completions", null, headers(Map.of("content-encoding", "gzip"))))
        .isFalse();
  }

  @Test
  void onlySuccessfulUnencodedEventStreamsAreFiltered() {
    assertThat(IncludeUsage.filters(200, "text/event-stream", null)).isTrue();
    assertThat(IncludeUsage.filters(200, "Text/Event-Stream; charset=utf-8", "identity")).isTrue();
    assertThat(IncludeUsage.filters(200, "text/event-stream", "gzip")).isFalse();
    assertThat(IncludeUsage.filters(200, "application/json", null)).isFalse();
    assertThat(IncludeUsage.filters(400, "text/event-stream", null)).isFalse();
    assertThat(IncludeUsage.filters(200, null, null)).isFalse();
  }

  private static String add(String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    byte[] r = IncludeUsage.addTo(b, 0, b.length);
    assertThat(r).as("rewritten: %s", body).isNotNull();
    return new String(r, StandardCharsets.UTF_8);
  }

  private static Route route(String url) {
    java.net.URI u = java.net.URI.create(url);
    int port = u.getPort() > 0 ? u.getPort() : u.getScheme().equals("https") ? 443 : 80;
    return RECOGNIZER.recognize(u.getScheme(), u.getHost(), port, u.getRawPath());
  }

  private static boolean eligible(String url) {
    java.net.URI u = java.net.URI.create(url);
    return eligible(route(url), u.getRawPath(), u.getRawQuery());
  }

  private static boolean eligible(Route r, String path, String query) {
    return IncludeUsage.eligible(r, path, query, null);
  }

  private static HeaderLookup headers(Map<String, String> h) {
    return h::get;
  }
}
