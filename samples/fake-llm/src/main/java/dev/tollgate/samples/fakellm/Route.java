package dev.tollgate.samples.fakellm;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.random.RandomGenerator;

/** The model endpoints: which request shape each takes and which provider's errors it speaks. */
enum Route {
  CHAT_COMPLETIONS("/v1/chat/completions", Provider.OPENAI),
  /** DeepSeek and some gateways serve it without the version prefix. */
  CHAT_COMPLETIONS_UNVERSIONED("/chat/completions", Provider.OPENAI),
  RESPONSES("/v1/responses", Provider.OPENAI),
  EMBEDDINGS("/v1/embeddings", Provider.OPENAI),
  MESSAGES("/v1/messages", Provider.ANTHROPIC),
  DIFY_CHAT("/v1/chat-messages", Provider.DIFY),
  DIFY_COMPLETION("/v1/completion-messages", Provider.DIFY),
  DIFY_WORKFLOW("/v1/workflows/run", Provider.DIFY);

  enum Provider {
    OPENAI,
    ANTHROPIC,
    DIFY
  }

  final String path;
  final Provider provider;

  Route(String path, Provider provider) {
    this.path = path;
    this.provider = provider;
  }

  static Route of(String path) {
    for (Route r : values()) {
      if (r.path.equals(path)) {
        return r;
      }
    }
    return null;
  }

  /** Chat completions are parsed without a tree; see {@link Ask#openAiChat(byte[])}. */
  boolean fastPath() {
    return this == CHAT_COMPLETIONS || this == CHAT_COMPLETIONS_UNVERSIONED;
  }

  Ask ask(JsonNode body, Knobs k) {
    return switch (this) {
      case CHAT_COMPLETIONS, CHAT_COMPLETIONS_UNVERSIONED -> Ask.openAiChat(body);
      case RESPONSES -> Ask.openAiResponses(body);
      case EMBEDDINGS -> Ask.openAiEmbeddings(body);
      case MESSAGES -> Ask.anthropic(body);
      case DIFY_CHAT, DIFY_COMPLETION, DIFY_WORKFLOW -> Ask.dify(body, k.difyModel());
    };
  }

  /** The successful answer. Pure given the random source and the in-flight count. */
  Reply answer(Ask ask, Usage u, Knobs k, int inflight, RandomGenerator random, long nowSeconds) {
    Timing t = Timing.of(k, inflight, random);
    return switch (this) {
      case CHAT_COMPLETIONS, CHAT_COMPLETIONS_UNVERSIONED -> OpenAi.chat(ask, u, t, nowSeconds);
      case RESPONSES -> OpenAi.responses(ask, u, t, nowSeconds);
      case EMBEDDINGS -> OpenAi.embeddings(ask, u, t);
      case MESSAGES -> Anthropic.messages(ask, u, t);
      case DIFY_CHAT -> Dify.message(ask, u, t, nowSeconds, true);
      case DIFY_COMPLETION -> Dify.message(ask, u, t, nowSeconds, false);
      case DIFY_WORKFLOW -> Dify.workflow(ask, u, t, nowSeconds);
    };
  }

  Reply rateLimited(String model, Knobs k, Instant now) {
    return switch (provider) {
      case OPENAI -> OpenAi.rateLimited(model, k.retryAfterSeconds());
      case ANTHROPIC -> Anthropic.rateLimited(k.retryAfterSeconds(), now);
      case DIFY -> Dify.rateLimited();
    };
  }

  Reply serverError(int status) {
    return switch (provider) {
      case OPENAI -> OpenAi.serverError(status);
      case ANTHROPIC -> Anthropic.serverError(status);
      case DIFY -> Dify.serverError(status);
    };
  }

  Reply badRequest(String message) {
    return switch (provider) {
      case OPENAI -> OpenAi.badRequest(message);
      case ANTHROPIC -> Anthropic.error(400, "invalid_request_error", message);
      case DIFY -> Dify.error(400, "invalid_param", message);
    };
  }
}
