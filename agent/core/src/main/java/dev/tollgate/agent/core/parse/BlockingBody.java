package dev.tollgate.agent.core.parse;

/**
 * A non-streaming JSON body, read with bounded memory. Up to {@link ResponseTap#BODY_CAP} it is
 * buffered and parsed whole at the end. Beyond, only a head and a tail of fixed size are kept (the
 * model and id are near the start, usage near the end) and the middle passes by uncopied.
 *
 * <p>Leading whitespace is skipped (DeepSeek writes blank lines while a request is queued), and so
 * is a byte-order mark. A body that starts with {@code [} is handed to a {@link JsonSplitter}: that
 * is Gemini streaming without {@code alt=sse} (or an error array). Anything else that is not JSON
 * gives up at the first byte.
 */
final class BlockingBody extends Framer {
  private final ResponseTap tap;
  private ByteBuf body = new ByteBuf(4096, ResponseTap.BODY_CAP);
  private JsonSplitter array;
  private boolean sniffed;

  private boolean capped;
  private byte[] head;
  private int headLen;
  private byte[] tail;

  /** Bytes ever written into the tail ring; the ring holds the last tail.length of them. */
  private long tailWritten;

  BlockingBody(ResponseTap tap) {
    this.tap = tap;
  }

  @Override
  void write(byte[] b, int off, int len) {
    if (array != null) {
      array.write(b, off, len);
      return;
    }
    if (!sniffed) {
      int i = Json.skipWsAndBom(b, off, off + len);
      if (i == off + len) {
        return;
      }
      sniffed = true;
      byte c = b[i];
      len -= i - off;
      off = i;
      if (c == '[') {
        array = new JsonSplitter(tap, true);
        body = null;
        tap.streamingBody();
        array.write(b, off, len);
        return;
      }
      if (c != '{') {
        tap.garbage();
        return;
      }
    }
    if (!capped) {
      if (body.append(b, off, len)) {
        return;
      }
      capped = true;
      head = new byte[ResponseTap.HEAD_CAP];
      headLen = Math.min(body.len, head.length);
      System.arraycopy(body.buf, 0, head, 0, headLen);
      // The head may still be short: this very write can be the one that overflows.
      int more = Math.min(head.length - headLen, len);
      System.arraycopy(b, off, head, headLen, more);
      headLen += more;
      tail = new byte[ResponseTap.TAIL_CAP];
      appendTail(body.buf, 0, body.len);
      body = null;
    }
    appendTail(b, off, len);
  }

  private void appendTail(byte[] b, int off, int len) {
    int cap = tail.length;
    if (len >= cap) {
      off += len - cap;
      tailWritten += len - cap;
      len = cap;
    }
    int pos = (int) (tailWritten % cap);
    int first = Math.min(len, cap - pos);
    System.arraycopy(b, off, tail, pos, first);
    if (len > first) {
      System.arraycopy(b, off + first, tail, 0, len - first);
    }
    tailWritten += len;
  }

  @Override
  void end() {
    if (array != null) {
      array.end();
    } else if (capped) {
      int n = (int) Math.min(tailWritten, tail.length);
      byte[] linear = new byte[n];
      int start = (int) ((tailWritten - n) % tail.length);
      int first = Math.min(n, tail.length - start);
      System.arraycopy(tail, start, linear, 0, first);
      System.arraycopy(tail, 0, linear, first, n - first);
      tap.capped(head, headLen, linear, n);
    } else if (sniffed && body != null) {
      tap.value(body.buf, 0, body.len, null);
    }
  }

  @Override
  boolean endIfComplete() {
    if (array != null || !sniffed || body == null) {
      return false;
    }
    if (!completeValue(body.buf, body.len)) {
      return false;
    }
    tap.value(body.buf, 0, body.len, null);
    return true;
  }

  /** True when buf holds one whole JSON object or array (strings and escapes respected). */
  static boolean completeValue(byte[] buf, int len) {
    int depth = 0;
    boolean inString = false;
    boolean escape = false;
    for (int i = 0; i < len; i++) {
      byte c = buf[i];
      if (inString) {
        if (escape) {
          escape = false;
        } else if (c == '\\') {
          escape = true;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if ((c == '}' || c == ']') && --depth == 0) {
        return true;
      }
    }
    return false;
  }

  @Override
  void release() {
    body = null;
    head = null;
    tail = null;
    if (array != null) {
      array.release();
    }
  }

  @Override
  int retainedBytes() {
    int n = 0;
    if (body != null) {
      n += body.capacity();
    }
    if (head != null) {
      n += head.length;
    }
    if (tail != null) {
      n += tail.length;
    }
    if (array != null) {
      n += array.retainedBytes();
    }
    return n;
  }
}
