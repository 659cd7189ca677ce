package dev.tollgate.agent.core.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tollgate.agent.core.call.LlmCall;
import dev.tollgate.agent.core.call.Route;
import java.io.IOException;

/**
 * Reads what the request body says about the call: model, stream flag, output-token limit and
 * {@code stream_options.include_usage}. The instrumentation captures a capped prefix of the body; a
 * truncated prefix is read as far as it goes (the streaming parser stops where it is cut), so
 * fields after a huge {@code messages} array may be missed; the response framing never depends on
 * them.
 *
 * <p>Per provider: Gemini's stream flag and model are in the URL ({@code :streamGenerateContent});
 * Azure's model is the deployment in the path; Ollama's native chat and generate stream unless the
 * body says {@code "stream": false}; Dify uses {@code response_mode} and names no model.
 */
public final class RequestInspector {
  private RequestInspector() {}

  /** Never throws. */
  public static void inspect(LlmCall call, byte[] body, int offset, int length, boolean truncated) {
    if (call == null) {
      return;
    }
    try {
      Route route = call.route;
      if (route != null && route.pathModel != null) {
        call.requestModel = route.pathModel;
      }
      if (route != null && route.streamingPath) {
        call.stream = true;
      }
      Fields f = new Fields();
      if (body != null && length > 0) {
        read(body, offset, length, f);
      }
      apply(call, route, f, truncated);
    } catch (Throwable ignored) {
      // Whatever we read so far stays; a request we cannot read costs only the extra attributes.
    }
  }

  /** What the body said; UNKNOWN / null when it did not say. */
  private static final class Fields {
    String model;
    Boolean stream;
    long maxTokens = LlmCall.UNKNOWN;
    long maxCompletionTokens = LlmCall.UNKNOWN;
    boolean includeUsage;
    String responseMode;
  }

  private static void read(byte[] body, int offset, int length, Fields f) {
    try (JsonParser p = Json.parser(body, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return;
      }
      String name;
      while ((name = Json.nextField(p)) != null) {
        switch (name) {
          case "model":
            f.model = Json.text(p);
            break;
          case "stream":
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
              f.stream = t == JsonToken.VALUE_TRUE;
            }
            break;
          case "max_tokens": // Chat Completions (legacy), Anthropic
          case "max_output_tokens": // Responses
            f.maxTokens = Json.count(p);
            break;
          case "max_completion_tokens": // Chat Completions, o-series
            f.maxCompletionTokens = Json.count(p);
            break;
          case "generationConfig": // Gemini (proto JSON accepts both spellings)
          case "generation_config":
            long g = member(p, "maxOutputTokens", "max_output_tokens");
            if (g >= 0) {
              f.maxTokens = g;
            }
            break;
          case "options": // Ollama
            long n = member(p, "num_predict", null);
            if (n >= 0) {
              f.maxTokens = n;
            }
            break;
          case "stream_options":
            f.includeUsage = includeUsage(p);
            break;
          case "response_mode": // Dify
            f.responseMode = Json.text(p);
            break;
          default:
            p.skipChildren();
        }
      }
    } catch (IOException cut) {
      // A truncated capture ends mid-value: keep what was read.
    }
  }

  private static long member(JsonParser p, String key, String altKey) throws IOException {
    long v = LlmCall.UNKNOWN;
    if (!Json.isObject(p)) {
      return v;
    }
    String f;
    while ((f = Json.nextField(p)) != null) {
      if (f.equals(key) || f.equals(altKey)) {
        v = Json.count(p);
      } else {
        p.skipChildren();
      }
    }
    return v;
  }

  private static boolean includeUsage(JsonParser p) throws IOException {
    boolean v = false;
    if (!Json.isObject(p)) {
      return false;
    }
    String f;
    while ((f = Json.nextField(p)) != null) {
      if (f.equals("include_usage")) {
        v = Json.bool(p);
      } else {
        p.skipChildren();
      }
    }
    return v;
  }

  private static void apply(LlmCall call, Route route, Fields f, boolean truncated) {
    Route.Api api = route == null ? null : route.api;
    if (call.requestModel == null && f.model != null && !f.model.isEmpty()) {
      call.requestModel = f.model;
    }
    long max = f.maxCompletionTokens >= 0 ? f.maxCompletionTokens : f.maxTokens;
    if (max >= 0) {
      call.requestMaxTokens = max;
    }
    call.requestIncludeUsage = f.includeUsage;
    if (api == Route.Api.DIFY_CHAT
        || api == Route.Api.DIFY_COMPLETION
        || api == Route.Api.DIFY_WORKFLOW) {
      call.stream = "streaming".equals(f.responseMode);
      return;
    }
    if (f.stream != null) {
      call.stream = f.stream;
    } else if ((api == Route.Api.OLLAMA_CHAT || api == Route.Api.OLLAMA_GENERATE) && !truncated) {
      // Ollama's documented default: these two endpoints stream unless told not to. A truncated
      // capture may have lost the flag, so no default is assumed then.
      call.stream = true;
    }
  }
}
