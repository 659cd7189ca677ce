package dev.tollgate.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.agent.core.call.LlmCall;
import dev.tollgate.agent.core.call.Route;
import dev.tollgate.agent.core.detect.Recognizer;
import dev.tollgate.agent.core.parse.ResponseTap;
import dev.tollgate.agent.core.telemetry.CallSink;
import dev.tollgate.conventions.Tollgate.ErrorTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With a sink that records on another thread, the tracker leaves the body's parse to that thread;
 * what the call ends up holding, error type included, must not depend on where it was parsed.
 */
class CallTrackerDeferralTest {
  private static final String STREAM_THEN_ERROR =
      "data: {\"id\":\"c\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
          + "data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"code\":null}}\n\n";

  private static final class Sink implements CallSink {
    final boolean later;
    final List<LlmCall> calls = new ArrayList<>();

    Sink(boolean later) {
      this.later = later;
    }

    @Override
    public void record(LlmCall call) {
      calls.add(call);
    }

    @Override
    public boolean settlesLater() {
      return later;
    }
  }

  private interface Ending {
    void end(CallTracker tracker, TrackedCall t);
  }

  @Test
  void aStreamErrorBeforeAFailedReadIsTheErrorEitherWay() {
    assertSameEitherWay(STREAM_THEN_ERROR, (tr, t) -> tr.failed(t, new IOException("reset")), ErrorTypes.STREAM_ERROR_EVENT);
  }

  @Test
  void anApplicationThatStopsReadingIsClientAbortedEitherWay() {
    String firstEventOnly = STREAM_THEN_ERROR.substring(0, STREAM_THEN_ERROR.indexOf("data: {\"error\""));
    assertSameEitherWay(firstEventOnly, CallTracker::abortedByApplication, ErrorTypes.CLIENT_ABORTED);
  }

  @Test
  void aCompleteStreamIsCompleteEitherWay() {
    assertSameEitherWay(
        STREAM_THEN_ERROR.substring(0, STREAM_THEN_ERROR.indexOf("data: {\"error\"")) + "data: [DONE]\n\n",
        CallTracker::finish,
        null);
  }

  private static void assertSameEitherWay(String body, Ending ending, String expectedError) {
    List<String> outcomes = new ArrayList<>();
    for (boolean later : new boolean[] {false, true}) {
      Sink sink = new Sink(later);
      long[] now = {100};
      CallTracker tracker = new CallTracker(new Recognizer(List.of()), sink, () -> now[0]);
      Route route = tracker.recognize("https", "api.openai.com", 443, "/v1/chat/completions");
      TrackedCall t = tracker.start(route, "api.openai.com", 443, "test");
      ResponseTap tap = tracker.response(t, 200, name -> name.equals("content-type") ? "text/event-stream" : null, null);
      assertThat(tap.deferred()).as("deferred when the sink records later").isEqualTo(later);
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      now[0] = 200;
      tap.onBytes(bytes, 0, bytes.length);
      now[0] = 300;
      ending.end(tracker, t);
      now[0] = 999; // the recorder thread's time: nothing may be stamped with it
      assertThat(sink.calls).hasSize(1);
      LlmCall call = sink.calls.get(0);
      call.settle();
      assertThat(call.errorType).isEqualTo(expectedError);
      assertThat(call.firstChunkNanos).isEqualTo(200);
      assertThat(call.endNanos).isEqualTo(300);
      outcomes.add(call.toString() + " complete=" + call.complete + " code=" + call.errorCode);
    }
    assertThat(outcomes.get(1)).isEqualTo(outcomes.get(0));
  }
}
