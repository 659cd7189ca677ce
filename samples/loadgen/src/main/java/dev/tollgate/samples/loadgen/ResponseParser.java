package dev.tollgate.samples.loadgen;

import java.io.IOException;

/**
 * An incremental HTTP/1.1 response parser: status line, headers, then a body framed by
 * Content-Length, chunked transfer coding or the end of the connection. Body bytes go to a {@link
 * BodyAnalyzer}. One instance per connection, reset per response; it allocates nothing per
 * response.
 */
final class ResponseParser {
  private enum State {
    STATUS,
    HEADERS,
    BODY_LENGTH,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_END,
    TRAILERS,
    BODY_EOF,
    DONE
  }

  private static final int MAX_LINE = 16 * 1024;

  private final byte[] line = new byte[MAX_LINE];
  private int lineLength;
  private State state = State.STATUS;
  private int status;
  private long contentLength;
  private boolean chunked;
  private boolean keepAlive;
  private boolean sse;
  private long remaining;
  private BodyAnalyzer body;

  void reset(BodyAnalyzer body) {
    this.body = body;
    state = State.STATUS;
    lineLength = 0;
    status = 0;
    contentLength = -1;
    chunked = false;
    keepAlive = true;
    sse = false;
    remaining = 0;
  }

  /**
   * Consumes {@code n} bytes at {@code off}. Returns the number consumed, which is less than {@code
   * n} only when the response completed before the end of the input.
   */
  int feed(byte[] b, int off, int n, long nowNanos) throws IOException {
    int p = off;
    int end = off + n;
    while (p < end && state != State.DONE) {
      switch (state) {
        case STATUS, HEADERS, CHUNK_SIZE, CHUNK_END, TRAILERS -> {
          int nl = -1;
          for (int i = p; i < end; i++) {
            if (b[i] == '\n') {
              nl = i;
              break;
            }
          }
          int take = (nl < 0 ? end : nl) - p;
          if (lineLength + take > MAX_LINE) {
            throw new IOException("response line longer than " + MAX_LINE + " bytes");
          }
          System.arraycopy(b, p, line, lineLength, take);
          lineLength += take;
          if (nl < 0) {
            p = end;
          } else {
            p = nl + 1;
            int len = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
            lineLength = 0;
            onLine(len);
          }
        }
        case BODY_LENGTH, CHUNK_DATA -> {
          int take = (int) Math.min(remaining, end - p);
          body.onBody(b, p, take, nowNanos);
          p += take;
          remaining -= take;
          if (remaining == 0) {
            state = state == State.BODY_LENGTH ? State.DONE : State.CHUNK_END;
          }
        }
        case BODY_EOF -> {
          body.onBody(b, p, end - p, nowNanos);
          p = end;
        }
        default -> throw new IllegalStateException(state.name());
      }
    }
    return p - off;
  }

  private void onLine(int len) throws IOException {
    switch (state) {
      case STATUS -> {
        if (len == 0) {
          return; // tolerate a stray blank line before the status line
        }
        if (len < 12 || !startsWith(len, "HTTP/1.")) {
          throw new IOException("not an HTTP/1.x status line");
        }
        keepAlive = line[7] != '0';
        status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
        if (status < 100 || status > 999) {
          throw new IOException("bad status code");
        }
        state = State.HEADERS;
      }
      case HEADERS -> {
        if (len == 0) {
          headersDone();
        } else {
          header(len);
        }
      }
      case CHUNK_SIZE -> {
        long size = 0;
        int digits = 0;
        for (int i = 0; i < len; i++) {
          int d = Character.digit(line[i], 16);
          if (d < 0) {
            break; // chunk extensions or whitespace
          }
          size = size * 16 + d;
          if (++digits > 15) {
            throw new IOException("chunk size too large");
          }
        }
        if (digits == 0) {
          throw new IOException("bad chunk size line");
        }
        if (size == 0) {
          state = State.TRAILERS;
        } else {
          remaining = size;
          state = State.CHUNK_DATA;
        }
      }
      case CHUNK_END -> {
        if (len != 0) {
          throw new IOException("chunk not followed by CRLF");
        }
        state = State.CHUNK_SIZE;
      }
      case TRAILERS -> {
        if (len == 0) {
          state = State.DONE;
        }
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  private void headersDone() {
    if (status >= 100 && status < 200 && status != 101) {
      state = State.STATUS; // an interim answer; the real one follows
      return;
    }
    body.reset(sse);
    if (status == 204 || status == 304) {
      state = State.DONE;
    } else if (chunked) {
      state = State.CHUNK_SIZE;
    } else if (contentLength >= 0) {
      remaining = contentLength;
      state = contentLength == 0 ? State.DONE : State.BODY_LENGTH;
    } else {
      keepAlive = false;
      state = State.BODY_EOF;
    }
  }

  private void header(int len) throws IOException {
    int colon = -1;
    for (int i = 0; i < len; i++) {
      if (line[i] == ':') {
        colon = i;
        break;
      }
    }
    if (colon <= 0) {
      throw new IOException("bad header line");
    }
    int v = colon + 1;
    while (v < len && (line[v] == ' ' || line[v] == '\t')) {
      v++;
    }
    if (nameIs(colon, "content-length")) {
      long n = 0;
      for (int i = v; i < len && line[i] >= '0' && line[i] <= '9'; i++) {
        n = n * 10 + (line[i] - '0');
      }
      contentLength = n;
    } else if (nameIs(colon, "transfer-encoding")) {
      chunked = containsIgnoreCase(v, len, "chunked");
    } else if (nameIs(colon, "connection")) {
      if (containsIgnoreCase(v, len, "close")) {
        keepAlive = false;
      } else if (containsIgnoreCase(v, len, "keep-alive")) {
        keepAlive = true;
      }
    } else if (nameIs(colon, "content-type")) {
      sse = containsIgnoreCase(v, len, "text/event-stream");
    }
  }

  private boolean startsWith(int len, String s) {
    if (len < s.length()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (line[i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private boolean nameIs(int len, String lower) {
    if (len != lower.length()) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if ((line[i] | 0x20) != lower.charAt(i) && line[i] != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private boolean containsIgnoreCase(int from, int to, String lower) {
    outer:
    for (int i = from; i <= to - lower.length(); i++) {
      for (int j = 0; j < lower.length(); j++) {
        if ((line[i + j] | 0x20) != lower.charAt(j)) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** The connection ended. True if that completes the response (a body delimited by close). */
  boolean onEof() {
    if (state == State.BODY_EOF) {
      state = State.DONE;
      return true;
    }
    return state == State.DONE;
  }

  boolean done() {
    return state == State.DONE;
  }

  /** Whether any byte of a response has arrived. */
  boolean started() {
    return state != State.STATUS || lineLength > 0;
  }

  int status() {
    return status;
  }

  boolean keepAlive() {
    return keepAlive;
  }

  boolean sse() {
    return sse;
  }
}
