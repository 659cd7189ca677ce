package dev.tollgate.agent.it.app;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An application built on the official SDKs, knowing nothing of Tollgate: the OpenAI and Anthropic
 * Java SDKs (on OkHttp) and LangChain4j's OpenAI model (on the JDK client). Runs the named
 * operations against {@code args[0]} (the fake providers' base URL) and prints what the SDK parsed,
 * one line per operation, so the test can compare it with what the agent recorded.
 */
public final class SdkApp {
  public static void main(String[] args) {
    String base = args[0];
    for (int i = 1; i < args.length; i++) {
      String op = args[i];
      try {
        System.out.println(op + " " + run(base, op));
      } catch (Exception e) {
        System.out.println(op + " failed " + e);
      }
    }
  }

  private static String run(String base, String op) {
    switch (op) {
      case "openai-chat":
        return openAiChat(openAi(base + "/openai/v1"));
      case "openai-chat-stream":
        return openAiChatStream(openAi(base + "/openai/v1"), true);
      case "openai-responses":
        return openAiResponses(openAi(base + "/openai/v1"));
      case "openai-responses-stream":
        return openAiResponsesStream(openAi(base + "/openai/v1"));
      case "openai-retry":
        return openAiChat(openAi(base + "/openai-retry/v1"));
      case "anthropic-message":
        return anthropicMessage(anthropic(base + "/anthropic"));
      case "anthropic-stream":
        return anthropicStream(anthropic(base + "/anthropic"));
      case "anthropic-retry":
        return anthropicMessage(anthropic(base + "/anthropic-retry"));
      case "openai-chat-stream-unasked":
        return openAiChatStream(openAi(base + "/openai-iu/v1"), false);
      case "langchain4j-chat":
        return OpenAiChatModel.builder()
            .baseUrl(base + "/lc4j/v1")
            .apiKey("sk-lc4j-test")
            .modelName("gpt-4o-mini")
            .build()
            .chat("Say hello");
      default:
        throw new IllegalArgumentException(op);
    }
  }

  private static OpenAIClient openAi(String baseUrl) {
    return OpenAIOkHttpClient.builder()
        .apiKey("sk-sdk-test")
        .baseUrl(baseUrl)
        .maxRetries(2)
        .build();
  }

  private static AnthropicClient anthropic(String baseUrl) {
    return AnthropicOkHttpClient.builder()
        .apiKey("sk-ant-sdk-test")
        .baseUrl(baseUrl)
        .maxRetries(2)
        .build();
  }

  private static String openAiChat(OpenAIClient client) {
    ChatCompletion c =
        client
            .chat()
            .completions()
            .create(
                ChatCompletionCreateParams.builder()
                    .model("gpt-4o-mini")
                    .addUserMessage("Say hello")
                    .build());
    CompletionUsage u = c.usage().orElseThrow();
    return "model=" + c.model() + " in=" + u.promptTokens() + " out=" + u.completionTokens();
  }

  private static String openAiChatStream(OpenAIClient client, boolean includeUsage) {
    AtomicInteger chunks = new AtomicInteger();
    AtomicReference<CompletionUsage> usage = new AtomicReference<>();
    AtomicReference<String> model = new AtomicReference<>();
    StringBuilder text = new StringBuilder();
    ChatCompletionCreateParams.Builder params =
        ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("Summarize the contract");
    if (includeUsage) {
      params.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
    }
    try (com.openai.core.http.StreamResponse<ChatCompletionChunk> s =
        client.chat().completions().createStreaming(params.build())) {
      s.stream()
          .forEach(
              c -> {
                chunks.incrementAndGet();
                model.set(c.model());
                c.usage().ifPresent(usage::set);
                c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
              });
    }
    String u =
        usage.get() == null
            ? "usage=none"
            : "in=" + usage.get().promptTokens() + " out=" + usage.get().completionTokens();
    return "model=" + model.get() + " chunks=" + chunks.get() + " " + u + " text=" + text;
  }

  private static String openAiResponses(OpenAIClient client) {
    Response r =
        client
            .responses()
            .create(
                ResponseCreateParams.builder()
                    .model("gpt-4.1")
                    .input("Tell me a three sentence bedtime story about a unicorn.")
                    .build());
    String model = r.model().isChat() ? r.model().asChat().asString() : r.model().asString();
    return "model="
        + model
        + " in="
        + r.usage().orElseThrow().inputTokens()
        + " out="
        + r.usage().orElseThrow().outputTokens();
  }

  private static String openAiResponsesStream(OpenAIClient client) {
    AtomicInteger events = new AtomicInteger();
    AtomicReference<String> done = new AtomicReference<>("none");
    try (com.openai.core.http.StreamResponse<ResponseStreamEvent> s =
        client
            .responses()
            .createStreaming(
                ResponseCreateParams.builder()
                    .model("gpt-4.1")
                    .input("Tell me a three sentence bedtime story about a unicorn.")
                    .build())) {
      s.stream()
          .forEach(
              e -> {
                events.incrementAndGet();
                e.completed()
                    .ifPresent(
                        c ->
                            done.set(
                                "in="
                                    + c.response().usage().orElseThrow().inputTokens()
                                    + " out="
                                    + c.response().usage().orElseThrow().outputTokens()));
              });
    }
    return "events=" + events.get() + " " + done.get();
  }

  private static String anthropicMessage(AnthropicClient client) {
    Message m =
        client
            .messages()
            .create(
                MessageCreateParams.builder()
                    .model("claude-sonnet-4-5")
                    .maxTokens(1024)
                    .addUserMessage("How many vacation days do I get?")
                    .build());
    return "model="
        + m.model().asString()
        + " in="
        + m.usage().inputTokens()
        + " out="
        + m.usage().outputTokens();
  }

  private static String anthropicStream(AnthropicClient client) {
    AtomicInteger events = new AtomicInteger();
    AtomicReference<String> out = new AtomicReference<>("none");
    try (StreamResponse<RawMessageStreamEvent> s =
        client
            .messages()
            .createStreaming(
                MessageCreateParams.builder()
                    .model("claude-sonnet-4-5")
                    .maxTokens(2048)
                    .addUserMessage("What is 27 * 453?")
                    .build())) {
      s.stream()
          .forEach(
              e -> {
                events.incrementAndGet();
                e.messageDelta().ifPresent(d -> out.set("out=" + d.usage().outputTokens()));
              });
    }
    return "events=" + events.get() + " " + out.get();
  }
}
