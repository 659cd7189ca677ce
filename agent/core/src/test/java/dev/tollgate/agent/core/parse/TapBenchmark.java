package dev.tollgate.agent.core.parse;

import dev.tollgate.agent.core.call.LlmCall;
import dev.tollgate.agent.core.call.Provider;
import dev.tollgate.agent.core.call.Route;
import dev.tollgate.agent.core.detect.Recognizer;
import java.util.List;

/**
 * A plain harness for the parsing hot paths; run by hand, figures go into reviews, never into
 * assertions (the build machines are small and noisy). Run from agent/core after test-compile:
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) \
 *     dev.tollgate.agent.core.parse.TapBenchmark
 * </pre>
 */
public final class TapBenchmark {
  private TapBenchmark() {}

  public static void main(String[] args) {
    Route chat = new Route(Provider.OPENAI, Route.Api.OPENAI_CHAT, "chat", null, null);
    byte[] blocking = TapRun.fixtureBytes("openai/chat-blocking.json");
    byte[] sse = TapRun.fixtureBytes("openai/chat-stream-usage.sse");
    Recognizer recognizer = new Recognizer(List.of());
    // A reply of 300 tokens as OpenAI streams it with include_usage: the shape of real traffic.
    byte[] longStream = longStream(300);

    for (int round = 0; round < 3; round++) {
      System.out.printf(
          "blocking %d B OpenAI body: %.2f us/op%n",
          blocking.length, perOpMicros(() -> parse(chat, "application/json", blocking), 200_000));
      System.out.printf(
          "SSE %d B OpenAI stream (7 events): %.2f us/op%n",
          sse.length, perOpMicros(() -> parse(chat, "text/event-stream", sse), 100_000));
      for (boolean skim : new boolean[] {false, true}) {
        System.out.printf(
            "SSE %d B OpenAI stream (302 events), skimming %s: %.2f us/op%n",
            longStream.length, skim ? "on" : "off", perOpMicros(() -> parse(chat, "text/event-stream", longStream, skim, 12), 5_000));
      }
      System.out.printf(
          "recognize() miss: %.1f ns/op%n",
          1000
              * perOpMicros(
                  () -> {
                    if (recognizer.recognize(
                            "https", "billing.corp.example", 443, "/api/v2/invoices/123?x=1")
                        != null) {
                      throw new AssertionError();
                    }
                  },
                  5_000_000));
    }
  }

  private static void parse(Route route, String contentType, byte[] body) {
    parse(route, contentType, body, true, 19);
  }

  private static void parse(Route route, String contentType, byte[] body, boolean skim, long inputTokens) {
    LlmCall call = new LlmCall(route, "api.openai.com", 443, "bench", 0);
    ResponseTap tap = ResponseTap.create(call, 200, contentType, null, System::nanoTime, skim);
    // As a client reads it: a few KB at a time.
    for (int i = 0; i < body.length; i += 4096) {
      tap.onBytes(body, i, Math.min(4096, body.length - i));
    }
    tap.onEnd();
    if (call.inputTokens != inputTokens) {
      throw new AssertionError(call);
    }
  }

  static byte[] longStream(int tokens) {
    StringBuilder sb = new StringBuilder();
    String prefix =
        "data: {\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_1\",";
    sb.append(prefix)
        .append("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
    for (int i = 1; i <= tokens; i++) {
      sb.append(prefix)
          .append("\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word\"},\"logprobs\":null,\"finish_reason\":")
          .append(i == tokens ? "\"stop\"" : "null")
          .append("}],\"usage\":null}\n\n");
    }
    sb.append(prefix)
        .append("\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":")
        .append(tokens)
        .append(",\"total_tokens\":")
        .append(12 + tokens)
        .append("}}\n\ndata: [DONE]\n\n");
    return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static double perOpMicros(Runnable r, int n) {
    for (int i = 0; i < n / 4; i++) {
      r.run();
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      r.run();
    }
    return (System.nanoTime() - t0) / 1000.0 / n;
  }
}
