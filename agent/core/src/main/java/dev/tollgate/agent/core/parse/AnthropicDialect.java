package dev.tollgate.agent.core.parse;

import com.fasterxml.jackson.core.JsonParser;
import dev.tollgate.agent.core.NanoClock;
import dev.tollgate.agent.core.call.LlmCall;
import java.io.IOException;

/**
 * Anthropic Messages. Blocking: one {@code message}. Streaming: {@code message_start}, content
 * block events, {@code message_delta} and {@code message_stop}, with {@code ping} and {@code error}
 * (e.g. {@code overloaded_error}) possible at any point.
 *
 * <p>Tokens (pitfalls 1 and 3): {@code input_tokens} excludes cache reads and writes, so input is
 * their sum. {@code message_delta} usage is cumulative (take the last value, never add) and the
 * {@code output_tokens} in {@code message_start} is a placeholder, ignored. Output includes
 * thinking; Anthropic reports no separate reasoning count, so that stays unknown.
 *
 * <p>First chunk: a non-empty {@code text_delta}, {@code thinking_delta} or {@code
 * input_json_delta}; not {@code message_start}, {@code ping}, {@code content_block_start} or a
 * {@code signature_delta}.
 */
final class AnthropicDialect extends Dialect {
  private static final String[] TAIL_KEYS = {"usage", "stop_reason"};

  // Latest values seen over the stream, raw as Anthropic reports them.
  private long rawInput = LlmCall.UNKNOWN;
  private long cacheRead = LlmCall.UNKNOWN;
  private long cacheWrite = LlmCall.UNKNOWN;

  private String type;
  private boolean content;
  private String stopReason;
  private boolean error;
  private String errorCode;

  AnthropicDialect(LlmCall call, NanoClock clock) {
    super(call, clock);
  }

  /**
   * Content deltas after the first one carry neither usage nor a stop reason (those come in {@code
   * message_start} and {@code message_delta}), and pings carry nothing. Goes by the SSE event name,
   * so a stream whose proxy dropped the {@code event:} lines is parsed whole.
   */
  @Override
  boolean skippable(byte[] data, int offset, int end, String sseEvent) {
    return "ping".equals(sseEvent) || (pastFirstChunk() && "content_block_delta".equals(sseEvent));
  }

  @Override
  void begin(String sseEvent) {
    type = sseEvent;
    content = false;
    stopReason = null;
    error = false;
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
      case "message": // message_start
        if (Json.isObject(p)) {
          String f;
          while ((f = Json.nextField(p)) != null) {
            messageField(f, p, false);
          }
        }
        break;
      case "delta":
        delta(p);
        break;
      case "error":
        error = true;
        errorCode = Errors.errorValue(p, call);
        break;
      default:
        messageField(name, p, true); // a blocking body is the message itself
    }
  }

  private void messageField(String name, JsonParser p, boolean realOutput) throws IOException {
    switch (name) {
      case "id":
        responseId(Json.text(p));
        break;
      case "model":
        model(Json.text(p));
        break;
      case "stop_reason":
        String r = Json.text(p);
        if (r != null) {
          stopReason = r;
        }
        break;
      case "usage":
        usage(p, realOutput);
        break;
      default:
        p.skipChildren(); // content, role, content_block, index, ...
    }
  }

  private void delta(JsonParser p) throws IOException {
    if (!Json.isObject(p)) {
      return;
    }
    String f;
    while ((f = Json.nextField(p)) != null) {
      switch (f) {
        case "text":
        case "thinking":
        case "partial_json":
          if (wantsFirstChunk() && !content) {
            content = Json.hasContent(p);
          } else {
            p.skipChildren();
          }
          break;
        case "stop_reason":
          String r = Json.text(p);
          if (r != null) {
            stopReason = r;
          }
          break;
        default:
          p.skipChildren(); // type, signature, stop_sequence
      }
    }
  }

  private void usage(JsonParser p, boolean realOutput) throws IOException {
    if (!Json.isObject(p)) {
      return;
    }
    String f;
    while ((f = Json.nextField(p)) != null) {
      switch (f) {
        case "input_tokens":
          rawInput = known(Json.count(p), rawInput);
          break;
        case "cache_read_input_tokens":
          cacheRead = known(Json.count(p), cacheRead);
          break;
        case "cache_creation_input_tokens":
          cacheWrite = known(Json.count(p), cacheWrite);
          break;
        case "output_tokens":
          long out = Json.count(p);
          if (realOutput) {
            call.outputTokens = known(out, call.outputTokens);
          }
          break;
        default:
          p.skipChildren();
      }
    }
    if (rawInput >= 0) {
      call.inputTokens = rawInput + Math.max(0, cacheRead) + Math.max(0, cacheWrite);
    }
    call.cacheReadTokens = known(cacheRead, call.cacheReadTokens);
    call.cacheWriteTokens = known(cacheWrite, call.cacheWriteTokens);
  }

  @Override
  void end() {
    if (stopReason != null) {
      call.finishReason = stopReason;
    }
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
    if (streaming && "message_stop".equals(type) && !failed) {
      call.complete = true;
    }
  }

  @Override
  String[] tailKeys() {
    return TAIL_KEYS;
  }
}
