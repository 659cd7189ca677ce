package dev.tollgate.agent.core.parse;

import com.fasterxml.jackson.core.JsonParser;
import dev.tollgate.agent.core.NanoClock;
import dev.tollgate.agent.core.call.LlmCall;
import java.io.IOException;

/**
 * Ollama's native API: {@code /api/chat} and {@code /api/generate} stream NDJSON objects, the last
 * with {@code done: true} and the counts; {@code /api/embed} answers one object. An {@code
 * {"error": "..."}} line can end a stream.
 *
 * <p>Ollama omits zero and empty fields, including {@code prompt_eval_count} when the whole prompt
 * came from its KV cache (pitfall 19): an absent count stays unknown, and no {@code usage} key
 * exists at all.
 */
final class OllamaDialect extends Dialect {
  private static final String[] TAIL_KEYS = {"prompt_eval_count", "eval_count", "done_reason"};

  private static final byte[] DONE = Skim.key("done");
  private static final Skim.Keys ERROR = new Skim.Keys("error");

  private boolean content;
  private boolean done;
  private boolean error;
  private String errorCode;

  OllamaDialect(LlmCall call, NanoClock clock) {
    super(call, clock);
  }

  /** Lines before the last ({@code "done": false}) carry no counts once the first chunk is known. */
  @Override
  boolean skippable(byte[] data, int offset, int end, String sseEvent) {
    if (!pastFirstChunk() || call.responseModel == null) {
      return false;
    }
    int v = Skim.valueOf(data, offset, end, DONE);
    return v >= 0 && data[v] == 'f' && !Skim.anyNonNull(data, offset, end, ERROR);
  }

  @Override
  void begin(String sseEvent) {
    content = false;
    done = false;
    error = false;
    errorCode = null;
  }

  @Override
  void field(String name, JsonParser p) throws IOException {
    switch (name) {
      case "model":
        model(Json.text(p));
        break;
      case "message":
        if (wantsFirstChunk() && !content) {
          content = message(p);
        } else {
          p.skipChildren();
        }
        break;
      case "response": // generate
      case "thinking": // generate, thinking models
        if (wantsFirstChunk() && !content) {
          content = Json.hasContent(p);
        } else {
          p.skipChildren();
        }
        break;
      case "done":
        done = Json.bool(p);
        break;
      case "done_reason":
        String r = Json.text(p);
        if (r != null && !r.isEmpty()) {
          call.finishReason = r;
        }
        break;
      case "prompt_eval_count":
        call.inputTokens = known(Json.count(p), call.inputTokens);
        break;
      case "eval_count":
        call.outputTokens = known(Json.count(p), call.outputTokens);
        break;
      case "error":
        error = true;
        errorCode = Errors.errorValue(p, call);
        break;
      default:
        p.skipChildren(); // context, embeddings, durations
    }
  }

  private static boolean message(JsonParser p) throws IOException {
    if (!Json.isObject(p)) {
      return false;
    }
    boolean found = false;
    String f;
    while ((f = Json.nextField(p)) != null) {
      switch (f) {
        case "content":
        case "thinking":
        case "tool_calls":
          found |= Json.hasContent(p);
          break;
        default:
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
    if (streaming && done && !failed) {
      call.complete = true;
    }
  }

  @Override
  String[] tailKeys() {
    return TAIL_KEYS;
  }
}
