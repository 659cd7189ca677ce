package dev.tollgate.agent.it;

import java.util.List;

/**
 * The shared contract: every HTTP client runs every one of these against the same fake
 * providers. Fixtures are in src/test/resources/contract, written from the providers' public API
 * references (response shapes, SSE event sequences, error bodies, rate-limit headers).
 */
final class ContractScenarios {
  private ContractScenarios() {}

  static List<Scenario> all() {
    return List.of(
        new Scenario("openai chat, blocking")
            .post("/openai/v1/chat/completions", "openai_chat.req.json")
            .respond(200, "application/json", "openai_chat.resp.json")
            .header("x-ratelimit-remaining-requests", "499")
            .header("x-ratelimit-remaining-tokens", "149970")
            .header("x-ratelimit-reset-requests", "120ms")
            .expect("openai", "chat", "gpt-4o-mini", "gpt-4o-mini-2024-07-18")
            .tokens(19L, 10L, 0L, null, 0L),
        new Scenario("openai chat, streamed with include_usage")
            .post("/openai/v1/chat/completions", "openai_stream.req.json")
            .sse("openai_stream.sse")
            .expect("openai", "chat", "gpt-4o", "gpt-4o-2024-08-06")
            .streaming()
            .tokens(1200L, 50L, 1024L, null, 0L),
        new Scenario("openai chat, streamed without usage: tokens unknown")
            .post("/openai/v1/chat/completions", "openai_stream_nousage.req.json")
            .sse("openai_stream_nousage.sse")
            .expect("openai", "chat", "gpt-4o", "gpt-4o-2024-08-06")
            .streaming()
            .tokens(null, null, null, null, null),
        new Scenario("openai reasoning model, blocking")
            .post("/openai/v1/chat/completions", "openai_reasoning.req.json")
            .respond(200, "application/json", "openai_reasoning.resp.json")
            .expect("openai", "chat", "o3-mini", "o3-mini-2025-01-31")
            .tokens(14L, 612L, 0L, null, 512L),
        new Scenario("openai chat, gzip-encoded body")
            .post("/openai/v1/chat/completions", "openai_chat.req.json")
            .respond(200, "application/json", "openai_chat.resp.json.gz")
            .header("Content-Encoding", "gzip")
            .expect("openai", "chat", "gpt-4o-mini", "gpt-4o-mini-2024-07-18")
            .tokens(19L, 10L, 0L, null, 0L),
        new Scenario("openai embeddings")
            .post("/openai/v1/embeddings", "embeddings.req.json")
            .respond(200, "application/json", "embeddings.resp.json")
            .expect("openai", "embeddings", "text-embedding-3-small", "text-embedding-3-small")
            .tokens(10L, null, null, null, null),
        new Scenario("openai responses API, streamed")
            .post("/openai/v1/responses", "responses_stream.req.json")
            .sse("responses_stream.sse")
            .expect("openai", "chat", "gpt-4.1", "gpt-4.1-2025-04-14")
            .streaming()
            .tokens(37L, 11L, 0L, null, 0L),
        new Scenario("openai 429 with Retry-After")
            .post("/openai/v1/chat/completions", "openai_chat.req.json")
            .respond(429, "application/json", "openai_429.resp.json")
            .header("retry-after", "2")
            .expect("openai", "chat", "gpt-4o-mini", null)
            .error("429")
            .tokens(null, null, null, null, null),
        new Scenario("openai 500")
            .post("/openai/v1/chat/completions", "openai_chat.req.json")
            .respond(500, "application/json", "openai_500.resp.json")
            .expect("openai", "chat", "gpt-4o-mini", null)
            .error("500"),
        new Scenario("openai error event inside a 200 stream")
            .post("/openai/v1/chat/completions", "openai_stream.req.json")
            .sse("openai_stream_error.sse")
            .expect("openai", "chat", "gpt-4o", "gpt-4o-mini-2024-07-18")
            .streaming()
            .error("stream_error_event"),
        new Scenario("openai stream cut off before [DONE]")
            .post("/openai/v1/chat/completions", "openai_stream.req.json")
            .sse("openai_stream_truncated.sse")
            .expect("openai", "chat", "gpt-4o", "gpt-4o-2024-08-06")
            .streaming()
            .error("stream_truncated"),
        new Scenario("SDK retry attempt header")
            .post("/openai/v1/chat/completions", "openai_chat.req.json")
            .requestHeader("x-stainless-retry-count", "2")
            .respond(200, "application/json", "openai_chat.resp.json")
            .expect("openai", "chat", "gpt-4o-mini", "gpt-4o-mini-2024-07-18")
            .tokens(19L, 10L, 0L, null, 0L),
        new Scenario("azure openai deployment, blocking")
            .post("/azure/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21", "azure_chat.req.json")
            .respond(200, "application/json", "azure_chat.resp.json")
            .expect("azure.ai.openai", "chat", "gpt-4o-prod", "gpt-4o-2024-08-06")
            .tokens(12L, 15L, 0L, null, 0L),
        new Scenario("deepseek reasoner stream with keep-alives")
            .post("/deepseek/chat/completions", "deepseek_stream.req.json")
            .sse("deepseek_stream.sse")
            .expect("deepseek", "chat", "deepseek-reasoner", "deepseek-reasoner")
            .streaming()
            .tokens(17L, 240L, 0L, null, 221L),
        new Scenario("self-hosted vLLM recognized by path shape")
            .post("/v1/chat/completions", "vllm.req.json")
            .respond(200, "application/json", "vllm.resp.json")
            .expect("openai-compatible", "chat", "meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B-Instruct")
            .tokens(12L, 8L, null, null, null),
        new Scenario("anthropic messages with prompt caching, blocking")
            .post("/anthropic/v1/messages", "anthropic.req.json")
            .respond(200, "application/json", "anthropic.resp.json")
            .expect("anthropic", "chat", "claude-sonnet-4-5", "claude-sonnet-4-5-20250929")
            .tokens(1250L, 300L, 1000L, 200L, null),
        new Scenario("anthropic extended-thinking stream")
            .post("/anthropic/v1/messages", "anthropic_stream.req.json")
            .sse("anthropic_stream.sse")
            .expect("anthropic", "chat", "claude-sonnet-4-5", "claude-sonnet-4-5-20250929")
            .streaming()
            .tokens(25L, 180L, 0L, 0L, null),
        new Scenario("anthropic overloaded_error event")
            .post("/anthropic/v1/messages", "anthropic_stream.req.json")
            .sse("anthropic_overloaded.sse")
            .expect("anthropic", "chat", "claude-sonnet-4-5", "claude-sonnet-4-5-20250929")
            // message_start reported the input; its output count is a placeholder, so unknown.
            .tokens(25L, null, null, null, null)
            .error("stream_error_event"),
        new Scenario("dify chat app, streamed, with price and TTS after message_end")
            .post("/dify/v1/chat-messages", "dify_chat.req.json")
            .sse("dify_chat.sse")
            .expect("dify", "chat", null, null)
            .streaming()
            .tokens(1033L, 135L, null, null, null),
        new Scenario("dify error event inside a 200 stream")
            .post("/dify/v1/chat-messages", "dify_chat.req.json")
            .sse("dify_error.sse")
            .expect("dify", "chat", null, null)
            .error("stream_error_event"),
        new Scenario("dify workflow, blocking: only a total, so input/output unknown")
            .post("/dify/v1/workflows/run", "dify_workflow.req.json")
            .respond(200, "application/json", "dify_workflow.resp.json")
            .expect("dify", "invoke_workflow", null, null)
            .tokens(null, null, null, null, null),
        new Scenario("application closes the stream after the first chunk")
            .post("/openai/v1/chat/completions", "openai_stream.req.json")
            .sse("openai_stream.sse")
            .dribble(10)
            .read("FIRST_CHUNK_THEN_CLOSE")
            .expect("openai", "chat", "gpt-4o", null)
            .error("client_aborted"),
        new Scenario("read timeout")
            .post("/openai/v1/chat/completions", "openai_chat.req.json")
            .respond(200, "application/json", "openai_chat.resp.json")
            .delay(3000)
            .timeout(500)
            .expect("openai", "chat", "gpt-4o-mini", null)
            .error("timeout"),
        new Scenario("connection refused")
            .post("/openai/v1/chat/completions", "openai_chat.req.json")
            .refused()
            // Another port than the configured endpoint: recognized by its path shape instead.
            .expect("openai-compatible", "chat", "gpt-4o-mini", null)
            .error("connect_error"),
        new Scenario("a call that is not an LLM call is left alone")
            .post("/internal/orders", "nonllm.req.json")
            .respond(200, "application/json", "nonllm.resp.json")
            .noSpan());
  }
}
