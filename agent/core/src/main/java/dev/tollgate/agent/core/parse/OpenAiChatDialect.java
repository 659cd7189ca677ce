package dev.tollgate.agent.core.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tollgate.agent.core.NanoClock;
import dev.tollgate.agent.core.call.LlmCall;
import java.io.IOException;

/**
 * OpenAI Chat Completions and legacy Completions, as served by OpenAI, Azure OpenAI, DeepSeek,
 * vLLM, Ollama's /v1 and gateways: a blocking {@code chat.completion} or a stream of {@code
 * chat.completion.chunk}s ended by {@code data: [DONE]}.
 *
 * <p>Quirks handled: usage arrives only in a chunk whose {@code usage} is a non-null object
 * (OpenAI's extra final chunk, or DeepSeek's last content chunk); Azure's first chunk has {@code
 * choices: []} and {@code model: ""}, and its content-filter chunks carry no delta; role-only and
 * empty deltas (DeepSeek's first {@code reasoning_content: ""}) are not the first chunk, while
 * reasoning text and tool-call deltas are; {@code data: {"error": ...}} inside a 200 stream is a
 * stream error.
 */
final class OpenAiChatDialect extends Dialect {
  private static final String[] TAIL_KEYS = {"usage", "model", "finish_reason"};

  /**
   * The members that make a chunk worth parsing once the first chunk and model are known. Every
   * chunk has {@code "finish_reason": null} (and {@code "usage": null} with include_usage): only a
   * value that is not null counts.
   */
  private static final Skim.Keys NEEDED = new Skim.Keys("usage", "finish_reason", "error");

  private boolean content;
  private boolean error;
  private String errorCode;

  OpenAiChatDialect(LlmCall call, NanoClock clock) {
    super(call, clock);
  }

  @Override
  boolean skippable(byte[] data, int offset, int end, String sseEvent) {
    return pastFirstChunk() && call.responseModel != null && !Skim.anyNonNull(data, offset, end, NEEDED);
  }

  @Override
  void begin(String sseEvent) {
    content = false;
    error = false;
    errorCode = null;
  }

  @Override
  void field(String name, JsonParser p) throws IOException {
    switch (name) {
      case "id":
        responseId(Json.text(p));
        break;
      case "model":
        model(Json.text(p));
        break;
      case "choices":
        choices(p);
        break;
      case "usage":
        OpenAiUsage.read(p, call, true);
        break;
      case "error":
        if (p.currentToken() != JsonToken.VALUE_NULL) {
          error = true;
          errorCode = Errors.errorValue(p, call);
        }
        break;
      case "finish_reason": // only ever top-level when salvaged from a huge body's tail
        String reason = Json.text(p);
        if (reason != null && !reason.isEmpty()) {
          call.finishReason = reason;
        }
        break;
      default:
        p.skipChildren();
    }
  }

  private void choices(JsonParser p) throws IOException {
    if (!Json.isArray(p)) {
      return;
    }
    while (Json.nextObject(p)) {
      String f;
      while ((f = Json.nextField(p)) != null) {
        switch (f) {
          case "delta":
          case "message":
            if (wantsFirstChunk() && !content) {
              content = delta(p);
            } else {
              p.skipChildren();
            }
            break;
          case "text": // legacy completions
            if (wantsFirstChunk() && !content) {
              content = Json.hasContent(p);
            } else {
              p.skipChildren();
            }
            break;
          case "finish_reason":
            String reason = Json.text(p);
            if (reason != null && !reason.isEmpty()) {
              call.finishReason = reason;
            }
            break;
          default:
            p.skipChildren();
        }
      }
    }
  }

  /** True when the delta carries generated content: text, reasoning, refusal or tool calls. */
  private static boolean delta(JsonParser p) throws IOException {
    if (!Json.isObject(p)) {
      return false;
    }
    boolean found = false;
    String f;
    while ((f = Json.nextField(p)) != null) {
      switch (f) {
        case "content":
        case "reasoning_content": // DeepSeek, vLLM
        case "reasoning": // vLLM, OpenRouter
        case "refusal":
          found |= Json.hasContent(p);
          break;
        case "tool_calls":
          found |= toolCalls(p);
          break;
        case "function_call":
          found |= function(p);
          break;
        default:
          p.skipChildren();
      }
    }
    return found;
  }

  private static boolean toolCalls(JsonParser p) throws IOException {
    if (!Json.isArray(p)) {
      return false;
    }
    boolean found = false;
    while (Json.nextObject(p)) {
      String f;
      while ((f = Json.nextField(p)) != null) {
        if (f.equals("function")) {
          found |= function(p);
        } else {
          p.skipChildren();
        }
      }
    }
    return found;
  }

  /** A function call fragment: its generated name or a non-empty arguments delta. */
  private static boolean function(JsonParser p) throws IOException {
    if (!Json.isObject(p)) {
      return false;
    }
    boolean found = false;
    String f;
    while ((f = Json.nextField(p)) != null) {
      if (f.equals("name") || f.equals("arguments")) {
        found |= Json.hasContent(p);
      } else {
        p.skipChildren();
      }
    }
    return found;
  }

  @Override
  void end() {
    if (error) {
      if (streaming) {
        streamError(errorCode);
      } else if (call.errorCode == null) {
        call.errorCode = errorCode;
      }
      return;
    }
    if (content) {
      firstChunk();
    }
  }

  @Override
  void onDone() {
    if (!failed) {
      call.complete = true;
    }
  }

  @Override
  String[] tailKeys() {
    return TAIL_KEYS;
  }
}
