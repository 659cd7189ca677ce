package dev.tollgate.agent.core.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tollgate.agent.core.NanoClock;
import dev.tollgate.agent.core.call.LlmCall;
import dev.tollgate.conventions.Tollgate;
import java.io.IOException;

/**
 * One provider's wire format. The same dialect reads a blocking body and each event of a stream:
 * providers reuse their object shapes for both (a chat completion and a chunk differ by {@code
 * message} versus {@code delta}).
 *
 * <p>A value is read as {@link #begin}, one {@link #field} per top-level member, {@link #end}.
 * Dialects collect what they need in fields and apply it in {@code end()}, so member order does not
 * matter. The same callbacks serve a body too large to buffer: members read from its retained head,
 * plus the {@link #tailKeys() keys} located in its retained tail.
 */
abstract class Dialect {
  final LlmCall call;
  private final NanoClock clock;

  /** True for stream framings (SSE, NDJSON, JSON array): first chunk and end markers apply. */
  boolean streaming;

  /** A terminal error event was seen: the stream is over, and not complete. */
  boolean failed;

  /** The body was a JSON array and its closing bracket arrived: a clean end of the body. */
  boolean arrayClosed;

  Dialect(LlmCall call, NanoClock clock) {
    this.call = call;
    this.clock = clock;
  }

  /** Reads one complete JSON value: the blocking body, or one stream event, line or element. */
  final void onValue(byte[] data, int offset, int length, String sseEvent) throws IOException {
    try (JsonParser p = Json.parser(data, offset, length)) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_OBJECT) {
        object(p, sseEvent);
      } else if (t == JsonToken.START_ARRAY) {
        // A body that is an array of objects (Gemini sends errors to streaming calls this way).
        while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
          object(p, sseEvent);
        }
      }
    }
  }

  private void object(JsonParser p, String sseEvent) throws IOException {
    begin(sseEvent);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      field(name, p);
    }
    end();
  }

  /**
   * Salvages a body too large to buffer: the members readable from its head (the parse stops where
   * the head is cut), then the {@link #tailKeys()} found in its tail.
   */
  final void onCapped(byte[] head, int headLength, byte[] tail, int tailLength) {
    begin(null);
    try (JsonParser p = Json.parser(head, 0, headLength)) {
      if (p.nextToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          field(name, p);
        }
      }
    } catch (IOException expected) {
      // The head ends mid-value; what was read before stays.
    }
    for (String key : tailKeys()) {
      int at = Json.findValue(tail, tailLength, Json.quoted(key));
      if (at < 0) {
        continue;
      }
      try (JsonParser p = Json.parser(tail, at, tailLength - at)) {
        p.nextToken();
        field(key, p);
      } catch (IOException ignored) {
        // A key whose value is cut off: nothing to salvage from it.
      }
    }
    end();
  }

  /**
   * True when this stream event can be passed over unparsed: its bytes show it carries nothing the
   * call still needs (see {@link Skim}). Asked only for streams, for each event; the default
   * parses every one. Dialects answer true only once the first chunk is marked, so first-chunk
   * time, models and ids come from full parses.
   */
  boolean skippable(byte[] data, int offset, int end, String sseEvent) {
    return false;
  }

  /** The first generated chunk of this stream has been marked. */
  final boolean pastFirstChunk() {
    return call.firstChunkNanos != 0;
  }

  /** Starts a value; {@code sseEvent} is the SSE {@code event:} name or null. */
  abstract void begin(String sseEvent);

  /** One top-level member; the parser is on its value, which must be consumed. */
  abstract void field(String name, JsonParser p) throws IOException;

  /** The value is complete: apply what was collected. */
  abstract void end();

  /** Top-level keys to look for in the tail of a body too large to buffer. */
  String[] tailKeys() {
    return NO_KEYS;
  }

  static final String[] NO_KEYS = {};

  /** {@code data: [DONE]}. */
  void onDone() {}

  /** A stream body ended (EOF). Streams without their end marker were cut short. */
  void onStreamEnd() {
    if (!call.complete && !failed) {
      call.fail(Tollgate.ErrorTypes.STREAM_TRUNCATED);
    }
  }

  /** Marks the first generated chunk, for streams only. */
  final void firstChunk() {
    if (streaming && call.firstChunkNanos == 0) {
      long now = clock.nanoTime();
      call.markFirstChunk(now == 0 ? 1 : now);
    }
  }

  /** True while a stream still waits for its first generated chunk. */
  final boolean wantsFirstChunk() {
    return streaming && call.firstChunkNanos == 0;
  }

  /** An error reported inside a 2xx stream. */
  final void streamError(String code) {
    failed = true;
    call.fail(Tollgate.ErrorTypes.STREAM_ERROR_EVENT);
    if (code != null && call.errorCode == null) {
      call.errorCode = code;
    }
  }

  /** Sets the response model unless the value is empty (Azure's first chunk has "model": ""). */
  final void model(String m) {
    if (m != null && !m.isEmpty()) {
      call.responseModel = m;
    }
  }

  final void responseId(String id) {
    if (id != null && !id.isEmpty()) {
      call.responseId = id;
    }
  }

  static long known(long value, long previous) {
    return value >= 0 ? value : previous;
  }
}
