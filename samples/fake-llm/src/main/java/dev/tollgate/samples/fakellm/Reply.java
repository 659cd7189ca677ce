package dev.tollgate.samples.fakellm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An answer before it goes on the wire: a status, extra headers, and either one body due after
 * {@code delayMs} or a list of server-sent events, each due {@code delayMs} after the one before.
 */
record Reply(
    int status,
    List<String> headers,
    String contentType,
    byte[] body,
    long delayMs,
    List<Sse> events) {

  static final ObjectMapper JSON = new ObjectMapper();

  /** One server-sent event block, already framed, due {@code delayMs} after the previous one. */
  record Sse(long delayMs, String text) {
    static Sse data(long delayMs, JsonNode json) {
      return new Sse(delayMs, "data: " + write(json) + "\n\n");
    }

    static Sse event(long delayMs, String name, JsonNode json) {
      return new Sse(delayMs, "event: " + name + "\ndata: " + write(json) + "\n\n");
    }
  }

  static Reply json(int status, long delayMs, JsonNode body, String... headers) {
    return new Reply(status, List.of(headers), "application/json", bytes(body), delayMs, List.of());
  }

  static Reply sse(List<Sse> events, String... headers) {
    return new Reply(200, List.of(headers), "text/event-stream; charset=utf-8", null, 0, events);
  }

  boolean streaming() {
    return body == null;
  }

  static String write(JsonNode n) {
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytes(JsonNode n) {
    try {
      return JSON.writeValueAsBytes(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
