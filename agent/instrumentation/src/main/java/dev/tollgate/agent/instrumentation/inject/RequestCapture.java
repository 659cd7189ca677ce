package dev.tollgate.agent.instrumentation.inject;

import dev.tollgate.agent.bootstrap.Hooks;
import java.nio.ByteBuffer;

/**
 * A capped prefix of a request body, copied while the client writes the body to the network (never
 * by reading the body a second time: a body may be one-shot), and handed to the call once, before
 * the response is reported. Synchronized: an asynchronous client may write on one thread and read
 * the response on another. LLM calls only.
 */
public final class RequestCapture {
  /** Same as the core's capture limit: enough for model, stream flag and max tokens. */
  static final int LIMIT = 64 * 1024;

  private final Hooks hooks;
  private final Object call;
  private byte[] buf;
  private int size;
  private boolean truncated;
  private boolean handedOver;

  public RequestCapture(Hooks hooks, Object call) {
    this.hooks = hooks;
    this.call = call;
  }

  /** True while more bytes are wanted. */
  public synchronized boolean wants() {
    return !handedOver && size < LIMIT;
  }

  public synchronized void append(byte[] b, int off, int len) {
    if (handedOver || len <= 0) {
      return;
    }
    int n = room(len);
    System.arraycopy(b, off, buf, size, n);
    size += n;
  }

  /** Copies {@code len} bytes starting at absolute index {@code from} of the buffer. */
  public synchronized void append(ByteBuffer src, int from, int len) {
    if (handedOver || len <= 0) {
      return;
    }
    int n = room(len);
    for (int i = 0; i < n; i++) {
      buf[size + i] = src.get(from + i);
    }
    size += n;
  }

  public synchronized void append(int b) {
    if (handedOver) {
      return;
    }
    if (room(1) == 1) {
      buf[size++] = (byte) b;
    }
  }

  private int room(int len) {
    int n = Math.min(len, LIMIT - size);
    if (n < len) {
      truncated = true;
    }
    if (buf == null || buf.length < size + n) {
      int cap = buf == null ? 1024 : buf.length * 2;
      while (cap < size + n) {
        cap *= 2;
      }
      byte[] grown = new byte[Math.min(cap, LIMIT)];
      if (buf != null) {
        System.arraycopy(buf, 0, grown, 0, size);
      }
      buf = grown;
    }
    return n;
  }

  /** Hands the prefix to the call, at most once; later writes (a retried body) are not kept. */
  public void handOver() {
    byte[] b;
    int n;
    boolean t;
    synchronized (this) {
      if (handedOver) {
        return;
      }
      handedOver = true;
      b = buf;
      n = size;
      t = truncated;
      buf = null;
    }
    if (n > 0) {
      hooks.callRequestBody(call, b, 0, n, t);
    }
  }
}
