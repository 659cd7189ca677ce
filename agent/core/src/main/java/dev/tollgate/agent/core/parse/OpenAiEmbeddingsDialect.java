package dev.tollgate.agent.core.parse;

import com.fasterxml.jackson.core.JsonParser;
import dev.tollgate.agent.core.NanoClock;
import dev.tollgate.agent.core.call.LlmCall;
import java.io.IOException;

/**
 * OpenAI-format embeddings: {@code {data: [...], model, usage: {prompt_tokens, total_tokens}}}.
 * Embeddings have no output tokens, so output stays unknown even where a server sends {@code
 * completion_tokens: 0} (pitfall 4). The vectors come before model and usage, so a body too large
 * to buffer is salvaged from its tail.
 */
final class OpenAiEmbeddingsDialect extends Dialect {
  private static final String[] TAIL_KEYS = {"usage", "model"};
  private String errorCode;

  OpenAiEmbeddingsDialect(LlmCall call, NanoClock clock) {
    super(call, clock);
  }

  @Override
  void begin(String sseEvent) {
    errorCode = null;
  }

  @Override
  void field(String name, JsonParser p) throws IOException {
    switch (name) {
      case "model":
        model(Json.text(p));
        break;
      case "usage":
        OpenAiUsage.read(p, call, false);
        break;
      case "error":
        errorCode = Errors.errorValue(p, call);
        break;
      default:
        p.skipChildren(); // "data": the vectors
    }
  }

  @Override
  void end() {
    if (errorCode != null && call.errorCode == null) {
      call.errorCode = errorCode;
    }
  }

  @Override
  String[] tailKeys() {
    return TAIL_KEYS;
  }
}
