package dev.tollgate.samples.fakellm;

/**
 * Token counts derived deterministically from the request, so tests can predict them:
 *
 * <pre>
 *   prompt     = max(1, ceil(promptChars / 4))
 *   completion = min(outputTokens, the request's max_tokens / max_completion_tokens / max_output_tokens)
 *   cached     = floor(prompt * cacheFraction)          (inside prompt, as OpenAI counts it)
 *   reasoning  = min(floor(completion * reasoningFraction), completion - 1)   (inside completion)
 * </pre>
 *
 * Anthropic reports {@code input_tokens = prompt - cached} and {@code cache_read_input_tokens =
 * cached}, because its input excludes cache reads.
 */
record Usage(int prompt, int completion, int cached, int reasoning, boolean truncated) {

  static Usage of(Knobs k, Ask ask) {
    int prompt = Math.max(1, (ask.promptChars() + 3) / 4);
    int completion = Math.min(k.outputTokens(), ask.maxTokens());
    int cached = (int) Math.floor(prompt * k.cacheFraction());
    int reasoning = Math.min((int) Math.floor(completion * k.reasoningFraction()), completion - 1);
    return new Usage(prompt, completion, cached, reasoning, completion < k.outputTokens());
  }

  int total() {
    return prompt + completion;
  }

  /** Tokens of visible text; the reasoning tokens come first and are not shown. */
  int visible() {
    return completion - reasoning;
  }
}
