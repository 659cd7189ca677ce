package dev.tollgate.agent.core.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tollgate.agent.core.NanoClock;
import dev.tollgate.agent.core.call.LlmCall;
import java.io.IOException;

/**
 * Non-2xx bodies of every provider: only the error code matters (the instrumentation sets {@code
 * error.type} from the status). A nested {@code error} wins (OpenAI, Azure, Anthropic, Gemini,
 * Ollama); otherwise a top-level string {@code code} (Dify), then a top-level {@code type} (vLLM's
 * {@code BadRequestError}), then a numeric code.
 */
final class ErrorDialect extends Dialect {
  private String nested;
  private String code;
  private String numericCode;
  private String type;

  ErrorDialect(LlmCall call, NanoClock clock) {
    super(call, clock);
  }

  @Override
  void begin(String sseEvent) {
    nested = null;
    code = null;
    numericCode = null;
    type = null;
  }

  @Override
  void field(String name, JsonParser p) throws IOException {
    switch (name) {
      case "error":
        nested = Errors.errorValue(p, call);
        break;
      case "code":
        if (p.currentToken() == JsonToken.VALUE_STRING) {
          code = p.getText();
        } else {
          numericCode = Json.nonEmptyText(p);
        }
        break;
      case "type":
        type = Json.text(p);
        break;
      default:
        p.skipChildren();
    }
  }

  /** An error body that came as an array (Gemini to a streaming call) is not a stream. */
  @Override
  void onStreamEnd() {
    call.complete = true;
  }

  @Override
  void end() {
    String c = nested;
    if (c == null && code != null && !code.isEmpty()) {
      c = code;
    }
    if (c == null && type != null && !type.isEmpty() && !type.equals("error")) {
      c = type;
    }
    if (c == null) {
      c = numericCode;
    }
    if (c != null && call.errorCode == null) {
      call.errorCode = Errors.clip(c);
    }
  }
}
