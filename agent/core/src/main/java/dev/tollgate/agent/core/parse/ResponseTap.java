package dev.tollgate.agent.core.parse;

import dev.tollgate.agent.core.NanoClock;
import dev.tollgate.agent.core.call.LlmCall;
import dev.tollgate.agent.core.call.Route;
import dev.tollgate.conventions.Tollgate;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the bytes of one response as the application reads them and fills in the call's usage,
 * models, first-chunk time and stream errors. Instrumentation feeds it copies or read-only views of
 * exactly the bytes it hands to the application; the tap never changes them.
 *
 * <p>Contract: no method ever throws; garbage makes the tap give up on this call ({@code
 * call.parseFailed = true}) and ignore the rest; memory per call is bounded whatever the body size
 * (see the caps below).
 *
 * <p>The framing is chosen from the response, not the request (a streaming request answered with a
 * 429 gets a plain JSON body): {@code text/event-stream} is SSE, {@code application/x-ndjson} (and
 * Ollama's JSON when the request streamed) is a sequence of JSON values, a JSON body that starts
 * with {@code [} is Gemini's piecewise array, anything else a blocking JSON body. A {@code gzip} or
 * {@code deflate} body is inflated on the side first. Non-2xx bodies are read for their error code
 * only.
 */
public final class ResponseTap {
  /** Largest single SSE event / NDJSON line / array element kept; bigger ones are skipped. */
  static final int EVENT_CAP = 256 * 1024;

  /** Largest blocking body parsed whole. */
  static final int BODY_CAP = 1024 * 1024;

  /** Head and tail kept of a larger blocking body. */
  static final int HEAD_CAP = 64 * 1024;

  static final int TAIL_CAP = 64 * 1024;

  private final LlmCall call;
  private final Dialect dialect;
  private final Framer framer;
  private final SseFramer sse;
  /** Stream events the dialect calls {@link Dialect#skippable skippable} go unparsed. */
  private final boolean skim;
  private boolean done;
  private boolean gaveUp;
  private int values;

  // ---- deferred parsing --------------------------------------------------------------------
  // A deferring tap keeps the bytes, and when each piece arrived, instead of parsing them on the
  // application's thread; settle() parses them later (on the recorder thread) exactly as they came,
  // with the clock reading each piece's arrival time, so the result is the same to the nanosecond.
  // A body that outgrows the caps is caught up and parsed inline from there on.

  /** Most bytes one tap keeps unparsed. */
  static final int DEFER_CAP = 64 * 1024;

  /** Most pieces (reads) one tap keeps unparsed. */
  static final int DEFER_PIECES = 1024;

  /**
   * Most bytes all taps together keep unparsed; past it, taps parse inline. A call the application
   * abandons (never reads to the end, never closes) keeps its share until the JVM exits: after
   * some hundreds of those, calls are parsed inline, as before deferral.
   */
  static final long DEFER_BUDGET = 16L * 1024 * 1024;

  private static final AtomicLong DEFERRED_BYTES = new AtomicLong();

  private boolean deferring;
  private byte[] kept;
  private int keptLen;
  private int[] pieceEnds;
  private long[] pieceNanos;
  private int pieces;
  /** 0 while the body goes on; END or ABORT once it ended while deferring. */
  private int ending;
  private long endedNanos;
  private boolean abortByApplication;
  private Throwable abortCause;
  private static final int END = 1;
  private static final int ABORT = 2;

  private final NanoClock realClock;
  /** While replaying kept pieces: the arrival time of the piece being parsed. */
  private boolean replaying;
  private long replayNanos;
  /** Stream events passed over unparsed (for tests). */
  int skimmed;
  private byte[] scratch;

  private ResponseTap(LlmCall call) {
    this.call = call;
    this.dialect = null;
    this.framer = null;
    this.sse = null;
    this.skim = false;
    this.done = true;
    this.realClock = NanoClock.SYSTEM;
  }

  private ResponseTap(
      LlmCall call, int status, String contentType, String contentEncoding, NanoClock clock, boolean skim, boolean defer) {
    this.call = call;
    this.skim = skim;
    this.realClock = clock;
    this.deferring = defer;
    if (defer) {
      // The dialects read the time through this, so a replay marks the first chunk when it came.
      clock = () -> replaying ? replayNanos : realClock.nanoTime();
    }
    boolean ok = status >= 200 && status < 300;
    Route.Api api = call.route == null ? null : call.route.api;
    Dialect d = ok ? dialect(api, call, clock) : new ErrorDialect(call, clock);
    Framer f;
    SseFramer s = null;
    if (ok && mediaType(contentType, "text/event-stream")) {
      s = new SseFramer(this);
      f = s;
      d.streaming = true;
    } else if (ok
        && (mediaType(contentType, "application/x-ndjson")
            || mediaType(contentType, "application/ndjson")
            || mediaType(contentType, "application/jsonl")
            || (call.stream
                && (api == Route.Api.OLLAMA_CHAT || api == Route.Api.OLLAMA_GENERATE)
                && mediaType(contentType, "application/json")))) {
      f = new JsonSplitter(this, false);
      d.streaming = true;
    } else {
      f = new BlockingBody(this);
    }
    this.dialect = d;
    this.sse = s;
    String enc = contentEncoding == null ? "" : contentEncoding.trim();
    if (enc.isEmpty() || enc.equalsIgnoreCase("identity")) {
      this.framer = f;
    } else if (enc.equalsIgnoreCase("gzip") || enc.equalsIgnoreCase("x-gzip")) {
      this.framer = new Inflating(f, this, true);
    } else if (enc.equalsIgnoreCase("deflate")) {
      this.framer = new Inflating(f, this, false);
    } else {
      // br, zstd, stacked encodings: we cannot read them, so this call goes unparsed.
      this.framer = f;
      call.parseFailed = true;
      gaveUp = true;
      done = true;
    }
  }

  /**
   * @param status HTTP status of the response
   * @param contentType the response's Content-Type header, or null
   * @param contentEncoding the Content-Encoding of the bytes the tap will see (e.g. gzip), or null
   */
  public static ResponseTap create(
      LlmCall call, int status, String contentType, String contentEncoding, NanoClock clock) {
    return create(call, status, contentType, contentEncoding, clock, true);
  }

  /**
   * A tap that keeps the body's bytes to be parsed by {@link #settle()} later, off the thread that
   * reads them; see {@link dev.tollgate.agent.core.CallTracker}.
   */
  public static ResponseTap createDeferred(
      LlmCall call, int status, String contentType, String contentEncoding, NanoClock clock) {
    return create(call, status, contentType, contentEncoding, clock, true, true);
  }

  /** {@code skim} false parses every stream event: tests check that skimming changes no result. */
  static ResponseTap create(
      LlmCall call, int status, String contentType, String contentEncoding, NanoClock clock, boolean skim) {
    return create(call, status, contentType, contentEncoding, clock, skim, false);
  }

  static ResponseTap create(
      LlmCall call, int status, String contentType, String contentEncoding, NanoClock clock, boolean skim,
      boolean defer) {
    if (call == null) {
      return new ResponseTap(null);
    }
    try {
      return new ResponseTap(
          call, status, contentType, contentEncoding, clock == null ? NanoClock.SYSTEM : clock, skim, defer);
    } catch (Throwable t) {
      call.parseFailed = true;
      return new ResponseTap(call);
    }
  }

  static Dialect dialect(Route.Api api, LlmCall call, NanoClock clock) {
    if (api == null) {
      return new OpenAiChatDialect(call, clock);
    }
    switch (api) {
      case OPENAI_RESPONSES:
        return new OpenAiResponsesDialect(call, clock);
      case OPENAI_EMBEDDINGS:
        return new OpenAiEmbeddingsDialect(call, clock);
      case ANTHROPIC_MESSAGES:
        return new AnthropicDialect(call, clock);
      case GEMINI_GENERATE:
      case GEMINI_EMBED:
        return new GeminiDialect(call, clock);
      case OLLAMA_CHAT:
      case OLLAMA_GENERATE:
      case OLLAMA_EMBED:
        return new OllamaDialect(call, clock);
      case DIFY_CHAT:
      case DIFY_COMPLETION:
      case DIFY_WORKFLOW:
        return new DifyDialect(call, clock, api == Route.Api.DIFY_WORKFLOW);
      default:
        return new OpenAiChatDialect(call, clock);
    }
  }

  public void onBytes(byte[] bytes, int offset, int length) {
    if (done || bytes == null || length <= 0) {
      return;
    }
    if (deferring) {
      if (ending != 0) {
        return; // nothing is read after the end
      }
      if (room(length)) {
        System.arraycopy(bytes, offset, kept, keptLen, length);
        piece(length);
        return;
      }
      catchUp();
      if (done) {
        return;
      }
    }
    try {
      framer.write(bytes, offset, length);
    } catch (Throwable t) {
      garbage();
    }
    if (done) {
      release();
    }
  }

  /** Reads the buffer's remaining bytes without moving its position. */
  public void onBytes(ByteBuffer buffer) {
    if (done || buffer == null) {
      return;
    }
    try {
      int n = buffer.remaining();
      if (n <= 0) {
        return;
      }
      if (deferring && ending == 0 && room(n)) {
        buffer.duplicate().get(kept, keptLen, n);
        piece(n);
        return;
      }
      if (buffer.hasArray()) {
        onBytes(buffer.array(), buffer.arrayOffset() + buffer.position(), n);
        return;
      }
      // Direct or read-only buffer: copy through a small scratch array from a duplicate, whose
      // position we may move freely.
      ByteBuffer view = buffer.duplicate();
      if (scratch == null) {
        scratch = new byte[Math.min(8192, Math.max(n, 256))];
      }
      while (view.hasRemaining() && !done) {
        int k = Math.min(view.remaining(), scratch.length);
        view.get(scratch, 0, k);
        onBytes(scratch, 0, k);
      }
    } catch (Throwable t) {
      garbage();
      release();
    }
  }

  /** The application read the body to its end. */
  public void onEnd() {
    if (done) {
      return;
    }
    if (deferring) {
      if (ending == 0) {
        ending = END;
        endedNanos = realClock.nanoTime();
      }
      return;
    }
    try {
      framer.end();
      if (!dialect.streaming) {
        call.complete = true;
      } else if (!gaveUp) {
        if (sse != null && values == 0 && sse.unknownLines > 0) {
          garbage(); // text that was never SSE: an HTML page served as event-stream
        } else {
          dialect.onStreamEnd();
        }
      }
    } catch (Throwable t) {
      garbage();
    }
    done = true;
    release();
  }

  /** Reading failed or the application closed the body before its end. */
  public void onAbort(boolean byApplication, Throwable cause) {
    if (done) {
      return;
    }
    if (deferring) {
      if (ending == 0) {
        ending = ABORT;
        endedNanos = realClock.nanoTime();
        abortByApplication = byApplication;
        abortCause = cause;
      }
      return;
    }
    try {
      // JSON clients stop at the closing brace and close: that is a complete body, not an abort.
      if (!dialect.streaming && !gaveUp && framer.endIfComplete()) {
        call.complete = true;
      } else if (!call.complete) {
        if (byApplication) {
          call.fail(Tollgate.ErrorTypes.CLIENT_ABORTED);
        }
        // A failed read is the instrumentation's to classify (timeout, reset); we only leave the
        // call marked incomplete.
      }
    } catch (Throwable t) {
      garbage();
    }
    done = true;
    release();
  }

  public LlmCall call() {
    return call;
  }

  /** True while bytes (or the body's end) wait for {@link #settle()}. */
  public boolean deferred() {
    return deferring;
  }

  /**
   * Parses what was kept, as it arrived, and applies the body's end if it came: afterwards the
   * call holds exactly what an inline tap would have put there. Idempotent; never throws.
   */
  public void settle() {
    if (!deferring) {
      return;
    }
    catchUp();
    try {
      // An event completed by the end itself (a last one without its blank line) came then.
      replaying = true;
      replayNanos = endedNanos;
      if (ending == END) {
        onEnd();
      } else if (ending == ABORT) {
        onAbort(abortByApplication, abortCause);
      }
    } catch (Throwable t) {
      garbage();
    } finally {
      replaying = false;
    }
    abortCause = null;
  }

  /** Room for {@code n} more kept bytes, within this tap's and all taps' caps. */
  private boolean room(int n) {
    int need = keptLen + n;
    if (need > DEFER_CAP || pieces == DEFER_PIECES) {
      return false;
    }
    if (pieceEnds == null || pieces == pieceEnds.length) {
      int cap = pieceEnds == null ? 16 : pieces * 2;
      pieceEnds = pieceEnds == null ? new int[cap] : java.util.Arrays.copyOf(pieceEnds, cap);
      pieceNanos = pieceNanos == null ? new long[cap] : java.util.Arrays.copyOf(pieceNanos, cap);
    }
    int have = kept == null ? 0 : kept.length;
    if (need > have) {
      int cap = Math.max(4096, have);
      while (cap < need) {
        cap <<= 1;
      }
      cap = Math.min(cap, DEFER_CAP);
      if (DEFERRED_BYTES.addAndGet(cap - have) > DEFER_BUDGET) {
        DEFERRED_BYTES.addAndGet(have - cap);
        return false;
      }
      kept = kept == null ? new byte[cap] : java.util.Arrays.copyOf(kept, cap);
    }
    return true;
  }

  private void piece(int n) {
    keptLen += n;
    pieceEnds[pieces] = keptLen;
    pieceNanos[pieces] = realClock.nanoTime();
    pieces++;
  }

  /** Parses the kept pieces with the clock at their arrival times, then stops deferring. */
  private void catchUp() {
    deferring = false;
    byte[] k = kept;
    try {
      int from = 0;
      replaying = true;
      for (int i = 0; i < pieces && !done; i++) {
        replayNanos = pieceNanos[i];
        onBytes(k, from, pieceEnds[i] - from);
        from = pieceEnds[i];
      }
    } finally {
      replaying = false;
      if (k != null) {
        DEFERRED_BYTES.addAndGet(-k.length);
      }
      kept = null;
      pieceEnds = null;
      pieceNanos = null;
      pieces = 0;
      keptLen = 0;
    }
  }

  // ---- callbacks from the framers ------------------------------------------------------------

  /** One complete value: an SSE event's data, an NDJSON line, an array element, or a body. */
  void value(byte[] data, int off, int len, String sseEvent) {
    int end = off + len;
    int i = Json.skipWs(data, off, end);
    if (i == end || done) {
      return;
    }
    byte c = data[i];
    if (c == '[' && isDoneMarker(data, i, end)) {
      dialect.onDone();
      values++;
    } else if (c == '{' || c == '[') {
      try {
        if (skim && dialect.streaming && dialect.skippable(data, i, end, sseEvent)) {
          values++;
          skimmed++;
          return;
        }
        dialect.onValue(data, i, end - i, sseEvent);
        values++;
      } catch (Throwable t) {
        garbage();
      }
    }
    // Other non-JSON data lines are ignored, as SSE clients do.
  }

  void capped(byte[] head, int headLen, byte[] tail, int tailLen) {
    dialect.onCapped(head, headLen, tail, tailLen);
    values++;
  }

  /** A blocking body turned out to be a JSON array: Gemini streaming without alt=sse. */
  void streamingBody() {
    dialect.streaming = true;
  }

  void arrayClosed() {
    dialect.arrayClosed = true;
  }

  /** The body is not what we can read: give up on this call. */
  void garbage() {
    call.parseFailed = true;
    gaveUp = true;
    done = true;
  }

  boolean isDone() {
    return done;
  }

  private void release() {
    if (framer != null) {
      try {
        framer.release();
      } catch (Throwable ignored) {
        // nothing to do
      }
    }
    scratch = null;
  }

  private static boolean isDoneMarker(byte[] d, int i, int end) {
    int e = end;
    while (e > i && (d[e - 1] == ' ' || d[e - 1] == '\n' || d[e - 1] == '\r' || d[e - 1] == '\t')) {
      e--;
    }
    return e - i == 6
        && d[i] == '['
        && d[i + 1] == 'D'
        && d[i + 2] == 'O'
        && d[i + 3] == 'N'
        && d[i + 4] == 'E'
        && d[i + 5] == ']';
  }

  /** Case-insensitive media-type match that ignores parameters ("; charset=utf-8"). */
  static boolean mediaType(String header, String type) {
    if (header == null) {
      return false;
    }
    int i = 0;
    int n = header.length();
    while (i < n && header.charAt(i) == ' ') {
      i++;
    }
    int tl = type.length();
    if (!header.regionMatches(true, i, type, 0, tl)) {
      return false;
    }
    int j = i + tl;
    return j == n || header.charAt(j) == ';' || header.charAt(j) == ' ';
  }

  // ---- for tests -----------------------------------------------------------------------------

  /** Bytes currently held by the tap's buffers. */
  int retainedBytes() {
    return (framer == null ? 0 : framer.retainedBytes()) + (scratch == null ? 0 : scratch.length);
  }

  /** Events, lines or elements skipped for passing {@link #EVENT_CAP}. */
  int skippedOversized() {
    if (sse != null) {
      return sse.oversizedEvents;
    }
    return 0;
  }

  boolean streaming() {
    return dialect != null && dialect.streaming;
  }
}
