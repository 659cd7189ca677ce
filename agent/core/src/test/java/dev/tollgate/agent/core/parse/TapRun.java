package dev.tollgate.agent.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.agent.core.NanoClock;
import dev.tollgate.agent.core.call.LlmCall;
import dev.tollgate.agent.core.call.Route;
import dev.tollgate.agent.core.detect.Recognizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Feeds one response body through a {@link ResponseTap} the way clients do, in many chunkings, and
 * checks that every chunking gives the same result. The clock reads as "bytes fed so far", so in
 * the one-byte run {@code firstChunkNanos} tells exactly which byte completed the event that was
 * taken as the first chunk.
 */
final class TapRun {
  private static final Recognizer RECOGNIZER = new Recognizer(List.of());

  enum Chunking {
    WHOLE,
    ONE_BYTE,
    RANDOM_SMALL,
    RANDOM_LARGE,
    DIRECT_BUFFER,
    READ_ONLY_SLICE
  }

  /** A clock that reads as the number of body bytes handed to the tap so far (never 0). */
  static final class PositionClock implements NanoClock {
    long position = 1;

    @Override
    public long nanoTime() {
      return position;
    }
  }

  private final Route route;
  private int status = 200;
  private String contentType;
  private String contentEncoding;
  private byte[] body;
  private boolean stream;
  private boolean compressVariants = true;
  private boolean garbageExpected;
  private boolean skim = true;
  private boolean deferred;

  private TapRun(Route route) {
    this.route = route;
  }

  static TapRun of(String url) {
    URI u = URI.create(url);
    int port = u.getPort() > 0 ? u.getPort() : u.getScheme().equals("https") ? 443 : 80;
    String path = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    Route r = RECOGNIZER.recognize(u.getScheme(), u.getHost(), port, path);
    assertThat(r).as("route for %s", url).isNotNull();
    return new TapRun(r);
  }

  static TapRun of(Route route) {
    return new TapRun(route);
  }

  TapRun status(int s) {
    this.status = s;
    return this;
  }

  TapRun contentType(String ct) {
    this.contentType = ct;
    return this;
  }

  TapRun sse() {
    return contentType("text/event-stream; charset=utf-8");
  }

  TapRun json() {
    return contentType("application/json");
  }

  TapRun encoding(String e) {
    this.contentEncoding = e;
    return this;
  }

  TapRun fixture(String path) {
    this.body = fixtureBytes(path);
    return this;
  }

  TapRun body(String text) {
    this.body = text.getBytes(StandardCharsets.UTF_8);
    return this;
  }

  TapRun body(byte[] bytes) {
    this.body = bytes;
    return this;
  }

  /** The request asked to stream (as RequestInspector would have recorded). */
  TapRun stream() {
    this.stream = true;
    return this;
  }

  /** The body is expected to be unreadable (parseFailed); otherwise a run asserts it is not. */
  TapRun garbage() {
    this.garbageExpected = true;
    return this;
  }

  /** Parse every stream event, as the tap did before it learned to skim (see SkimTest). */
  TapRun noSkim() {
    this.skim = false;
    return this;
  }

  /** Keep the bytes and parse them in settle(), as the agent does off the application's thread. */
  TapRun deferred() {
    this.deferred = true;
    return this;
  }

  TapRun noCompressedVariants() {
    this.compressVariants = false;
    return this;
  }

  /** The Content-Encoding the body is fed with, or null. */
  String encodingName() {
    return contentEncoding;
  }

  byte[] bodyBytes() {
    return body;
  }

  /**
   * Runs every chunking (and gzip/deflate variants of the body), asserts they all agree, and
   * returns the one-byte run, whose first-chunk time is a byte position in the body.
   */
  LlmCall run() {
    Map<String, String> snapshots = new LinkedHashMap<>();
    LlmCall oneByte = null;
    for (Chunking c : Chunking.values()) {
      LlmCall call = runOnce(c, body, contentEncoding);
      snapshots.put(c.name(), snapshot(call));
      if (c == Chunking.ONE_BYTE) {
        oneByte = call;
      }
    }
    if (compressVariants && contentEncoding == null) {
      byte[] gz = gzip(body);
      snapshots.put("GZIP_WHOLE", snapshot(runOnce(Chunking.WHOLE, gz, "gzip")));
      snapshots.put("GZIP_ONE_BYTE", snapshot(runOnce(Chunking.ONE_BYTE, gz, "gzip")));
      snapshots.put("GZIP_RANDOM", snapshot(runOnce(Chunking.RANDOM_SMALL, gz, "gzip")));
      snapshots.put("DEFLATE", snapshot(runOnce(Chunking.RANDOM_LARGE, deflate(body), "deflate")));
    }
    assertThat(oneByte.parseFailed).as("parseFailed").isEqualTo(garbageExpected);
    String expected = snapshots.get("WHOLE");
    for (Map.Entry<String, String> e : snapshots.entrySet()) {
      assertThat(e.getValue()).as("chunking %s agrees with WHOLE", e.getKey()).isEqualTo(expected);
    }
    return oneByte;
  }

  /** The tap of the latest {@link #runOnce}, for its counters. */
  ResponseTap lastTap;

  LlmCall runOnce(Chunking chunking, byte[] bytes, String encoding) {
    LlmCall call = newCall();
    PositionClock clock = new PositionClock();
    ResponseTap tap = ResponseTap.create(call, status, contentType, encoding, clock, skim, deferred);
    lastTap = tap;
    feed(tap, clock, chunking, bytes);
    tap.onEnd();
    if (deferred) {
      clock.position = Long.MIN_VALUE; // a parse that read the clock now, not at arrival, would show it
      tap.settle();
    }
    return call;
  }

  LlmCall newCall() {
    LlmCall call = new LlmCall(route, "test.invalid", 443, "test", 0);
    call.stream = stream;
    call.httpStatus = status;
    return call;
  }

  static void feed(ResponseTap tap, PositionClock clock, Chunking chunking, byte[] bytes) {
    int n = bytes.length;
    switch (chunking) {
      case WHOLE:
        clock.position = n + 1;
        tap.onBytes(bytes, 0, n);
        break;
      case ONE_BYTE:
        for (int i = 0; i < n; i++) {
          clock.position = i + 1;
          tap.onBytes(bytes, i, 1);
        }
        break;
      case RANDOM_SMALL:
        random(tap, clock, bytes, new Random(42), 17);
        break;
      case RANDOM_LARGE:
        random(tap, clock, bytes, new Random(7), 3000);
        break;
      case DIRECT_BUFFER:
        {
          Random r = new Random(99);
          int i = 0;
          while (i < n) {
            int k = Math.min(n - i, 1 + r.nextInt(700));
            ByteBuffer b = ByteBuffer.allocateDirect(k + 8);
            b.put(new byte[8]); // the application's buffer has its own position
            b.put(bytes, i, k);
            b.flip();
            b.position(8);
            clock.position = i + k;
            tap.onBytes(b);
            assertThat(b.position()).as("buffer position untouched").isEqualTo(8);
            assertThat(b.remaining()).isEqualTo(k);
            i += k;
          }
          break;
        }
      default: // READ_ONLY_SLICE: heap slices with an array offset, some read-only
        {
          Random r = new Random(5);
          byte[] padded = new byte[n + 32];
          System.arraycopy(bytes, 0, padded, 16, n);
          int i = 0;
          boolean readOnly = false;
          while (i < n) {
            int k = Math.min(n - i, 1 + r.nextInt(300));
            ByteBuffer b = ByteBuffer.wrap(padded, 16 + i, k).slice();
            if (readOnly) {
              b = b.asReadOnlyBuffer();
            }
            readOnly = !readOnly;
            clock.position = i + k;
            tap.onBytes(b);
            assertThat(b.position()).isZero();
            i += k;
          }
        }
    }
  }

  private static void random(
      ResponseTap tap, PositionClock clock, byte[] bytes, Random r, int max) {
    int i = 0;
    while (i < bytes.length) {
      int k = Math.min(bytes.length - i, 1 + r.nextInt(max));
      clock.position = i + k;
      tap.onBytes(bytes, i, k);
      i += k;
    }
  }

  /** Every public field of the call, except the first-chunk time, which varies by chunking. */
  static String snapshot(LlmCall call) {
    List<String> parts = new ArrayList<>();
    for (Field f : LlmCall.class.getFields()) {
      if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      try {
        Object v = f.get(call);
        if (f.getName().equals("firstChunkNanos")) {
          v = ((Long) v) != 0 ? "set" : "unset";
        }
        parts.add(f.getName() + "=" + v);
      } catch (IllegalAccessException e) {
        throw new AssertionError(e);
      }
    }
    return String.join("\n", parts);
  }

  static byte[] fixtureBytes(String path) {
    try (InputStream in = TapRun.class.getResourceAsStream("/fixtures/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] gzip(byte[] b) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream g = new GZIPOutputStream(out)) {
        g.write(b);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] deflate(byte[] b) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (DeflaterOutputStream d = new DeflaterOutputStream(out)) {
        d.write(b);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Asserts the first chunk was taken at the event holding {@code marker}: after the marker, and no
   * later than the start of the next event/line.
   */
  void assertFirstChunkAt(LlmCall oneByteRun, String marker) {
    String text = new String(body, StandardCharsets.ISO_8859_1);
    byte[] m = marker.getBytes(StandardCharsets.UTF_8);
    int at = text.indexOf(new String(m, StandardCharsets.ISO_8859_1));
    assertThat(at).as("marker %s in fixture", marker).isGreaterThanOrEqualTo(0);
    int next = nextEventStart(text, at + m.length);
    assertThat(oneByteRun.firstChunkNanos)
        .as("first chunk taken in the event holding %s", marker)
        .isGreaterThan(at)
        .isLessThanOrEqualTo(next);
  }

  private static int nextEventStart(String text, int from) {
    int best = text.length();
    for (String s : new String[] {"\ndata:", "\revent:", "\nevent:", "\rdata:", "\n{", "\n,"}) {
      int i = text.indexOf(s, from);
      if (i >= 0 && i < best) {
        best = i + 1;
      }
    }
    return best;
  }
}
