package dev.tollgate.agent.core.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tollgate.agent.core.call.LlmCall;
import java.io.IOException;

/**
 * Reads provider error objects into {@link LlmCall#errorCode}. The shapes differ (pitfall 13):
 *
 * <ul>
 *   <li>OpenAI: {@code {"error": {"type", "code", "message", "param"}}}; {@code code} is the
 *       precise one ({@code insufficient_quota}, {@code rate_limit_exceeded}), {@code type} the
 *       fallback when code is null ({@code server_error}).
 *   <li>Azure OpenAI: {@code {"error": {"code": "429", "message"}}}, the code a string.
 *   <li>Anthropic: {@code {"type": "error", "error": {"type": "overloaded_error"}, "request_id"}}.
 *   <li>Gemini: {@code {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "details": [...]}}}
 *       with {@code RetryInfo.retryDelay}; {@code status} is the useful code.
 *   <li>Dify: top level {@code {"code", "message", "status"}}.
 *   <li>Ollama: {@code {"error": "plain message"}}.
 *   <li>vLLM and friends: top level {@code {"object": "error", "type", "code": 400}}.
 * </ul>
 */
final class Errors {
  private Errors() {}

  /** Longest error string kept as a code: Ollama sends a free-text message there. */
  private static final int MAX_CODE = 200;

  /**
   * Reads the value after an {@code "error"} key (current token is its first token) and returns the
   * code it names, or null. Records Gemini's retry delay on the call when headers gave none.
   */
  static String errorValue(JsonParser p, LlmCall call) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      return clip(p.getText());
    }
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    String type = null;
    String code = null;
    String numericCode = null;
    String status = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken v = p.nextToken();
      switch (f) {
        case "type":
          type = Json.text(p);
          break;
        case "code":
          if (v == JsonToken.VALUE_STRING) {
            code = p.getText();
          } else if (v == JsonToken.VALUE_NUMBER_INT) {
            numericCode = p.getText();
          } else {
            p.skipChildren();
          }
          break;
        case "status":
          status = Json.text(p);
          break;
        case "details":
          details(p, call);
          break;
        default:
          p.skipChildren();
      }
    }
    if (status != null && !status.isEmpty()) {
      return clip(status);
    }
    if (code != null && !code.isEmpty()) {
      return clip(code);
    }
    if (type != null && !type.isEmpty()) {
      return clip(type);
    }
    return numericCode;
  }

  /** Gemini {@code details[]}: the RetryInfo entry carries {@code retryDelay: "37s"}. */
  private static void details(JsonParser p, LlmCall call) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        p.nextToken();
        if (f.equals("retryDelay")) {
          double s = Json.protoDurationSeconds(Json.text(p));
          if (!Double.isNaN(s) && Double.isNaN(call.retryAfterSeconds)) {
            call.retryAfterSeconds = s;
          }
        } else {
          p.skipChildren();
        }
      }
    }
  }

  static String clip(String s) {
    if (s == null) {
      return null;
    }
    return s.length() <= MAX_CODE ? s : s.substring(0, MAX_CODE);
  }
}
