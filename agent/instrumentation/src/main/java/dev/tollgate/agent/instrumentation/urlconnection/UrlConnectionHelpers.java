package dev.tollgate.agent.instrumentation.urlconnection;

import dev.tollgate.agent.core.AgentRuntime;
import dev.tollgate.agent.core.CallTracker;
import dev.tollgate.agent.core.TrackedCall;
import dev.tollgate.agent.core.call.Route;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * State for {@code HttpURLConnection} calls. The connection's own streams are cached by the JDK
 * and returned again on every call, so the wrappers are cached too (the application sees one
 * stream object per connection, as it would without the agent). Connections are kept weakly, and
 * only those that were recognized as LLM calls are kept at all.
 */
public final class UrlConnectionHelpers {
  static final String CLIENT = "http-url-connection";

  private static final Map<HttpURLConnection, State> STATES = new WeakHashMap<>();

  /**
   * Set while the agent itself asks the connection for its status or headers: those calls re-enter
   * {@code getInputStream}, and the nested advice must stand aside.
   */
  private static final ThreadLocal<boolean[]> BUSY = ThreadLocal.withInitial(() -> new boolean[1]);

  private UrlConnectionHelpers() {}

  static final class State {
    final TrackedCall call;
    /** Set when the controller refused the call: every later attempt to use it fails the same way. */
    IOException rejected;
    RequestTapOutputStream out;
    TappedInputStream in;
    OutputStream rawOut;
    InputStream rawIn;
    boolean responseSeen;
    boolean admitted;

    State(TrackedCall call) {
      this.call = call;
    }
  }

  private static State state(HttpURLConnection c, boolean create) {
    CallTracker tracker = AgentRuntime.tracker();
    if (tracker == null) {
      return null;
    }
    URL url = c.getURL();
    int port = url.getPort() < 0 ? url.getDefaultPort() : url.getPort();
    Route route = tracker.recognize(url.getProtocol(), url.getHost(), port, url.getPath());
    if (route == null || !"POST".equals(c.getRequestMethod())) {
      return null;
    }
    synchronized (STATES) {
      State s = STATES.get(c);
      if (s == null && create) {
        s = new State(tracker.start(route, url.getHost(), port, CLIENT));
        STATES.put(c, s);
        final HttpURLConnection conn = c;
        tracker.requestHeaders(s.call, name -> conn.getRequestProperty(name));
      }
      return s;
    }
  }

  /**
   * Before the connection connects or sends: starts tracking an LLM call and lets the controller
   * hold or refuse it. Throws the refusal.
   */
  public static void onEnter(HttpURLConnection c) throws IOException {
    boolean[] busy = BUSY.get();
    if (busy[0]) {
      return;
    }
    CallTracker tracker = AgentRuntime.tracker();
    if (tracker == null || tracker.control() == null) {
      // Without a controller there is nothing to decide before the call; the exit advice starts
      // tracking, which keeps the common path as short as it was.
      return;
    }
    State s = state(c, true);
    if (s == null) {
      return;
    }
    synchronized (s) {
      if (s.rejected != null) {
        throw s.rejected;
      }
      if (s.admitted) {
        return;
      }
      s.admitted = true;
      try {
        tracker.admit(s.call);
      } catch (IOException e) {
        s.rejected = e;
        throw e;
      }
    }
  }

  public static OutputStream onOutputStream(HttpURLConnection c, OutputStream out, Throwable thrown) {
    State s = state(c, true);
    if (s == null) {
      return out;
    }
    CallTracker tracker = AgentRuntime.tracker();
    if (thrown != null) {
      tracker.failed(s.call, thrown);
      return out;
    }
    synchronized (s) {
      if (s.rawOut == out && s.out != null) {
        return s.out;
      }
      s.rawOut = out;
      s.out = new RequestTapOutputStream(out, tracker, s.call);
      return s.out;
    }
  }

  public static InputStream onInputStream(
      HttpURLConnection c, InputStream in, Throwable thrown, boolean errorStream) {
    boolean[] busy = BUSY.get();
    if (busy[0]) {
      return in;
    }
    busy[0] = true;
    try {
      return onInputStream0(c, in, thrown, errorStream);
    } finally {
      busy[0] = false;
    }
  }

  private static InputStream onInputStream0(
      HttpURLConnection c, InputStream in, Throwable thrown, boolean errorStream) {
    State s = state(c, !errorStream);
    if (s == null) {
      return in;
    }
    CallTracker tracker = AgentRuntime.tracker();
    synchronized (s) {
      if (s.out != null) {
        s.out.flushCapture();
      }
      if (thrown != null && !(thrown instanceof IOException && hasStatus(c))) {
        tracker.failed(s.call, thrown);
        return in;
      }
      if (in == null) {
        if (thrown != null) {
          // 4xx/5xx: getInputStream threw; the body will come through getErrorStream.
          respond(tracker, s, c);
        }
        return null;
      }
      if (s.rawIn == in && s.in != null) {
        return s.in;
      }
      respond(tracker, s, c);
      s.rawIn = in;
      s.in = new TappedInputStream(in, tracker, s.call);
      return s.in;
    }
  }

  private static boolean hasStatus(HttpURLConnection c) {
    try {
      return c.getResponseCode() > 0;
    } catch (Throwable e) {
      return false;
    }
  }

  private static void respond(CallTracker tracker, State s, HttpURLConnection c) {
    if (s.responseSeen) {
      return;
    }
    s.responseSeen = true;
    int status;
    try {
      status = c.getResponseCode();
    } catch (IOException e) {
      status = -1;
    }
    // HttpURLConnection does not decompress either: the tap sees the same bytes as the application.
    tracker.response(s.call, status, name -> c.getHeaderField(name), c.getHeaderField("content-encoding"));
  }

  public static void onDisconnect(HttpURLConnection c) {
    State s;
    synchronized (STATES) {
      s = STATES.remove(c);
    }
    if (s != null) {
      CallTracker tracker = AgentRuntime.tracker();
      if (tracker != null && !s.call.isFinished()) {
        if (s.in != null) {
          tracker.abortedByApplication(s.call);
        } else {
          tracker.finish(s.call);
        }
      }
    }
  }

  /** Copies a capped prefix of what the application writes, then hands it to the tracker once. */
  static final class RequestTapOutputStream extends OutputStream {
    private final OutputStream out;
    private final CallTracker tracker;
    private final TrackedCall call;
    private final byte[] prefix = new byte[CallTracker.REQUEST_CAPTURE_LIMIT];
    private int size;
    private boolean overflow;
    private boolean handedOver;

    RequestTapOutputStream(OutputStream out, CallTracker tracker, TrackedCall call) {
      this.out = out;
      this.tracker = tracker;
      this.call = call;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      if (size < prefix.length) {
        prefix[size++] = (byte) b;
      } else {
        overflow = true;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      int n = Math.min(len, prefix.length - size);
      if (n > 0) {
        System.arraycopy(b, off, prefix, size, n);
        size += n;
      }
      if (n < len) {
        overflow = true;
      }
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
      flushCapture();
    }

    synchronized void flushCapture() {
      if (!handedOver && size > 0) {
        handedOver = true;
        try {
          tracker.requestBody(call, prefix, 0, size, overflow);
        } catch (Throwable ignored) {
          // never surfaces
        }
      }
    }
  }

  /** Feeds the tap with exactly the bytes the application reads, when it reads them. */
  static final class TappedInputStream extends FilterInputStream {
    private final CallTracker tracker;
    private final TrackedCall call;

    TappedInputStream(InputStream in, CallTracker tracker, TrackedCall call) {
      super(in);
      this.tracker = tracker;
      this.call = call;
    }

    @Override
    public int read() throws IOException {
      int b;
      try {
        b = in.read();
      } catch (IOException e) {
        tracker.failed(call, e);
        throw e;
      }
      if (b < 0) {
        tracker.finish(call);
      } else if (call.tap() != null) {
        byte[] one = {(byte) b};
        call.tap().onBytes(one, 0, 1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = in.read(b, off, len);
      } catch (IOException e) {
        tracker.failed(call, e);
        throw e;
      }
      if (n < 0) {
        tracker.finish(call);
      } else if (n > 0 && call.tap() != null) {
        call.tap().onBytes(b, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // Skipped bytes never reach the tap; the parser treats the gap as a body it cannot read.
      return in.skip(n);
    }

    @Override
    public void close() throws IOException {
      try {
        if (!call.isFinished()) {
          // Closing before EOF: peek whether the body had actually ended.
          tracker.abortedByApplication(call);
        }
      } catch (Throwable ignored) {
        // ignore
      }
      in.close();
    }
  }
}
