package dev.tollgate.samples.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** OpenAI-compatible request and response bodies, shared by the samples. */
final class Llm {
  private Llm() {}

  static final ObjectMapper JSON = new ObjectMapper();

  /** {@code http://host:port} and {@code http://host:port/v1} both lead to /v1/chat/completions. */
  static String endpoint(String baseUrl, String path) {
    String b = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    return (b.endsWith("/v1") ? b : b + "/v1") + path;
  }

  static String chatRequest(String model, String prompt, boolean stream) {
    ObjectNode b = JSON.createObjectNode();
    b.put("model", model);
    b.putArray("messages").addObject().put("role", "user").put("content", prompt);
    if (stream) {
      b.put("stream", true);
      b.putObject("stream_options").put("include_usage", true);
    }
    return b.toString();
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The answer text of a blocking chat completion. */
  static String answer(JsonNode completion) {
    return completion.path("choices").path(0).path("message").path("content").asText("");
  }

  /** Collects a streamed answer line by line and keeps the usage chunk when it comes. */
  static final class Stream {
    final StringBuilder answer = new StringBuilder();
    JsonNode usage;

    /** Feeds one SSE line; returns the text it added, or null. */
    String line(String line) {
      if (!line.startsWith("data:")) {
        return null;
      }
      String data = line.substring(5).trim();
      if (data.isEmpty() || data.equals("[DONE]")) {
        return null;
      }
      JsonNode chunk = parse(data);
      if (chunk.hasNonNull("usage")) {
        usage = chunk.get("usage");
      }
      String text = chunk.path("choices").path(0).path("delta").path("content").asText("");
      answer.append(text);
      return text.isEmpty() ? null : text;
    }
  }

  static String usage(JsonNode usage) {
    return usage == null || usage.isMissingNode() || usage.isNull()
        ? "usage unknown"
        : "tokens in "
            + usage.path("prompt_tokens").asText("?")
            + ", out "
            + usage.path("completion_tokens").asText("?");
  }
}
