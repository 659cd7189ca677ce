package dev.tollgate.agent.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.agent.core.call.LlmCall;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A deferring tap keeps the bytes and their arrival times and parses them in settle(), on the
 * recorder thread. The result must be the inline tap's, first-chunk time included, in every
 * chunking and whether the body ended, was cut or outgrew the caps.
 */
class DeferredTapTest {
  private static final String CHAT = "https://api.openai.com/v1/chat/completions";

  @ParameterizedTest(name = "{1}")
  @MethodSource("dev.tollgate.agent.core.parse.SkimTest#streamFixtures")
  void streamFixtureGivesTheSameCallDeferred(String url, String fixture, String framing, int ignored) {
    assertSameDeferred(SkimTest.streamRun(url, fixture, framing), SkimTest.streamRun(url, fixture, framing).deferred());
  }

  @Test
  void blockingBodiesAndErrorsGiveTheSameCallDeferred() {
    assertSameDeferred(TapRun.of(CHAT).json().fixture("openai/chat-blocking.json"), TapRun.of(CHAT).json().fixture("openai/chat-blocking.json").deferred());
    assertSameDeferred(
        TapRun.of(CHAT).status(429).json().fixture("openai/error-429-insufficient-quota.json"),
        TapRun.of(CHAT).status(429).json().fixture("openai/error-429-insufficient-quota.json").deferred());
    // Gzip: the kept bytes are the compressed ones, inflated when parsed.
    assertSameDeferred(
        TapRun.of(CHAT).sse().stream().encoding("gzip").body(TapRun.gzip(TapRun.fixtureBytes("openai/chat-stream-usage.sse"))),
        TapRun.of(CHAT).sse().stream().encoding("gzip").body(TapRun.gzip(TapRun.fixtureBytes("openai/chat-stream-usage.sse"))).deferred());
  }

  @Test
  void nothingIsParsedBeforeSettle() {
    byte[] body = TapRun.fixtureBytes("openai/chat-stream-usage.sse");
    LlmCall call = TapRun.of(CHAT).sse().stream().newCall();
    // System.nanoTime() may be negative: a replayed time must be taken as it is.
    ResponseTap tap = ResponseTap.createDeferred(call, 200, "text/event-stream", null, () -> -42);
    tap.onBytes(body, 0, body.length);
    tap.onEnd();
    assertThat(tap.deferred()).isTrue();
    assertThat(call.inputTokens).isEqualTo(LlmCall.UNKNOWN);
    assertThat(call.firstChunkNanos).isZero();
    tap.settle();
    assertThat(tap.deferred()).isFalse();
    assertThat(call.inputTokens).isEqualTo(19);
    assertThat(call.firstChunkNanos).as("the arrival time, not the time of settle()").isEqualTo(-42);
    assertThat(call.complete).isTrue();
  }

  /** 71 KB, past the 64 KB a tap keeps: the kept part is parsed when the cap is reached, the rest inline. */
  @Test
  void aBodyPastTheCapIsCaughtUpAndParsedInline() {
    byte[] body = SkimTest.openAiStream(300, true, false);
    assertThat(body.length).isGreaterThan(ResponseTap.DEFER_CAP);
    LlmCall c = assertSameDeferred(TapRun.of(CHAT).sse().stream().body(body), TapRun.of(CHAT).sse().stream().body(body).deferred());
    assertThat(c.outputTokens).isEqualTo(300);
  }

  /** Cut-off bodies: the abort is applied after the kept bytes are parsed, as it was inline. */
  @Test
  void anAbortedBodyGivesTheSameCallDeferred() {
    byte[] body = TapRun.fixtureBytes("anthropic/messages-stream-thinking.sse");
    for (boolean byApplication : new boolean[] {true, false}) {
      for (int cut : new int[] {0, 1, body.length / 3, body.length / 2, body.length - 1}) {
        List<String> results = new ArrayList<>();
        List<Long> firstChunks = new ArrayList<>();
        for (boolean defer : new boolean[] {false, true}) {
          TapRun run = TapRun.of("https://api.anthropic.com/v1/messages").sse().stream();
          LlmCall call = run.newCall();
          TapRun.PositionClock clock = new TapRun.PositionClock();
          ResponseTap tap = ResponseTap.create(call, 200, "text/event-stream", null, clock, true, defer);
          for (int i = 0; i < cut; i += 97) {
            clock.position = i + 1;
            tap.onBytes(body, i, Math.min(97, cut - i));
          }
          clock.position = cut + 1000;
          tap.onAbort(byApplication, null);
          clock.position = Long.MIN_VALUE;
          tap.settle();
          results.add(TapRun.snapshot(call));
          firstChunks.add(call.firstChunkNanos);
        }
        assertThat(results.get(1)).as("cut at %d", cut).isEqualTo(results.get(0));
        assertThat(firstChunks.get(1)).as("first chunk, cut at %d", cut).isEqualTo(firstChunks.get(0));
      }
    }
  }

  private static LlmCall assertSameDeferred(TapRun inline, TapRun deferred) {
    LlmCall last = null;
    for (TapRun.Chunking chunking : TapRun.Chunking.values()) {
      LlmCall a = inline.runOnce(chunking, inline.bodyBytes(), inline.encodingName());
      LlmCall b = deferred.runOnce(chunking, deferred.bodyBytes(), deferred.encodingName());
      assertThat(deferred.lastTap.deferred()).as("settled").isFalse();
      assertThat(TapRun.snapshot(b)).as("%s", chunking).isEqualTo(TapRun.snapshot(a));
      assertThat(b.firstChunkNanos).as("first chunk, %s", chunking).isEqualTo(a.firstChunkNanos);
      last = b;
    }
    return last;
  }
}
