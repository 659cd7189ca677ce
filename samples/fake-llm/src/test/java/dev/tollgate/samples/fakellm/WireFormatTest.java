package dev.tollgate.samples.fakellm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint over real HTTP, parsed the way the providers document their formats. The prompt
 * "0123456789abcdef" is 16 characters, so 4 prompt tokens; 6 output tokens; cache fraction 0.5.
 */
class WireFormatTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROMPT = "0123456789abcdef";
  private static FakeLlmServer server;
  private static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    Knobs k = Knobs.defaults().zeroLatency().with("outputTokens", "6").with("cacheFraction", "0.5");
    server = FakeLlmServer.start(0, 8, k, null);
    client = HttpClient.newHttpClient();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static HttpResponse<String> post(String path, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String chatBody(boolean stream, boolean usage) {
    return "{\"model\":\"gpt-4o-mini\",\"stream\":"
        + stream
        + (usage ? ",\"stream_options\":{\"include_usage\":true}" : "")
        + ",\"messages\":[{\"role\":\"user\",\"content\":\""
        + PROMPT
        + "\"}]}";
  }

  @Test
  void chatCompletionBlocking() throws Exception {
    HttpResponse<String> r = post("/v1/chat/completions", chatBody(false, false));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonNode b = JSON.readTree(r.body());
    assertThat(b.path("object").asText()).isEqualTo("chat.completion");
    assertThat(b.path("id").asText()).startsWith("chatcmpl-");
    assertThat(b.path("model").asText()).isEqualTo("gpt-4o-mini");
    JsonNode choice = b.path("choices").get(0);
    assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
    assertThat(choice.path("message").path("content").asText()).isEqualTo(Text.answer(6));
    assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    JsonNode u = b.path("usage");
    assertThat(u.path("prompt_tokens").asInt()).isEqualTo(4);
    assertThat(u.path("completion_tokens").asInt()).isEqualTo(6);
    assertThat(u.path("total_tokens").asInt()).isEqualTo(10);
    assertThat(u.path("prompt_tokens_details").path("cached_tokens").asInt()).isEqualTo(2);
    assertThat(u.path("completion_tokens_details").path("reasoning_tokens").isInt()).isTrue();
  }

  @Test
  void chatCompletionStreamEndsWithUsageChunkThenDone() throws Exception {
    HttpResponse<String> r = post("/v1/chat/completions", chatBody(true, true));
    assertThat(r.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    List<Sse> events = Sse.parse(r.body());
    assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
    List<JsonNode> chunks = new ArrayList<>();
    for (Sse e : events.subList(0, events.size() - 1)) {
      assertThat(e.event()).isNull();
      chunks.add(JSON.readTree(e.data()));
    }
    assertThat(chunks)
        .allSatisfy(c -> assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk"));
    JsonNode first = chunks.get(0).path("choices").get(0).path("delta");
    assertThat(first.path("role").asText()).isEqualTo("assistant");
    assertThat(first.path("content").asText()).isEmpty();
    StringBuilder text = new StringBuilder();
    for (JsonNode c : chunks) {
      if (c.path("choices").size() > 0) {
        text.append(c.path("choices").get(0).path("delta").path("content").asText(""));
      }
    }
    assertThat(text.toString()).isEqualTo(Text.answer(6));
    JsonNode last = chunks.get(chunks.size() - 1);
    assertThat(last.path("choices").size()).as("usage chunk has empty choices").isZero();
    assertThat(last.path("usage").path("completion_tokens").asInt()).isEqualTo(6);
    assertThat(last.path("usage").path("prompt_tokens_details").path("cached_tokens").asInt())
        .isEqualTo(2);
    // Only the usage chunk has a non-null usage.
    assertThat(chunks.subList(0, chunks.size() - 1))
        .allSatisfy(c -> assertThat(c.get("usage").isNull()).isTrue());
    assertThat(chunks.get(chunks.size() - 2).path("choices").get(0).path("finish_reason").asText())
        .isEqualTo("stop");
  }

  @Test
  void chatCompletionStreamWithoutIncludeUsageHasNoUsage() throws Exception {
    List<Sse> events = Sse.parse(post("/v1/chat/completions", chatBody(true, false)).body());
    for (Sse e : events.subList(0, events.size() - 1)) {
      assertThat(JSON.readTree(e.data()).has("usage")).isFalse();
    }
  }

  @Test
  void maxTokensTruncatesWithFinishReasonLength() throws Exception {
    JsonNode b =
        JSON.readTree(
            post(
                    "/v1/chat/completions",
                    "{\"model\":\"x\",\"max_completion_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .body());
    assertThat(b.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
    assertThat(b.path("usage").path("completion_tokens").asInt()).isEqualTo(2);
  }

  @Test
  void embeddingsFloatAndBase64() throws Exception {
    JsonNode b =
        JSON.readTree(
            post(
                    "/v1/embeddings",
                    "{\"model\":\"text-embedding-3-small\",\"input\":[\""
                        + PROMPT
                        + "\",\"abcd\"],\"dimensions\":8}")
                .body());
    assertThat(b.path("object").asText()).isEqualTo("list");
    assertThat(b.path("data")).hasSize(2);
    assertThat(b.path("data").get(1).path("index").asInt()).isEqualTo(1);
    assertThat(b.path("data").get(0).path("embedding")).hasSize(8);
    assertThat(b.path("usage").path("prompt_tokens").asInt()).isEqualTo(5); // 20 chars
    assertThat(b.path("usage").has("completion_tokens")).isFalse();
    JsonNode b64 =
        JSON.readTree(
            post(
                    "/v1/embeddings",
                    "{\"model\":\"m\",\"input\":\"abcd\",\"encoding_format\":\"base64\",\"dimensions\":8}")
                .body());
    assertThat(Base64.getDecoder().decode(b64.path("data").get(0).path("embedding").asText()))
        .hasSize(32);
  }

  @Test
  void responsesBlockingAndStreamEndingInCompleted() throws Exception {
    String body = "{\"model\":\"gpt-4.1\",\"instructions\":\"abcd\",\"input\":\"" + PROMPT + "\"";
    JsonNode b = JSON.readTree(post("/v1/responses", body + "}").body());
    assertThat(b.path("object").asText()).isEqualTo("response");
    assertThat(b.path("status").asText()).isEqualTo("completed");
    assertThat(b.path("output").get(0).path("content").get(0).path("type").asText())
        .isEqualTo("output_text");
    assertThat(b.path("output").get(0).path("content").get(0).path("text").asText())
        .isEqualTo(Text.answer(6));
    assertThat(b.path("usage").path("input_tokens").asInt()).isEqualTo(5);
    assertThat(b.path("usage").path("input_tokens_details").path("cached_tokens").asInt())
        .isEqualTo(2);
    assertThat(b.path("usage").path("output_tokens").asInt()).isEqualTo(6);
    assertThat(b.path("usage").path("output_tokens_details").path("reasoning_tokens").isInt())
        .isTrue();

    List<Sse> events = Sse.parse(post("/v1/responses", body + ",\"stream\":true}").body());
    List<String> types = new ArrayList<>();
    int seq = 0;
    StringBuilder text = new StringBuilder();
    for (Sse e : events) {
      JsonNode d = JSON.readTree(e.data());
      assertThat(d.path("type").asText()).isEqualTo(e.event());
      assertThat(d.path("sequence_number").asInt()).isEqualTo(seq++);
      types.add(e.event());
      if (e.event().equals("response.output_text.delta")) {
        text.append(d.path("delta").asText());
      }
    }
    assertThat(types.get(0)).isEqualTo("response.created");
    assertThat(types)
        .contains(
            "response.output_item.added",
            "response.content_part.added",
            "response.output_text.done",
            "response.output_item.done");
    assertThat(types.get(types.size() - 1)).isEqualTo("response.completed");
    assertThat(text.toString()).isEqualTo(Text.answer(6));
    JsonNode done = JSON.readTree(events.get(events.size() - 1).data());
    assertThat(done.path("response").path("usage").path("output_tokens").asInt()).isEqualTo(6);
    assertThat(JSON.readTree(events.get(0).data()).path("response").path("usage").isNull())
        .isTrue();
  }

  static String anthropicBody(boolean stream) {
    return "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":1024,\"stream\":"
        + stream
        + ",\"system\":\"abcd\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + PROMPT
        + "\"}]}";
  }

  @Test
  void anthropicBlockingExcludesCacheReadsFromInputTokens() throws Exception {
    JsonNode b = JSON.readTree(post("/v1/messages", anthropicBody(false)).body());
    assertThat(b.path("type").asText()).isEqualTo("message");
    assertThat(b.path("id").asText()).startsWith("msg_");
    assertThat(b.path("model").asText()).isEqualTo("claude-haiku-4-5");
    assertThat(b.path("content").get(0).path("text").asText()).isEqualTo(Text.answer(6));
    assertThat(b.path("stop_reason").asText()).isEqualTo("end_turn");
    // 20 prompt characters = 5 tokens, 2 of them read from cache.
    assertThat(b.path("usage").path("input_tokens").asInt()).isEqualTo(3);
    assertThat(b.path("usage").path("cache_read_input_tokens").asInt()).isEqualTo(2);
    assertThat(b.path("usage").path("cache_creation_input_tokens").asInt()).isZero();
    assertThat(b.path("usage").path("output_tokens").asInt()).isEqualTo(6);
  }

  @Test
  void anthropicStreamEventSequenceWithCumulativeUsage() throws Exception {
    List<Sse> events = Sse.parse(post("/v1/messages", anthropicBody(true)).body());
    List<String> names = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (Sse e : events) {
      JsonNode d = JSON.readTree(e.data());
      assertThat(d.path("type").asText()).isEqualTo(e.event());
      names.add(e.event());
      if (e.event().equals("content_block_delta")) {
        assertThat(d.path("delta").path("type").asText()).isEqualTo("text_delta");
        text.append(d.path("delta").path("text").asText());
      }
    }
    assertThat(names.subList(0, 3)).containsExactly("message_start", "content_block_start", "ping");
    assertThat(names.subList(names.size() - 3, names.size()))
        .containsExactly("content_block_stop", "message_delta", "message_stop");
    assertThat(names.stream().filter("content_block_delta"::equals).count()).isEqualTo(6);
    assertThat(text.toString()).isEqualTo(Text.answer(6));
    JsonNode start = JSON.readTree(events.get(0).data()).path("message").path("usage");
    assertThat(start.path("output_tokens").asInt()).as("placeholder").isEqualTo(1);
    assertThat(start.path("cache_read_input_tokens").asInt()).isEqualTo(2);
    JsonNode delta = JSON.readTree(events.get(events.size() - 2).data());
    assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
    assertThat(delta.path("usage").path("output_tokens").asInt()).isEqualTo(6);
    assertThat(delta.path("usage").path("input_tokens").asInt()).isEqualTo(3);
  }

  static String difyBody(boolean stream) {
    return "{\"inputs\":{\"topic\":\"abcd\"},\"query\":\""
        + PROMPT
        + "\",\"response_mode\":\""
        + (stream ? "streaming" : "blocking")
        + "\",\"user\":\"u1\",\"conversation_id\":\"\"}";
  }

  @Test
  void difyChatBlockingHasStringPricesInUsd() throws Exception {
    JsonNode b = JSON.readTree(post("/v1/chat-messages", difyBody(false)).body());
    assertThat(b.path("event").asText()).isEqualTo("message");
    assertThat(b.path("mode").asText()).isEqualTo("chat");
    assertThat(b.path("answer").asText()).isEqualTo(Text.answer(6));
    assertThat(b.path("conversation_id").asText()).hasSize(36);
    JsonNode u = b.path("metadata").path("usage");
    assertThat(u.path("prompt_tokens").asInt()).isEqualTo(5);
    assertThat(u.path("completion_tokens").asInt()).isEqualTo(6);
    assertThat(u.path("total_tokens").asInt()).isEqualTo(11);
    assertThat(u.path("total_price").isTextual()).isTrue();
    // gpt-4o-mini: 5 x 0.15/M + 6 x 0.6/M
    assertThat(u.path("total_price").asText()).isEqualTo("0.0000044");
    assertThat(u.path("currency").asText()).isEqualTo("USD");
    assertThat(u.path("latency").isNumber()).isTrue();
  }

  @Test
  void difyChatStreamIsDataOnlyWithPingAndMessageEnd() throws Exception {
    HttpResponse<String> r = post("/v1/chat-messages", difyBody(true));
    List<Sse> events = Sse.parse(r.body());
    assertThat(events.get(0)).isEqualTo(new Sse("ping", null)); // no data line
    List<String> kinds = new ArrayList<>();
    StringBuilder answer = new StringBuilder();
    JsonNode end = null;
    for (Sse e : events.subList(1, events.size())) {
      assertThat(e.event()).isNull();
      JsonNode d = JSON.readTree(e.data());
      kinds.add(d.path("event").asText());
      if (d.path("event").asText().equals("message")) {
        answer.append(d.path("answer").asText());
      }
      if (d.path("event").asText().equals("message_end")) {
        end = d;
      }
    }
    assertThat(answer.toString()).isEqualTo(Text.answer(6));
    assertThat(kinds.get(kinds.size() - 2)).isEqualTo("message_end");
    assertThat(kinds.get(kinds.size() - 1))
        .as("TTS after message_end")
        .isEqualTo("tts_message_end");
    assertThat(end.path("metadata").path("usage").path("total_tokens").asInt()).isEqualTo(11);
    assertThat(end.path("metadata").path("usage").path("total_price").isTextual()).isTrue();
  }

  @Test
  void difyCompletionMessages() throws Exception {
    JsonNode b =
        JSON.readTree(
            post(
                    "/v1/completion-messages",
                    "{\"inputs\":{\"query\":\""
                        + PROMPT
                        + "\"},\"response_mode\":\"blocking\",\"user\":\"u\"}")
                .body());
    assertThat(b.path("mode").asText()).isEqualTo("completion");
    assertThat(b.has("conversation_id")).isFalse();
    assertThat(b.path("metadata").path("usage").path("prompt_tokens").asInt()).isEqualTo(4);
  }

  @Test
  void difyWorkflowBlockingReportsOnlyATotal() throws Exception {
    JsonNode b =
        JSON.readTree(
            post(
                    "/v1/workflows/run",
                    "{\"inputs\":{\"query\":\""
                        + PROMPT
                        + "\"},\"response_mode\":\"blocking\",\"user\":\"u\"}")
                .body());
    assertThat(b.path("workflow_run_id").asText()).hasSize(36);
    assertThat(b.path("data").path("status").asText()).isEqualTo("succeeded");
    assertThat(b.path("data").path("total_tokens").asInt()).isEqualTo(10);
    assertThat(b.path("data").path("outputs").path("text").asText()).isEqualTo(Text.answer(6));
    assertThat(b.toString()).doesNotContain("prompt_tokens");
  }

  @Test
  void difyWorkflowStreamNodesTextChunksAndFinish() throws Exception {
    List<Sse> events =
        Sse.parse(
            post(
                    "/v1/workflows/run",
                    "{\"inputs\":{\"query\":\""
                        + PROMPT
                        + "\"},\"response_mode\":\"streaming\",\"user\":\"u\"}")
                .body());
    assertThat(events.get(0).event()).isEqualTo("ping");
    List<String> kinds = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    JsonNode llm = null;
    JsonNode finished = null;
    for (Sse e : events.subList(1, events.size())) {
      JsonNode d = JSON.readTree(e.data());
      String kind = d.path("event").asText();
      kinds.add(kind);
      if (kind.equals("text_chunk")) {
        text.append(d.path("data").path("text").asText());
      } else if (kind.equals("node_finished")
          && d.path("data").path("node_type").asText().equals("llm")) {
        llm = d.path("data");
      } else if (kind.equals("workflow_finished")) {
        finished = d.path("data");
      }
    }
    assertThat(kinds.get(0)).isEqualTo("workflow_started");
    assertThat(kinds.get(kinds.size() - 1)).isEqualTo("workflow_finished");
    assertThat(kinds.stream().filter("node_started"::equals).count()).isEqualTo(3);
    assertThat(kinds.stream().filter("node_finished"::equals).count()).isEqualTo(3);
    assertThat(text.toString()).isEqualTo(Text.answer(6));
    assertThat(llm.path("process_data").path("model_name").asText()).isEqualTo("gpt-4o-mini");
    assertThat(llm.path("process_data").path("usage").path("prompt_tokens").asInt()).isEqualTo(4);
    assertThat(llm.path("execution_metadata").path("total_price").isNumber())
        .as("a number here")
        .isTrue();
    assertThat(llm.path("execution_metadata").path("total_tokens").asInt()).isEqualTo(10);
    assertThat(finished.path("total_tokens").asInt()).isEqualTo(10);
    assertThat(finished.path("status").asText()).isEqualTo("succeeded");
  }

  @Test
  void badJsonGetsTheProvidersOwnErrorShape() throws Exception {
    HttpResponse<String> openai = post("/v1/chat/completions", "{nope");
    assertThat(openai.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(openai.body()).path("error").path("type").asText())
        .isEqualTo("invalid_request_error");
    JsonNode anthropic = JSON.readTree(post("/v1/messages", "[]").body());
    assertThat(anthropic.path("type").asText()).isEqualTo("error");
    assertThat(anthropic.path("error").path("type").asText()).isEqualTo("invalid_request_error");
    JsonNode dify = JSON.readTree(post("/v1/workflows/run", "nope").body());
    assertThat(dify.path("code").asText()).isEqualTo("invalid_param");
    assertThat(dify.path("status").asInt()).isEqualTo(400);
  }

  @Test
  void unknownPathsAndMethods() throws Exception {
    assertThat(post("/v2/nothing", "{}").statusCode()).isEqualTo(404);
    HttpResponse<String> get =
        client.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
  }
}
