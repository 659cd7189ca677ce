package dev.tollgate.samples.fakellm;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * What the fake server needs from a request: the model to echo, how much prompt text there is (for
 * deterministic token counts), streaming options and the output cap.
 */
record Ask(
    String model,
    int promptChars,
    boolean stream,
    boolean includeUsage,
    int maxTokens,
    JsonNode body) {

  static final int NO_LIMIT = Integer.MAX_VALUE;

  static Ask openAiChat(JsonNode b) {
    return new Ask(
        b.path("model").asText("gpt-4o-mini"),
        chars(b.get("messages")),
        b.path("stream").asBoolean(false),
        b.path("stream_options").path("include_usage").asBoolean(false),
        limit(b, "max_completion_tokens", "max_tokens"),
        b);
  }

  /**
   * The same as {@link #openAiChat} read straight off the bytes, without building a tree: chat
   * completions carry the throughput runs. Counts characters exactly as {@link #chars} does.
   */
  static Ask openAiChat(byte[] json) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("expected a JSON object");
      }
      String model = "gpt-4o-mini";
      int chars = 0;
      boolean stream = false;
      boolean includeUsage = false;
      int maxCompletion = NO_LIMIT;
      int maxTokens = NO_LIMIT;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "model" -> model = t == JsonToken.VALUE_STRING ? p.getText() : model;
          case "messages" -> chars = chars(p);
          case "stream" -> stream = t == JsonToken.VALUE_TRUE;
          case "max_completion_tokens" -> maxCompletion = positive(p, t);
          case "max_tokens" -> maxTokens = positive(p, t);
          case "stream_options" -> {
            if (t == JsonToken.START_OBJECT) {
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String option = p.currentName();
                JsonToken v = p.nextToken();
                if (option.equals("include_usage")) {
                  includeUsage = v == JsonToken.VALUE_TRUE;
                } else {
                  p.skipChildren();
                }
              }
            } else {
              p.skipChildren();
            }
          }
          default -> p.skipChildren();
        }
      }
      return new Ask(
          model,
          chars,
          stream,
          includeUsage,
          maxCompletion != NO_LIMIT ? maxCompletion : maxTokens,
          null);
    }
  }

  private static final JsonFactory FACTORY = new JsonFactory();

  private static int positive(JsonParser p, JsonToken t) throws IOException {
    return t == JsonToken.VALUE_NUMBER_INT && p.getIntValue() > 0 ? p.getIntValue() : NO_LIMIT;
  }

  /** {@link #chars(JsonNode)} over a parser positioned on the value's first token. */
  private static int chars(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case VALUE_STRING:
        return p.getTextLength();
      case VALUE_NUMBER_INT:
        return 4;
      case START_ARRAY:
        {
          int sum = 0;
          while (p.nextToken() != JsonToken.END_ARRAY) {
            sum += chars(p);
          }
          return sum;
        }
      case START_OBJECT:
        {
          int sum = 0;
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (name.equals("text") || name.equals("content")) {
              sum += chars(p);
            } else {
              p.skipChildren();
            }
          }
          return sum;
        }
      default:
        return 0;
    }
  }

  static Ask openAiResponses(JsonNode b) {
    return new Ask(
        b.path("model").asText("gpt-4o-mini"),
        chars(b.get("input")) + chars(b.get("instructions")),
        b.path("stream").asBoolean(false),
        true,
        limit(b, "max_output_tokens", "max_output_tokens"),
        b);
  }

  static Ask openAiEmbeddings(JsonNode b) {
    return new Ask(
        b.path("model").asText("text-embedding-3-small"),
        chars(b.get("input")),
        false,
        false,
        0,
        b);
  }

  static Ask anthropic(JsonNode b) {
    return new Ask(
        b.path("model").asText("claude-haiku-4-5"),
        chars(b.get("messages")) + chars(b.get("system")),
        b.path("stream").asBoolean(false),
        true,
        limit(b, "max_tokens", "max_tokens"),
        b);
  }

  /** Dify apps configure their model on the server; the knob {@code difyModel} stands for it. */
  static Ask dify(JsonNode b, String difyModel) {
    int chars = chars(b.get("query"));
    JsonNode inputs = b.get("inputs");
    if (inputs != null && inputs.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = inputs.fields();
      while (it.hasNext()) {
        chars += chars(it.next().getValue());
      }
    }
    return new Ask(
        difyModel,
        chars,
        "streaming".equals(b.path("response_mode").asText("blocking")),
        true,
        NO_LIMIT,
        b);
  }

  private static int limit(JsonNode b, String first, String second) {
    JsonNode n = b.get(first);
    if (n == null || !n.canConvertToInt()) {
      n = b.get(second);
    }
    return n != null && n.canConvertToInt() && n.asInt() > 0 ? n.asInt() : NO_LIMIT;
  }

  /**
   * Characters of prompt text: strings, arrays of strings or of content parts, and objects with
   * {@code text} or {@code content} (messages, parts). Token arrays count 4 characters per token.
   */
  static int chars(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return 0;
    }
    if (n.isTextual()) {
      return n.asText().length();
    }
    if (n.isIntegralNumber()) {
      return 4;
    }
    if (n.isArray()) {
      int sum = 0;
      for (JsonNode e : n) {
        sum += chars(e);
      }
      return sum;
    }
    if (n.isObject()) {
      return chars(n.get("text")) + chars(n.get("content"));
    }
    return 0;
  }
}
