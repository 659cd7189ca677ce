package dev.tollgate.agent.core.parse;

import com.fasterxml.jackson.core.JsonParser;
import dev.tollgate.agent.core.NanoClock;
import dev.tollgate.agent.core.call.LlmCall;
import java.io.IOException;

/**
 * Gemini {@code generateContent} and {@code streamGenerateContent} (SSE with {@code alt=sse}, or a
 * JSON array otherwise), and the embedding methods, which report no usage at all.
 *
 * <p>Tokens: {@code promptTokenCount} already includes {@code cachedContentTokenCount}; tool-use
 * prompt tokens are input too. {@code candidatesTokenCount} excludes {@code thoughtsTokenCount}, so
 * output is their sum (pitfall 2). Every chunk repeats cumulative {@code usageMetadata}: the last
 * value wins (pitfall 3). Proto3 JSON omits zero fields, so early chunks lack {@code
 * candidatesTokenCount}; a count absent from every chunk stays unknown (pitfall 19).
 *
 * <p>The stream has no end marker: it is complete once a candidate reports a {@code finishReason}
 * (or the prompt is blocked), which the last chunk always does, or when the JSON array of a stream
 * without {@code alt=sse} closes.
 */
final class GeminiDialect extends Dialect {
  private static final String[] TAIL_KEYS = {"usageMetadata", "modelVersion", "responseId"};

  private boolean content;
  private boolean finished;
  private boolean error;
  private String errorCode;

  GeminiDialect(LlmCall call, NanoClock clock) {
    super(call, clock);
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
      case "candidates":
        candidates(p);
        break;
      case "usageMetadata":
        usage(p);
        break;
      case "modelVersion":
        String m = Json.text(p);
        model(m != null && m.startsWith("models/") ? m.substring(7) : m);
        break;
      case "responseId":
        responseId(Json.text(p));
        break;
      case "promptFeedback":
        promptFeedback(p);
        break;
      case "error":
        error = true;
        errorCode = Errors.errorValue(p, call);
        break;
      default:
        p.skipChildren(); // embedding(s), automaticFunctionCallingHistory, ...
    }
  }

  private void candidates(JsonParser p) throws IOException {
    if (!Json.isArray(p)) {
      return;
    }
    while (Json.nextObject(p)) {
      String f;
      while ((f = Json.nextField(p)) != null) {
        switch (f) {
          case "content":
            if (wantsFirstChunk() && !content) {
              content = parts(p);
            } else {
              p.skipChildren();
            }
            break;
          case "finishReason":
            String r = Json.text(p);
            if (r != null && !r.isEmpty()) {
              call.finishReason = r;
              finished = true;
            }
            break;
          default:
            p.skipChildren();
        }
      }
    }
  }

  /** True when content.parts holds generated text (thoughts included) or a call or blob. */
  private static boolean parts(JsonParser p) throws IOException {
    if (!Json.isObject(p)) {
      return false;
    }
    boolean found = false;
    String f;
    while ((f = Json.nextField(p)) != null) {
      if (!f.equals("parts") || !Json.isArray(p)) {
        p.skipChildren();
        continue;
      }
      while (Json.nextObject(p)) {
        String g;
        while ((g = Json.nextField(p)) != null) {
          switch (g) {
            case "text":
              found |= Json.hasContent(p);
              break;
            case "functionCall":
            case "inlineData":
            case "executableCode":
              found = true;
              p.skipChildren();
              break;
            default:
              p.skipChildren(); // thought: true, thoughtSignature, ...
          }
        }
      }
    }
    return found;
  }

  private void usage(JsonParser p) throws IOException {
    if (!Json.isObject(p)) {
      return;
    }
    long prompt = LlmCall.UNKNOWN;
    long candidates = LlmCall.UNKNOWN;
    long thoughts = LlmCall.UNKNOWN;
    long cached = LlmCall.UNKNOWN;
    long toolUse = LlmCall.UNKNOWN;
    long total = LlmCall.UNKNOWN;
    String f;
    while ((f = Json.nextField(p)) != null) {
      switch (f) {
        case "promptTokenCount":
          prompt = Json.count(p);
          break;
        case "candidatesTokenCount":
          candidates = Json.count(p);
          break;
        case "thoughtsTokenCount":
          thoughts = Json.count(p);
          break;
        case "cachedContentTokenCount":
          cached = Json.count(p);
          break;
        case "toolUsePromptTokenCount":
          toolUse = Json.count(p);
          break;
        case "totalTokenCount":
          total = Json.count(p);
          break;
        default:
          p.skipChildren(); // per-modality details
      }
    }
    if (prompt >= 0) {
      call.inputTokens = prompt + Math.max(0, toolUse);
    }
    if (candidates >= 0 || thoughts >= 0) {
      call.outputTokens = Math.max(0, candidates) + Math.max(0, thoughts);
    }
    call.reasoningTokens = known(thoughts, call.reasoningTokens);
    call.cacheReadTokens = known(cached, call.cacheReadTokens);
    call.totalTokens = known(total, call.totalTokens);
  }

  private void promptFeedback(JsonParser p) throws IOException {
    if (!Json.isObject(p)) {
      return;
    }
    String f;
    while ((f = Json.nextField(p)) != null) {
      if (f.equals("blockReason")) {
        String r = Json.text(p);
        if (r != null && !r.isEmpty()) {
          call.finishReason = r;
          finished = true;
        }
      } else {
        p.skipChildren();
      }
    }
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
    if (streaming && finished && !failed) {
      call.complete = true;
    }
  }

  @Override
  void onStreamEnd() {
    if (arrayClosed && !failed) {
      call.complete = true;
    }
    super.onStreamEnd();
  }

  @Override
  String[] tailKeys() {
    return TAIL_KEYS;
  }
}
