package dev.tollgate.agent.core.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tollgate.agent.core.NanoClock;
import dev.tollgate.agent.core.call.LlmCall;
import java.io.IOException;

/**
 * The OpenAI Responses API. Blocking: one {@code response} object. Streaming: typed events with no
 * {@code [DONE]} (pitfall 6); {@code response.completed} (or {@code response.incomplete}) carries
 * the final response with usage and ends the stream, {@code response.failed} and {@code error} are
 * stream errors. Any {@code *.delta} event with text (output text, reasoning summaries, function
 * call arguments, refusals) is generated content. The model reported is the dated snapshot.
 *
 * <p>Usage: {@code input_tokens} includes {@code input_tokens_details.cached_tokens} and {@code
 * output_tokens} includes {@code output_tokens_details.reasoning_tokens}.
 */
final class OpenAiResponsesDialect extends Dialect {
  private static final String[] TAIL_KEYS = {"usage", "model"};

  private String type;
  private boolean delta;
  private String status;
  private String incompleteReason;
  private String code;
  private String errorCode;

  OpenAiResponsesDialect(LlmCall call, NanoClock clock) {
    super(call, clock);
  }

  /** Delta events matter only until the first chunk; usage and status come in {@code response.*}. */
  @Override
  boolean skippable(byte[] data, int offset, int end, String sseEvent) {
    return pastFirstChunk() && sseEvent != null && sseEvent.endsWith(".delta");
  }

  @Override
  void begin(String sseEvent) {
    type = sseEvent;
    delta = false;
    status = null;
    incompleteReason = null;
    code = null;
    errorCode = null;
  }

  @Override
  void field(String name, JsonParser p) throws IOException {
    switch (name) {
      case "type":
        String t = Json.text(p);
        if (t != null) {
          type = t;
        }
        break;
      case "delta":
        if (wantsFirstChunk()) {
          delta = Json.hasContent(p);
        } else {
          p.skipChildren();
        }
        break;
      case "response":
        if (Json.isObject(p)) {
          String f;
          while ((f = Json.nextField(p)) != null) {
            responseField(f, p);
          }
        }
        break;
      case "code": // the "error" event
        code = Json.nonEmptyText(p);
        break;
      default:
        responseField(name, p); // a blocking body is the response object itself
    }
  }

  /** A member of a {@code response} object. */
  private void responseField(String name, JsonParser p) throws IOException {
    switch (name) {
      case "id":
        responseId(Json.text(p));
        break;
      case "model":
        model(Json.text(p));
        break;
      case "status":
        status = Json.text(p);
        break;
      case "usage":
        usage(p);
        break;
      case "error":
        if (p.currentToken() != JsonToken.VALUE_NULL) {
          errorCode = Errors.errorValue(p, call);
        }
        break;
      case "incomplete_details":
        incompleteReason = reason(p);
        break;
      default:
        p.skipChildren(); // output, instructions, tools, ...
    }
  }

  private static String reason(JsonParser p) throws IOException {
    String r = null;
    if (Json.isObject(p)) {
      String f;
      while ((f = Json.nextField(p)) != null) {
        if (f.equals("reason")) {
          r = Json.text(p);
        } else {
          p.skipChildren();
        }
      }
    }
    return r;
  }

  private void usage(JsonParser p) throws IOException {
    if (!Json.isObject(p)) {
      return;
    }
    String f;
    while ((f = Json.nextField(p)) != null) {
      switch (f) {
        case "input_tokens":
          call.inputTokens = known(Json.count(p), call.inputTokens);
          break;
        case "output_tokens":
          call.outputTokens = known(Json.count(p), call.outputTokens);
          break;
        case "total_tokens":
          call.totalTokens = known(Json.count(p), call.totalTokens);
          break;
        case "input_tokens_details":
          call.cacheReadTokens = known(Json.countIn(p, "cached_tokens"), call.cacheReadTokens);
          break;
        case "output_tokens_details":
          call.reasoningTokens = known(Json.countIn(p, "reasoning_tokens"), call.reasoningTokens);
          break;
        default:
          p.skipChildren();
      }
    }
  }

  @Override
  void end() {
    if (type == null || !streaming) {
      // Blocking body.
      if (status != null) {
        call.finishReason = incompleteReason != null ? incompleteReason : status;
      }
      if (errorCode != null && call.errorCode == null) {
        call.errorCode = errorCode;
      }
      return;
    }
    if (delta && type.endsWith(".delta")) {
      firstChunk();
    }
    switch (type) {
      case "response.completed":
        call.finishReason = status != null ? status : "completed";
        if (!failed) {
          call.complete = true;
        }
        break;
      case "response.incomplete":
        // A clean end of the stream, cut by the model's limits (max_output_tokens, filters).
        call.finishReason = incompleteReason != null ? incompleteReason : "incomplete";
        if (!failed) {
          call.complete = true;
        }
        break;
      case "response.failed":
        streamError(errorCode != null ? errorCode : "response.failed");
        break;
      case "error":
        streamError(errorCode != null ? errorCode : code);
        break;
      default:
        break;
    }
  }

  @Override
  String[] tailKeys() {
    return TAIL_KEYS;
  }
}
