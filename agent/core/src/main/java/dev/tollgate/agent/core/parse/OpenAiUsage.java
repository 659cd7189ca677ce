package dev.tollgate.agent.core.parse;

import com.fasterxml.jackson.core.JsonParser;
import dev.tollgate.agent.core.call.LlmCall;
import java.io.IOException;

/**
 * The Chat Completions {@code usage} object, shared by every OpenAI-format server. Input already
 * includes cached tokens and output already includes reasoning (pitfalls 1, 2); details that are
 * null (vLLM's {@code prompt_tokens_details: null}) or absent stay unknown. DeepSeek reports its
 * cache hits as {@code prompt_cache_hit_tokens}.
 */
final class OpenAiUsage {
  private OpenAiUsage() {}

  /** Reads the object at the parser and applies it; {@code outputs} false for embeddings. */
  static void read(JsonParser p, LlmCall call, boolean outputs) throws IOException {
    if (!Json.isObject(p)) {
      return; // "usage": null on ordinary chunks
    }
    long prompt = LlmCall.UNKNOWN;
    long completion = LlmCall.UNKNOWN;
    long total = LlmCall.UNKNOWN;
    long cached = LlmCall.UNKNOWN;
    long hit = LlmCall.UNKNOWN;
    long reasoning = LlmCall.UNKNOWN;
    String f;
    while ((f = Json.nextField(p)) != null) {
      switch (f) {
        case "prompt_tokens":
          prompt = Json.count(p);
          break;
        case "completion_tokens":
          completion = Json.count(p);
          break;
        case "total_tokens":
          total = Json.count(p);
          break;
        case "prompt_tokens_details":
          cached = Json.countIn(p, "cached_tokens");
          break;
        case "completion_tokens_details":
          reasoning = Json.countIn(p, "reasoning_tokens");
          break;
        case "prompt_cache_hit_tokens":
          hit = Json.count(p);
          break;
        default:
          p.skipChildren();
      }
    }
    call.inputTokens = Dialect.known(prompt, call.inputTokens);
    call.totalTokens = Dialect.known(total, call.totalTokens);
    call.cacheReadTokens = Dialect.known(cached >= 0 ? cached : hit, call.cacheReadTokens);
    if (outputs) {
      call.outputTokens = Dialect.known(completion, call.outputTokens);
      call.reasoningTokens = Dialect.known(reasoning, call.reasoningTokens);
    }
  }
}
