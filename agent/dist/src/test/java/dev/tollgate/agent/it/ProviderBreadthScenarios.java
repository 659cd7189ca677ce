package dev.tollgate.agent.it;

import java.util.List;

/**
 * Gemini's and Ollama's native APIs, end to end through real clients (the shared contract covers
 * the OpenAI, Anthropic and Dify formats). Fixtures follow the providers' API references: Gemini's
 * {@code generateContent} with cached and thought tokens (thoughts are not inside the candidates
 * count), {@code streamGenerateContent} as SSE with CRLF framing ({@code ?alt=sse}) and as a JSON
 * array arriving piece by piece (without it), a 429 whose retry delay is in the body; Ollama's
 * {@code /api/chat} and {@code /api/generate} as NDJSON, with fields left out when zero. No
 * endpoint is configured for them: they are recognized by path shape.
 */
final class ProviderBreadthScenarios {
  private ProviderBreadthScenarios() {}

  static List<Scenario> all() {
    return List.of(
        new Scenario("gemini generateContent, blocking, thoughts outside candidates")
            .post("/v1beta/models/gemini-2.5-flash:generateContent", "gemini.req.json")
            .respond(200, "application/json", "gemini_generate.resp.json")
            .expect("gcp.gemini", "generate_content", "gemini-2.5-flash", "gemini-2.5-flash")
            // output = candidates 295 + thoughts 937; cached tokens are inside the prompt count.
            .tokens(12840L, 1232L, 12288L, null, 937L),
        new Scenario("gemini streamGenerateContent with alt=sse (CRLF)")
            .post(
                "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                "gemini_stream.req.json")
            .sse("gemini_stream.sse")
            .expect(
                "gcp.gemini",
                "generate_content",
                "gemini-2.5-flash",
                "gemini-2.5-flash-preview-05-20")
            .streaming()
            // usageMetadata repeats cumulatively: the last one counts, never the sum.
            .tokens(5L, 230L, null, null, 186L),
        new Scenario("gemini streamGenerateContent without alt=sse: a JSON array piece by piece")
            .post("/v1beta/models/gemini-2.0-flash:streamGenerateContent", "gemini_stream.req.json")
            .respond(200, "application/json", "gemini_stream_array.json")
            .dribble(8)
            .expect("gcp.gemini", "generate_content", "gemini-2.0-flash", "gemini-2.0-flash")
            .streaming()
            .tokens(9L, 21L, null, null, null),
        new Scenario("gemini 429 RESOURCE_EXHAUSTED, retry delay in the body")
            .post("/v1beta/models/gemini-2.5-flash:generateContent", "gemini.req.json")
            .respond(429, "application/json", "gemini_429.resp.json")
            .expect("gcp.gemini", "generate_content", "gemini-2.5-flash", null)
            .error("429")
            .tokens(null, null, null, null, null),
        new Scenario("ollama /api/chat, NDJSON stream (streaming is Ollama's default)")
            .post("/api/chat", "ollama_chat.req.json")
            .respond(200, "application/x-ndjson", "ollama_chat.ndjson")
            .dribble(5)
            .expect("ollama", "chat", "qwen3:8b", "qwen3:8b")
            .streaming()
            .tokens(26L, 282L, null, null, null),
        new Scenario("ollama /api/chat, blocking")
            .post("/api/chat", "ollama_chat_blocking.req.json")
            .respond(200, "application/json", "ollama_chat.resp.json")
            .expect("ollama", "chat", "llama3.2", "llama3.2")
            .tokens(26L, 298L, null, null, null),
        new Scenario(
                "ollama /api/generate, KV-cache hit leaves prompt_eval_count out: input unknown")
            .post("/api/generate", "ollama_generate.req.json")
            .respond(200, "application/x-ndjson", "ollama_generate.ndjson")
            .dribble(3)
            .expect("ollama", "text_completion", "llama3.2:3b", "llama3.2:3b")
            .streaming()
            .tokens(null, 3L, null, null, null));
  }
}
