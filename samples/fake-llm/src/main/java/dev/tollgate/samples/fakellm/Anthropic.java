package dev.tollgate.samples.fakellm;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.samples.fakellm.Reply.Sse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Anthropic Messages API: blocking and streaming, with its own error bodies. */
final class Anthropic {
  private Anthropic() {}

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  static Reply messages(Ask ask, Usage u, Timing t) {
    String id = Ids.alnum("msg_01", 22);
    String stop = u.truncated() ? "max_tokens" : "end_turn";
    String text = Text.answer(u.completion());
    if (!ask.stream()) {
      ObjectNode o = F.objectNode();
      o.put("id", id);
      o.put("type", "message");
      o.put("role", "assistant");
      o.put("model", ask.model());
      ObjectNode block = o.putArray("content").addObject();
      block.put("type", "text");
      block.put("text", text);
      o.put("stop_reason", stop);
      o.putNull("stop_sequence");
      o.set("usage", usage(u, u.completion()));
      return Reply.json(200, t.blockingMs(u), o, headers());
    }
    List<Sse> events = new ArrayList<>(u.completion() + 6);
    ObjectNode start = type("message_start");
    ObjectNode message = start.putObject("message");
    message.put("id", id);
    message.put("type", "message");
    message.put("role", "assistant");
    message.put("model", ask.model());
    message.putArray("content");
    message.putNull("stop_reason");
    message.putNull("stop_sequence");
    // The output count here is a placeholder; message_delta carries the real, cumulative one.
    message.set("usage", usage(u, 1));
    events.add(Sse.event(0, "message_start", start));
    ObjectNode blockStart = type("content_block_start");
    blockStart.put("index", 0);
    ObjectNode cb = blockStart.putObject("content_block");
    cb.put("type", "text");
    cb.put("text", "");
    events.add(Sse.event(0, "content_block_start", blockStart));
    events.add(Sse.event(0, "ping", type("ping")));
    // Anthropic does not stream hidden reasoning here: every output token is text.
    for (int i = 0; i < u.completion(); i++) {
      ObjectNode d = type("content_block_delta");
      d.put("index", 0);
      ObjectNode delta = d.putObject("delta");
      delta.put("type", "text_delta");
      delta.put("text", Text.token(i));
      events.add(Sse.event(i == 0 ? t.prefillMs() : t.perTokenMs(), "content_block_delta", d));
    }
    ObjectNode blockStop = type("content_block_stop");
    blockStop.put("index", 0);
    events.add(Sse.event(0, "content_block_stop", blockStop));
    ObjectNode md = type("message_delta");
    ObjectNode delta = md.putObject("delta");
    delta.put("stop_reason", stop);
    delta.putNull("stop_sequence");
    md.set("usage", usage(u, u.completion()));
    events.add(Sse.event(0, "message_delta", md));
    events.add(Sse.event(0, "message_stop", type("message_stop")));
    return Reply.sse(events, headers());
  }

  /** {@code input_tokens} excludes cache reads, which arrive separately. */
  static ObjectNode usage(Usage u, int output) {
    ObjectNode usage = F.objectNode();
    usage.put("input_tokens", u.prompt() - u.cached());
    usage.put("cache_creation_input_tokens", 0);
    usage.put("cache_read_input_tokens", u.cached());
    usage.put("output_tokens", output);
    usage.put("service_tier", "standard");
    return usage;
  }

  private static ObjectNode type(String type) {
    ObjectNode o = F.objectNode();
    o.put("type", type);
    return o;
  }

  static Reply error(int status, String type, String message, String... extraHeaders) {
    ObjectNode o = F.objectNode();
    o.put("type", "error");
    ObjectNode e = o.putObject("error");
    e.put("type", type);
    e.put("message", message);
    String requestId = Ids.alnum("req_011", 21);
    o.put("request_id", requestId);
    List<String> h = new ArrayList<>(List.of("request-id", requestId));
    h.addAll(List.of(extraHeaders));
    return Reply.json(status, 0, o, h.toArray(String[]::new));
  }

  static Reply rateLimited(int retryAfterSeconds, Instant now) {
    List<String> h = new ArrayList<>();
    if (retryAfterSeconds > 0) {
      h.add("retry-after");
      h.add(Integer.toString(retryAfterSeconds));
    }
    h.addAll(
        List.of(
            "anthropic-ratelimit-requests-limit", "4000",
            "anthropic-ratelimit-requests-remaining", "0",
            "anthropic-ratelimit-requests-reset",
                now.plusSeconds(retryAfterSeconds).truncatedTo(ChronoUnit.SECONDS).toString()));
    return error(
        429,
        "rate_limit_error",
        "This request would exceed the rate limit for your organization of 4,000 requests per"
            + " minute. Please try again later.",
        h.toArray(String[]::new));
  }

  static Reply serverError(int status) {
    return status == 529 || status == 503
        ? error(status, "overloaded_error", "Overloaded")
        : error(status, "api_error", "Internal server error");
  }

  private static String[] headers() {
    return new String[] {"request-id", Ids.alnum("req_011", 21)};
  }
}
