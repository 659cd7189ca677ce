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

    for (int round = 0; round < 3; round++) {
      System.out.printf(
          "blocking %d B OpenAI body: %.2f us/op%n",
          blocking.length, perOpMicros(() -> parse(chat, "application/json", blocking), 200_000));
      System.out.printf(
          "SSE %d B OpenAI stream (7 events): %.2f us/op%n",
          sse.length, perOpMicros(() -> parse(chat, "text/event-stream", sse), 100_000));
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
    LlmCall call = new LlmCall(route, "api.openai.com", 443, "bench", 0);
    ResponseTap tap = ResponseTap.create(call, 200, contentType, null, System::nanoTime);
    tap.onBytes(body, 0, body.length);
    tap.onEnd();
    if (call.inputTokens != 19) {
      throw new AssertionError(call);
    }
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
